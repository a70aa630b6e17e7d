import _WaybillSupport

/// A set of 64-bit identities gathered to be checked for repeats once, at the end: the values
/// are spread over 256 runs by their top eight bits as they are added, and `containsRepeat()`
/// checks each run with one small `IdentitySet`, emptied between runs, that stays in the
/// processor's cache.
///
/// Made for the millions of identities of one import. Inserting them one by one into one table
/// (`IdentitySet.insert(_:)`) zeroes a table of hundreds of MB first and then misses the cache on
/// nearly every probe; sorting them into runs at the end took a second array as large and a
/// counting pass. Identities are uniformly mixed hashes, so the runs come out about equal; skewed
/// values only make one run's table larger. (Runs of 2,048 with tables 8 times smaller were no
/// faster at 12.7 M values.)
final class IdentityRuns {
    /// How many top bits of a value pick its run.
    static let runBits = 8
    private static let runCount = 1 << runBits

    private var runs: UnsafeMutablePointer<GrowableBuffer<Int64>>
    /// The number of values added.
    private(set) var count = 0

    /// Runs with room for about `capacity` values in all before any grows.
    init(capacity: Int = 0) {
        runs = IdentityRuns.makeRuns(capacity)
    }

    deinit { IdentityRuns.free(runs) }

    private static func makeRuns(_ capacity: Int) -> UnsafeMutablePointer<GrowableBuffer<Int64>> {
        let runs = UnsafeMutablePointer<GrowableBuffer<Int64>>.allocate(capacity: runCount)
        // A run gets a sixteenth more than its even share: runs of uniform values differ by a
        // few hundredths.
        let each = capacity / runCount + capacity / runCount / 16
        for b in 0..<runCount { (runs + b).initialize(to: GrowableBuffer(capacity: max(each, 64))) }
        return runs
    }

    private static func free(_ runs: UnsafeMutablePointer<GrowableBuffer<Int64>>) {
        for b in 0..<runCount { runs[b].deallocate() }
        runs.deallocate()
    }

    /// Makes room for about `capacity` values in all; only before the first value is added.
    func reserve(_ capacity: Int) {
        guard count == 0 else { return }
        IdentityRuns.free(runs)
        runs = IdentityRuns.makeRuns(capacity)
    }

    /// Removes every value, giving back the runs' memory.
    func removeAll() {
        IdentityRuns.free(runs)
        runs = IdentityRuns.makeRuns(0)
        count = 0
    }

    /// Adds `values` to their runs.
    ///
    /// - Complexity: amortised O(*k*) for *k* values.
    func append(_ values: UnsafeBufferPointer<Int64>) {
        let shift = UInt64(64 - IdentityRuns.runBits)
        for v in values { runs[Int(truncatingIfNeeded: UInt64(bitPattern: v) &>> shift)].append(v) }
        count &+= values.count
    }

    /// True when some value was added more than once.
    ///
    /// - Complexity: expected O(*n*) for *n* values; one table, for the longest run.
    func containsRepeat() -> Bool {
        guard count > 1 else { return false }
        // One table for every run, sized for the longest: a table per run would be a fresh
        // mapping per run, zeroed page by page by the kernel.
        let longest = (0..<IdentityRuns.runCount).map { runs[$0].count }.max()!
        var table = IdentitySet(capacity: longest)
        for b in 0..<IdentityRuns.runCount where runs[b].count > 1 {
            table.removeAll()
            for v in runs[b].elements where !table.insert(v) { return true }
        }
        return false
    }
}

extension IdentitySet {
    /// True when some value occurs more than once in `values`.
    ///
    /// Made for the millions of identities of one import, checked once at its end: a counting
    /// sort on the top eight bits spreads the values over 256 runs, and each run is checked with
    /// a small open-addressing table that stays in the processor's cache (runs of 2,048 and
    /// tables 8 times smaller took as long for 12.7 M values). Inserting them one by one
    /// into one table (`insert(_:)`) zeroes a table of hundreds of MB first and then misses the
    /// cache on nearly every probe. Identities are uniformly mixed hashes, so the runs come out
    /// about equal; skewed values only make one run's table larger.
    ///
    /// - Complexity: expected O(*n*) time, O(*n*) extra memory.
    static func containsRepeat(_ values: UnsafeBufferPointer<Int64>) -> Bool {
        let n = values.count
        guard n > 1, let base = values.baseAddress else { return false }
        if n <= 1 << 16 {
            let table = RunTable(count: n)
            defer { table.deallocate() }
            return table.containsRepeat(base, count: n)
        }
        // Counting sort by the top bits into one scratch array.
        let runs = 1 << IdentitySet.runBits, shift = UInt64(64 - IdentitySet.runBits)
        var starts = [Int](repeating: 0, count: runs + 1)
        starts.withUnsafeMutableBufferPointer { starts in
            for v in values { starts[Int(UInt64(bitPattern: v) &>> shift) &+ 1] &+= 1 }
        }
        for b in 1...runs { starts[b] &+= starts[b - 1] }
        let sorted = UnsafeMutablePointer<Int64>.allocate(capacity: n)
        defer { sorted.deallocate() }
        var next = starts
        next.withUnsafeMutableBufferPointer { next in
            for v in values {
                let b = Int(UInt64(bitPattern: v) &>> shift)
                sorted[next[b]] = v
                next[b] &+= 1
            }
        }
        // One table for every run, sized for the longest: a table per run would be a fresh
        // mapping per run, zeroed page by page by the kernel.
        let longest = (0..<runs).map { starts[$0 + 1] - starts[$0] }.max()!
        let table = RunTable(count: longest)
        defer { table.deallocate() }
        for b in 0..<runs where starts[b + 1] - starts[b] > 1 {
            if table.containsRepeat(sorted + starts[b], count: starts[b + 1] - starts[b]) { return true }
        }
        return false
    }

    /// How many top bits of a value pick its run in `containsRepeat(_:)`.
    static let runBits = 8

    /// The scratch table of `containsRepeat(_:)`: linear probing over at least twice as many
    /// slots as values, 0 marking an empty slot (the value 0 is a flag).
    private struct RunTable {
        let slots: UnsafeMutablePointer<Int64>
        let capacity: Int

        /// A table for runs of up to `count` values.
        init(count: Int) {
            var size = 16
            while size < 2 * count { size <<= 1 }
            slots = .allocate(capacity: size)
            capacity = size
        }

        func deallocate() { slots.deallocate() }

        /// True when some value occurs more than once among the `count` values at `run`.
        ///
        /// - Complexity: expected O(*count*), plus zeroing the part of the table it uses.
        func containsRepeat(_ run: UnsafePointer<Int64>, count: Int) -> Bool {
            var size = 16
            while size < 2 * count { size <<= 1 }
            slots.initialize(repeating: 0, count: size)
            let mask = size - 1
            var zeroSeen = false
            for k in 0..<count {
                let v = run[k]
                if v == 0 {
                    if zeroSeen { return true }
                    zeroSeen = true
                    continue
                }
                var i = Int(truncatingIfNeeded: v) & mask
                while true {
                    let slot = slots[i]
                    if slot == v { return true }
                    if slot == 0 {
                        slots[i] = v
                        break
                    }
                    i = (i &+ 1) & mask
                }
            }
            return false
        }
    }
}

#if os(Linux)
import Glibc
#endif

/// A set of 64-bit event identities: open addressing with linear probing over one flat table.
///
/// Event identities are already the output of a 64-bit finaliser (`StableHash.value`), so their
/// bits are uniformly mixed and can index the table directly. `Set<Int64>` hashes each key again
/// with a per-process seeded SipHash and kept three sets per ingest session; at 12.7 million events
/// that was a third of the CSV importer's time. Here a look-up is one multiply-free mask, usually
/// one cache miss, and an insert that finds the key absent reuses the probe of the look-up.
///
/// The value 0 marks an empty slot, so the identity 0 is tracked by a separate flag.
struct IdentitySet {
    private var slots: [Int64]
    private var mask: Int
    private var hasZero = false
    /// The number of identities in the set.
    private(set) var count = 0

    /// A set sized for about `capacity` identities before it first grows.
    init(capacity: Int = 1024) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        slots = IdentitySet.emptySlots(size)
        mask = size - 1
    }

    /// `size` zero slots. A table of many megabytes is asked to be backed by huge pages before
    /// it is zeroed: its look-ups land anywhere in it, and with 4 KiB pages nearly each one also
    /// missed the TLB (a 268 MB table for 12.7 M events is 65,536 pages; 2 MiB pages make it
    /// 128). The advice is only advice: where the kernel does not follow it nothing changes.
    private static func emptySlots(_ size: Int) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: size) { buffer, count in
            #if os(Linux)
            let bytes = size * MemoryLayout<Int64>.stride
            let huge = 2 << 20
            if bytes >= 4 * huge, let base = buffer.baseAddress {
                let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
                let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
                if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
            }
            #endif
            buffer.initialize(repeating: 0)
            count = size
        }
    }

    /// True when `identity` is in the set.
    ///
    /// - Complexity: expected O(1); the load factor stays at most 3/4.
    @inline(__always)
    func contains(_ identity: Int64) -> Bool {
        if identity == 0 { return hasZero }
        return slots.withUnsafeBufferPointer { s in
            var i = Int(truncatingIfNeeded: identity) & mask
            while true {
                let v = s[i]
                if v == identity { return true }
                if v == 0 { return false }
                i = (i &+ 1) & mask
            }
        }
    }

    /// Adds `identity`; returns false when it was already present.
    ///
    /// - Complexity: expected amortised O(1).
    @inline(__always)
    @discardableResult
    mutating func insert(_ identity: Int64) -> Bool {
        if identity == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let m = mask
        let inserted = slots.withUnsafeMutableBufferPointer { s -> Bool in
            var i = Int(truncatingIfNeeded: identity) & m
            while true {
                let v = s[i]
                if v == identity { return false }
                if v == 0 {
                    s[i] = identity
                    return true
                }
                i = (i &+ 1) & m
            }
        }
        if inserted { count += 1 }
        return inserted
    }

    /// Removes every identity, keeping the table's size.
    ///
    /// - Complexity: O(table size).
    mutating func removeAll() {
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        hasZero = false
        count = 0
    }

    /// Makes room for `capacity` identities in all, so that inserts up to that count do not grow
    /// the table (a growth re-inserts every identity, each a cache miss on a large table).
    ///
    /// - Complexity: O(*n*) when it grows, O(1) otherwise.
    mutating func reserve(_ capacity: Int) {
        while capacity * 4 > slots.count * 3 { grow() }
    }

    /// The first slot `identity`'s probe reads, loaded now: called a few identities ahead of the
    /// inserts of a batch, it lets the processor overlap their cache misses (on a table of
    /// hundreds of MB every insert misses) instead of waiting for one after the other.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    func touch(_ identity: Int64) -> Int64 {
        slots.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: identity) & mask] }
    }

    /// Adds every identity of a sequence.
    mutating func formUnion<S: Sequence>(_ identities: S) where S.Element == Int64 {
        for identity in identities { insert(identity) }
    }

    private mutating func grow() {
        let old = slots
        let size = slots.count * 2
        slots = IdentitySet.emptySlots(size)
        mask = size - 1
        let m = mask
        slots.withUnsafeMutableBufferPointer { s in
            for v in old where v != 0 {
                var i = Int(truncatingIfNeeded: v) & m
                while s[i] != 0 { i = (i &+ 1) & m }
                s[i] = v
            }
        }
    }
}

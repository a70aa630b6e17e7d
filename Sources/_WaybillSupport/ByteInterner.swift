/// Maps byte strings to dense integer ids without allocating per look-up.
///
/// An open-addressing hash table (linear probing, FNV-1a) over one byte arena. The ingest hot path
/// looks up the case id, activity and resource of every row; going through `String` and
/// `Dictionary` cost an allocation and a seeded SipHash per field, several times the cost of
/// parsing the row. Ids are given in first-seen order: 0, 1, 2...
public struct ByteInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Slot -> id + 1 (0 = empty).
    private var slots: [Int32]
    private var mask: Int

    /// The number of distinct strings.
    public var count: Int { hashes.count }

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// A hash of the bytes read eight at a time (multiply and fold per word): FNV-1a's
    /// multiply per byte was most of the interner's time on ids of 10 to 20 bytes. It never
    /// leaves the process, so it may change freely.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: n)
        guard n > 0, let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i &+ 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 32
            i &+= 8
        }
        if i < n {
            var tail: UInt64 = 0
            if n >= 8 {
                // The last eight bytes, overlapping the words before: one load, no byte loop.
                tail = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            } else {
                var shift: UInt64 = 0
                while i < n {
                    tail |= UInt64(base[i]) &<< shift
                    shift &+= 8
                    i &+= 1
                }
            }
            h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 32
        }
        h &*= 0xff51_afd7_ed55_8ccd
        return h ^ (h >> 29)
    }

    /// The id of `bytes`, adding it if new.
    ///
    /// - Complexity: amortised O(*n*) in the length of `bytes`.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int, isNew: Bool) {
        let h = ByteInterner.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let id = entry - 1
            if hashes[id] == h && equals(id, bytes) { return (id, false) }
            slot = (slot + 1) & mask
        }
        let id = hashes.count
        hashes.append(h)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        slots[slot] = Int32(id + 1)
        if hashes.count * 2 > slots.count { grow() }
        return (id, true)
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id], end = starts[id + 1]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            UnsafeBufferPointer(rebasing: a[start..<end]).sameBytes(as: bytes)
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for (id, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }

    /// The string of an id.
    public func string(_ id: Int) -> String {
        String(decoding: arena[starts[id]..<starts[id + 1]], as: UTF8.self)
    }
}

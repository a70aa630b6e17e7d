/// A map from names, given as UTF-8 bytes, to the store's ids for them (activities, resources,
/// lifecycle transitions): the importer looks names up by their bytes and asks the session only
/// for a name it has not met before, so no `String` is made per event.
///
/// Open addressing with linear probing over a power-of-two slot array; each name's bytes are kept
/// once in an arena. Lookups compare the 64-bit hash first, then the bytes.
///
/// - Complexity: amortised O(*n*) per lookup in the name's length; memory O(total name bytes).
struct ByteNameTable {
    private struct Entry {
        var hash: UInt64
        var offset: Int
        var length: Int
        var id: Int64
    }

    private var slots: [Int32]
    private var entries: [Entry] = []
    private var arena: [UInt8] = []
    private var mask: Int

    /// An empty table.
    init() {
        slots = Array(repeating: -1, count: 64)
        mask = 63
    }

    /// The number of names held.
    var count: Int { entries.count }

    /// The id of `name`, asking `make` (with the name as a `String`) the first time it is met.
    ///
    /// - Complexity: amortised O(*n*) in the name's length, plus `make` for a new name.
    @inline(__always)
    mutating func id(of name: UnsafeBufferPointer<UInt8>, make: (String) throws -> Int64) rethrows -> Int64 {
        let h = Self.hash(name)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { break }
            let entry = entries[index]
            if entry.hash == h && entry.length == name.count && matches(entry, name) { return entry.id }
            slot = (slot + 1) & mask
        }
        let id = try make(String(decoding: name, as: UTF8.self))
        let offset = arena.count
        arena.append(contentsOf: name)
        slots[slot] = Int32(entries.count)
        entries.append(Entry(hash: h, offset: offset, length: name.count, id: id))
        if entries.count * 2 > slots.count { grow() }
        return id
    }

    private func matches(_ entry: Entry, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { a in
            for k in 0..<name.count where a[entry.offset + k] != name[k] { return false }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// FNV-1a over eight bytes a step, then a final mix (the low bits pick the slot).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01B3
                i += 8
            }
            while i < n {
                h = (h ^ UInt64(base[i])) &* 0x100_0000_01B3
                i += 1
            }
        }
        h ^= h >> 32
        h &*= 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}

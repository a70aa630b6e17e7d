/// A small direct-mapped cache in front of a `ByteInterner`, for the short names (activities,
/// resources) that fill most rows of an event log.
///
/// A name of up to 24 bytes is held exactly as its length and three eight-byte words, so a hit
/// costs a few loads and compares, where the interner hashes the bytes, then reads its slot, the
/// stored hash, the name's bounds and its bytes from four arrays (two interned names a row were
/// 4.5 % of a CSV import). Longer names, and names that miss, go to the interner, whose ids the
/// cache returns unchanged.
public final class InternCache {
    /// One cached name: its words, its length (0 = empty entry) and its interner id.
    private struct Entry {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var w2: UInt64 = 0
        var count = 0
        var id = 0
    }

    private static let sizeBits = 10
    private let entries = UnsafeMutablePointer<Entry>.allocate(capacity: 1 << InternCache.sizeBits)

    public init() { entries.initialize(repeating: Entry(), count: 1 << InternCache.sizeBits) }

    deinit { entries.deallocate() }

    /// The id `interner` gives `bytes`, and whether it was new there.
    ///
    /// - Complexity: O(1) for a cached name of up to 24 bytes, otherwise as
    ///   `ByteInterner.intern(_:)`.
    @inline(__always)
    public func intern(_ bytes: UnsafeBufferPointer<UInt8>, in interner: inout ByteInterner) -> (id: Int, isNew: Bool) {
        let n = bytes.count
        guard n > 0, n <= 24, let base = bytes.baseAddress else { return interner.intern(bytes) }
        let raw = UnsafeRawPointer(base)
        let w0: UInt64, w1: UInt64, w2: UInt64
        if n >= 8 {
            // Overlapping loads: bytes 0-7, 8-15 (or none), and the last eight.
            w0 = raw.loadUnaligned(as: UInt64.self)
            w1 = n > 16 ? raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) : 0
            w2 = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 {
            // Bytes 0-3 and the last four, overlapping: with the length, exact.
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            (w0, w1, w2) = (low | high &<< 32, 0, 0)
        } else {
            // One to three bytes: the first, the middle and the last are all of them.
            (w0, w1, w2) = (UInt64(base[0]) | UInt64(base[n &>> 1]) &<< 8 | UInt64(base[n &- 1]) &<< 16, 0, 0)
        }
        let mixed = (w0 ^ w2 ^ UInt64(n)) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(truncatingIfNeeded: mixed &>> UInt64(64 - InternCache.sizeBits))
        let entry = entries[slot]
        if entry.count == n && entry.w0 == w0 && entry.w2 == w2 && entry.w1 == w1 { return (entry.id, false) }
        let result = interner.intern(bytes)
        entries[slot] = Entry(w0: w0, w1: w1, w2: w2, count: n, id: result.id)
        return result
    }
}

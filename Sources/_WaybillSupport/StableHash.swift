/// A 64-bit hash that is the same on every run and machine, for event identities.
///
/// Swift's `Hasher` is seeded per process, so it cannot identify an event across runs. This is
/// FNV-1a over the bytes followed by MurmurHash3's 64-bit finaliser (`fmix64`) to spread FNV's
/// weak low bits. Fields are separated by a byte that cannot occur in UTF-8 (0xFF), so
/// ("ab","c") and ("a","bc") differ.
public struct StableHash: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A hash with nothing combined yet.
    public init() {}

    /// Adds the bytes of a string, then a field separator.
    ///
    /// - Complexity: O(*n*) in the string's UTF-8 length.
    public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(bytes: $0) }
    }

    /// Adds raw bytes, then a field separator.
    ///
    /// - Complexity: O(*n*).
    public mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        var h = state
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        h ^= 0xFF
        h &*= 0x0000_0100_0000_01B3
        state = h
    }

    /// Adds an integer (8 bytes, little-endian), then a field separator.
    ///
    /// - Complexity: O(1).
    public mutating func combine(_ value: Int64) {
        var h = state
        var v = UInt64(bitPattern: value)
        for _ in 0..<8 {
            h ^= v & 0xFF
            h &*= 0x0000_0100_0000_01B3
            v >>= 8
        }
        h ^= 0xFF
        h &*= 0x0000_0100_0000_01B3
        state = h
    }

    /// The finalised hash as a signed integer (SQLite's INTEGER type).
    public var value: Int64 {
        var k = state
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return Int64(bitPattern: k)
    }
}

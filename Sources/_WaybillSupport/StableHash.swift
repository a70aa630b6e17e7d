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
    public var value: Int64 { StableHash.finalize(state) }

    /// The byte that ends each field: `combine(bytes: b)` hashes the bytes of `b`, then this.
    public static let fieldEnd: UInt8 = 0xFF

    /// The hash state after the bytes of `input` alone, each field already followed by
    /// `fieldEnd` (an integer field is its 8 little-endian bytes), finalised: what the sequence
    /// of `combine` calls the bytes stand for gives.
    ///
    /// - Complexity: O(*n*).
    public static func value(ofFields input: UnsafeBufferPointer<UInt8>) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in input {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return finalize(h)
    }

    /// `value(ofFields:)` of four byte strings at once, `base[starts[k] ..< ends[k]]`, written to
    /// `out[0 ..< 4]`.
    ///
    /// FNV-1a is one multiply per byte, each waiting for the one before, so one string runs at
    /// the multiply's latency; four interleaved chains keep the multiplier busy, about four
    /// times the bytes per cycle. The results equal `value(ofFields:)` of each string.
    ///
    /// - Complexity: O(*n*) in the bytes of the four strings.
    @inline(__always)
    public static func values4(
        ofFields base: UnsafePointer<UInt8>, starts: UnsafePointer<Int>, ends: UnsafePointer<Int>,
        into out: UnsafeMutablePointer<Int64>
    ) {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var h0: UInt64 = 0xcbf2_9ce4_8422_2325, h1 = h0, h2 = h0, h3 = h0
        let p0 = base + starts[0], p1 = base + starts[1], p2 = base + starts[2], p3 = base + starts[3]
        let n0 = ends[0] &- starts[0], n1 = ends[1] &- starts[1], n2 = ends[2] &- starts[2], n3 = ends[3] &- starts[3]
        let common = min(min(n0, n1), min(n2, n3))
        var i = 0
        while i < common {
            h0 = (h0 ^ UInt64(p0[i])) &* prime
            h1 = (h1 ^ UInt64(p1[i])) &* prime
            h2 = (h2 ^ UInt64(p2[i])) &* prime
            h3 = (h3 ^ UInt64(p3[i])) &* prime
            i &+= 1
        }
        @inline(__always) func rest(_ h: UInt64, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int64 {
            var h = h
            var j = common
            while j < n {
                h = (h ^ UInt64(p[j])) &* prime
                j &+= 1
            }
            return finalize(h)
        }
        out[0] = rest(h0, p0, n0)
        out[1] = rest(h1, p1, n1)
        out[2] = rest(h2, p2, n2)
        out[3] = rest(h3, p3, n3)
    }

    /// MurmurHash3's `fmix64` of an FNV state, as a signed integer: the hash of the bytes an
    /// FNV-1a state was computed over elsewhere (`wb_fnv1a_64`).
    @inline(__always)
    public static func finalize(_ state: UInt64) -> Int64 {
        var k = state
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return Int64(bitPattern: k)
    }
}

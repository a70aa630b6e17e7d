/// A reproducible pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// The simulator never touches the system generator, so the same configuration and seed give
/// byte-identical output on every run. xoshiro256** (Blackman and Vigna, "Scrambled linear
/// pseudorandom number generators", 2021) is small (32 bytes of state), fast, and passes BigCrush;
/// its state is filled from SplitMix64 as the authors recommend, which also spreads nearby seeds.
///
/// Independent streams come from `init(seed:stream:lane:)`: each order of the simulation draws
/// from its own generator, derived from the run's seed, the order's index and the simulation
/// pass, so orders can be generated on several threads and still give the same numbers.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose whole state is derived from one 64-bit seed.
    ///
    /// - Complexity: O(1).
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// A generator for one independent stream of a run: `stream` is usually an order's index and
    /// `lane` the simulation pass that uses it.
    ///
    /// - Complexity: O(1).
    public init(seed: UInt64, stream: UInt64, lane: UInt64 = 0) {
        var mixer = SplitMix64(state: seed)
        let base = mixer.next()
        let key = SplitMix64.mix(base ^ SplitMix64.mix(stream &+ 0x632B_E59B_D9B4_E019))
        self.init(seed: SplitMix64.mix(key ^ (lane &* 0xD1B5_4A32_D192_ED03)))
    }

    /// The next 64 random bits.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
/// used to seed xoshiro and as a stateless 64-bit mixing function.
struct SplitMix64 {
    var state: UInt64

    /// The next output; advances the state by the golden-ratio increment.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective scramble of 64 bits.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

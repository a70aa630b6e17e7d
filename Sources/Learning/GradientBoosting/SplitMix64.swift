/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
/// the learner's only source of randomness.
///
/// Every draw is derived from the seed and the draw's purpose (`stream`: bagging or feature
/// sampling) and round, never from a shared generator advanced by worker threads, so a seed gives
/// the same bags and feature sets whatever the thread count or scheduling.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(state: UInt64) { self.state = state }

    /// A generator for one purpose and round of a training run.
    ///
    /// - Complexity: O(1).
    init(seed: UInt64, stream: UInt64, round: Int) {
        let key = Self.mix(seed ^ Self.mix(stream &+ 0x9E37_79B9_7F4A_7C15))
        self.init(state: Self.mix(key ^ (UInt64(truncatingIfNeeded: round) &* 0xD1B5_4A32_D192_ED03)))
    }

    /// The next 64 random bits.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    @inline(__always)
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// SplitMix64's finaliser: a bijective 64-bit mix.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let baggingStream: UInt64 = 1
    static let featureStream: UInt64 = 2
}

import Foundation

/// The few distributions the simulator draws from, written out so that their results do not
/// depend on the standard library's (unspecified, version-dependent) `random(in:using:)`.
extension SeededGenerator {
    /// A uniform double in [0, 1) with 53 random bits.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in 0..<`bound` (Lemire's multiply-shift; the bias is below 2⁻³² for the
    /// bounds used here).
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// True with probability `p`.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// A standard normal deviate (Box–Muller; the second deviate is discarded to keep the state
    /// small and every draw independent of call order).
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func normal() -> Double {
        let u1 = 1.0 - uniform()  // in (0, 1]
        let u2 = uniform()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// A log-normal duration with the given median and log-scale spread, truncated to ±3.5σ so a
    /// rare extreme draw cannot push one order weeks out.
    ///
    /// Waiting and processing times in logistics are right-skewed: most are near the median, a
    /// few take many times longer. A log-normal reproduces that with two interpretable numbers.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        let z = max(-3.5, min(3.5, normal()))
        return median * exp(sigma * z)
    }

    /// A log-normal duration in milliseconds (see `logNormal(median:sigma:)`).
    ///
    /// - Complexity: O(1).
    @inline(__always)
    mutating func duration(median: Millis, sigma: Double) -> Millis {
        Millis(logNormal(median: Double(median), sigma: sigma).rounded())
    }

    /// An index drawn from cumulative weights (the last entry is the total).
    ///
    /// - Complexity: O(*k*) in the number of weights; the tables here have at most a dozen.
    @inline(__always)
    mutating func pick(_ cumulative: [Double]) -> Int {
        let u = uniform() * cumulative[cumulative.count - 1]
        var i = 0
        while i < cumulative.count - 1 && u >= cumulative[i] { i += 1 }
        return i
    }
}

/// Running sums of weights, the form `SeededGenerator.pick(_:)` draws from.
///
/// - Complexity: O(*k*).
func cumulative(_ weights: [Double]) -> [Double] {
    var total = 0.0
    return weights.map { w in
        total += w
        return total
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one-sided Mann–Whitney U test (Wilcoxon rank-sum) that a segment's waiting times are
/// stochastically *greater* than the rest's, by the normal approximation with the tie correction
/// and the continuity correction.
///
/// The figures equal SciPy's `mannwhitneyu(x, y, alternative='greater', method='asymptotic',
/// use_continuity=True)` (Mann and Whitney 1947; the tie-corrected variance as in Lehmann's
/// *Nonparametrics*, 1975): with R₁ the sum of the segment's midranks in the pooled sample,
///
///     U₁ = R₁ − n₁(n₁ + 1)/2,    μ = n₁n₂/2,
///     σ = √( n₁n₂/12 · ((n + 1) − Σ(t³ − t) / (n(n − 1))) )   over the tie groups of size t,
///     z = (U₁ − μ − ½) / σ,      p = 1 − Φ(z) = ½ erfc(z/√2).
///
/// One deviation: when every value is tied, σ = 0 and SciPy returns NaN; here p is 1 (no
/// evidence of a difference), so a constant gap never counts as a finding.
///
/// The segment search calls `greater(doubledRankSum:n1:n2:tieTerm:)` with rank sums it
/// accumulated itself; `greater(_:_:)` ranks two samples from scratch and is the reference the
/// tests compare with SciPy's goldens.
public enum MannWhitney {
    /// The outcome of one test.
    public struct Result: Sendable, Equatable {
        /// U₁, the segment's statistic.
        public var u: Double
        /// The standardised statistic, continuity-corrected (NaN when σ = 0).
        public var z: Double
        /// The one-sided p-value, P(U ≥ U₁) under the null.
        public var p: Double
    }

    /// The test from a rank sum: `doubledRankSum` is twice the sum of the segment's midranks
    /// (integers, so sums over millions of occurrences stay exact), `tieTerm` is Σ(t³ − t) over
    /// the pooled sample's tie groups.
    ///
    /// - Precondition: n1 > 0 and n2 > 0.
    /// - Complexity: O(1).
    public static func greater(doubledRankSum: Int64, n1: Int, n2: Int, tieTerm: Double) -> Result {
        precondition(n1 > 0 && n2 > 0, "both samples need at least one value")
        let a = Double(n1)
        let b = Double(n2)
        let n = a + b
        let u = (Double(doubledRankSum) - a * (a + 1)) / 2
        let variance = a * b / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return Result(u: u, z: .nan, p: 1) }
        let z = (u - a * b / 2 - 0.5) / variance.squareRoot()
        return Result(u: u, z: z, p: upperTail(z))
    }

    /// The test on two samples, ranking them together: the segment `x` against the rest `y`.
    ///
    /// - Precondition: both samples are non-empty.
    /// - Complexity: O((*n₁* + *n₂*) log(*n₁* + *n₂*)).
    public static func greater(_ x: [Int64], _ y: [Int64]) -> Result {
        let pooled = (x.map { ($0, true) } + y.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var doubledRankSum: Int64 = 0
        var tieTerm = 0.0
        var i = 0
        while i < pooled.count {
            var j = i + 1
            while j < pooled.count && pooled[j].0 == pooled[i].0 { j += 1 }
            // Positions i..<j share the midrank ((i + 1) + j) / 2.
            let doubledRank = Int64(i + 1 + j)
            for k in i..<j where pooled[k].1 { doubledRankSum += doubledRank }
            let t = Double(j - i)
            tieTerm += t * t * t - t
            i = j
        }
        return greater(doubledRankSum: doubledRankSum, n1: x.count, n2: y.count, tieTerm: tieTerm)
    }

    /// 1 − Φ(z), the standard normal's upper tail, accurate in the far tail (no cancellation).
    ///
    /// - Complexity: O(1).
    public static func upperTail(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }
}

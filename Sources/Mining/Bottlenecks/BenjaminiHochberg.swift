/// Benjamini–Hochberg adjusted p-values: control of the false discovery rate over a family of
/// tests (Benjamini and Hochberg 1995, the step-up procedure).
///
/// With the m p-values sorted as p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of p₍ᵢ₎ is
/// min over j ≥ i of min(1, m·p₍ⱼ₎ / j); rejecting every hypothesis whose adjusted p is at most q
/// keeps the expected share of false discoveries among the rejections at most q (for independent
/// or positively dependent tests). The figures equal SciPy's
/// `scipy.stats.false_discovery_control(p, method='bh')` and statsmodels'
/// `multipletests(p, method='fdr_bh')`.
public enum BenjaminiHochberg {
    /// The adjusted p-values, in the order of `pValues`.
    ///
    /// - Precondition: every p-value is in [0, 1] (NaN is not allowed).
    /// - Complexity: O(*m* log *m*).
    public static func adjust(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 0 else { return [] }
        precondition(pValues.allSatisfy { $0 >= 0 && $0 <= 1 }, "p-values must lie in [0, 1]")
        // Ties in p broken by index, so the result never depends on the sort's stability.
        let order = pValues.indices.sorted { pValues[$0] != pValues[$1] ? pValues[$0] < pValues[$1] : $0 < $1 }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m, through: 1, by: -1) {
            let i = order[rank - 1]
            running = min(running, pValues[i] * Double(m) / Double(rank))
            adjusted[i] = running
        }
        return adjusted
    }
}

/// A reliability table: the scores cut into bins, and per bin the mean predicted probability
/// beside the observed positive rate. A calibrated model's two columns agree.
///
/// Matches scikit-learn's `calibration_curve(y, p, n_bins:, strategy:)` (unit weights): `uniform`
/// bins are `numpy.linspace(0, 1, bins + 1)`, `quantile` bins are the scores' percentiles at those
/// points (`numpy.percentile`, linear interpolation). A score goes to bin `k` when
/// `edge[k] < score ≤ edge[k + 1]` (the first bin also takes scores at or below its upper edge;
/// `numpy.searchsorted` on the inner edges). scikit-learn drops empty bins; here they stay, with
/// a count of 0 and no rates.
public struct ReliabilityTable: Sendable, Codable, Equatable {
    /// How the bin edges are placed.
    public enum Strategy: String, Sendable, Codable, Equatable {
        /// Equal-width bins over [0, 1].
        case uniform
        /// Bins holding about equal numbers of scores.
        case quantile
    }

    /// One bin.
    public struct Bin: Sendable, Codable, Equatable {
        /// The bin's lower and upper edges.
        public var lower: Double
        public var upper: Double
        /// The rows in the bin.
        public var count: Int
        /// The total weight of those rows.
        public var weight: Double
        /// The weighted mean score (`prob_pred`).
        public var meanPredicted: Double?
        /// The weighted share of positives (`prob_true`).
        public var observedRate: Double?
    }

    public var strategy: Strategy
    /// The bins, lowest scores first.
    public var bins: [Bin]

    /// Bins scores and labels.
    ///
    /// - Throws: `LearningError.invalidData` for a score outside [0, 1] or no rows;
    ///   `.invalidOption` for fewer than one bin.
    /// - Complexity: O(n log bins), plus O(n log n) for quantile edges.
    public init(
        scores: [Double], labels: [Bool], weights: [Double]? = nil, bins binCount: Int = 10,
        strategy: Strategy = .uniform
    ) throws {
        precondition(scores.count == labels.count && (weights?.count ?? scores.count) == scores.count)
        guard binCount >= 1 else { throw LearningError(.invalidOption, "a reliability table needs at least one bin") }
        guard !scores.isEmpty else { throw LearningError(.invalidData, "no rows for a reliability table") }
        for (i, s) in scores.enumerated() where !(s >= 0 && s <= 1) {
            throw LearningError(.invalidData, "row \(i): the score \(s) is not a probability in [0, 1]")
        }
        let w = weights ?? Array(repeating: 1, count: scores.count)
        let points = (0...binCount).map { Double($0) * (1 / Double(binCount)) }  // numpy.linspace
        let edges: [Double]
        switch strategy {
        case .uniform:
            edges = points.enumerated().map { $0.offset == binCount ? 1 : $0.element }
        case .quantile:
            let sorted = scores.sorted()
            edges = points.map { Self.percentile(sorted, $0 * 100 / 100) }
        }
        var count = [Int](repeating: 0, count: binCount)
        var weight = [Double](repeating: 0, count: binCount)
        var predicted = [Double](repeating: 0, count: binCount)
        var observed = [Double](repeating: 0, count: binCount)
        let inner = edges.dropFirst().dropLast()
        for (i, s) in scores.enumerated() {
            // The first inner edge ≥ s (numpy.searchsorted, side "left").
            var lo = inner.startIndex, hi = inner.endIndex
            while lo < hi {
                let mid = (lo + hi) / 2
                if inner[mid] < s { lo = mid + 1 } else { hi = mid }
            }
            let k = lo - inner.startIndex
            count[k] += 1
            weight[k] += w[i]
            predicted[k] += w[i] * s
            if labels[i] { observed[k] += w[i] }
        }
        self.strategy = strategy
        bins = (0..<binCount).map { k in
            Bin(
                lower: edges[k], upper: edges[k + 1], count: count[k], weight: weight[k],
                meanPredicted: weight[k] > 0 ? predicted[k] / weight[k] : nil,
                observedRate: weight[k] > 0 ? observed[k] / weight[k] : nil)
        }
    }

    /// `numpy.percentile(sorted, 100 q)` with the default linear method, computed as NumPy does
    /// (virtual index `(n − 1) q`, and its `_lerp`), so bin edges equal NumPy's to the last bit.
    ///
    /// - Complexity: O(1).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let n = sorted.count
        let virtual = Double(n - 1) * q
        let previous = virtual.rounded(.down)
        let gamma = virtual - previous
        let i = min(max(Int(previous), 0), n - 1)
        let j = min(i + 1, n - 1)
        let a = sorted[i], b = sorted[j]
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }
}

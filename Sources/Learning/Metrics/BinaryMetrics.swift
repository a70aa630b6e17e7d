#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The quality of probability scores against 0/1 labels: ranking (ROC-AUC, PR-AUC), probability
/// accuracy (Brier score, log loss), and what an operations team working a fixed-size list sees
/// (precision and recall at the top k %, lift by decile).
///
/// Every figure takes optional sample weights and matches scikit-learn 1.9 with the same weights:
/// - `rocAUC` is `roc_auc_score` (tied scores form one threshold: a tie counts half);
/// - `averagePrecision` is `average_precision_score`, the PR-AUC reported here: the step-wise sum
///   `Σ (Rₖ − Rₖ₋₁) Pₖ` over distinct score thresholds, not a trapezoid;
/// - `brierScore` is `brier_score_loss`; `logLoss` is `log_loss`, probabilities clipped to
///   `[ε, 1 − ε]` with ε the `Double` machine epsilon, as scikit-learn clips.
///
/// The list figures rank rows by score, highest first, ties broken by row index (the row that
/// comes first in the input ranks higher), so they are deterministic. The top k % list holds
/// `max(1, ⌈k·n/100⌉)` rows; decile `d` (1…10) holds ranked rows `⌊(d−1)·n/10⌋ ..< ⌊d·n/10⌋`.
/// `rocAUC` and `averagePrecision` are nil when one class has no weight; the list figures are
/// nil when undefined (no positive weight for recall or lift).
public struct BinaryMetrics: Sendable, Codable, Equatable {
    /// Precision and recall of the top `percent` % of rows by score.
    public struct TopFraction: Sendable, Codable, Equatable {
        /// The share of rows in the list, in percent.
        public var percent: Double
        /// The number of rows in the list.
        public var rows: Int
        /// The weighted share of positives in the list.
        public var precision: Double?
        /// The weighted share of all positives that the list holds.
        public var recall: Double?
    }

    /// One tenth of the rows by score.
    public struct Decile: Sendable, Codable, Equatable {
        /// 1 holds the highest scores, 10 the lowest.
        public var decile: Int
        public var rows: Int
        /// The weighted mean score.
        public var meanScore: Double?
        /// The weighted share of positives.
        public var positiveRate: Double?
        /// `positiveRate` over the overall positive rate.
        public var lift: Double?
        /// The positive rate of deciles 1…d together over the overall positive rate.
        public var cumulativeLift: Double?
    }

    /// The number of rows.
    public var rows: Int
    /// The total weight of the rows.
    public var weight: Double
    /// The total weight of the positive rows.
    public var positiveWeight: Double
    /// ROC-AUC (`roc_auc_score`).
    public var rocAUC: Double?
    /// PR-AUC as average precision (`average_precision_score`).
    public var averagePrecision: Double?
    /// The weighted mean squared difference between score and label (`brier_score_loss`).
    public var brierScore: Double
    /// The weighted mean negative log-likelihood (`log_loss`).
    public var logLoss: Double
    /// Precision and recall at the top k % of rows.
    public var topFractions: [TopFraction]
    /// Rate and lift by decile of score.
    public var deciles: [Decile]

    /// The percentages of rows for `topFractions` unless told otherwise.
    public static let defaultTopPercents: [Double] = [1, 2.5, 5, 10, 20]

    /// Computes every figure.
    ///
    /// - Parameters:
    ///   - scores: probabilities in [0, 1].
    ///   - labels: `true` for the positive class.
    ///   - weights: finite, ≥ 0; all 1 when nil.
    ///   - topPercents: the k of "precision and recall at the top k %", each in (0, 100].
    /// - Throws: `LearningError.invalidData` for no rows, a score outside [0, 1] or NaN, a bad
    ///   weight, or zero total weight; `.invalidOption` for a percentage outside (0, 100].
    /// - Complexity: O(n log n) for the sort.
    public init(
        scores: [Double], labels: [Bool], weights: [Double]? = nil, topPercents: [Double] = defaultTopPercents
    ) throws {
        try self.init(scores: scores, labels: labels, weights: weights, topPercents: topPercents, order: nil)
    }

    /// The metrics given the ranking (`ranking(scores)`, which is computed when nil).
    ///
    /// - Complexity: O(n) given the ranking.
    init(scores: [Double], labels: [Bool], weights: [Double]?, topPercents: [Double], order given: [Int]?) throws {
        precondition(scores.count == labels.count, "one label per score")
        precondition(weights.map { $0.count == scores.count } ?? true, "one weight per score")
        let n = scores.count
        guard n > 0 else { throw LearningError(.invalidData, "no rows to evaluate") }
        for (i, s) in scores.enumerated() where !(s >= 0 && s <= 1) {
            throw LearningError(.invalidData, "row \(i): the score \(s) is not a probability in [0, 1]")
        }
        let w = weights ?? Array(repeating: 1, count: n)
        for (i, v) in w.enumerated() where !(v.isFinite && v >= 0) {
            throw LearningError(.invalidData, "row \(i): the weight \(v) is not a finite number ≥ 0")
        }
        for k in topPercents where !(k > 0 && k <= 100) {
            throw LearningError(.invalidOption, "a top percentage must be in (0, 100], not \(k)")
        }
        let order = given ?? Self.ranking(scores)
        var total = 0.0
        var positive = 0.0
        var brier = 0.0
        var logLoss = 0.0
        let eps = Double.ulpOfOne
        for i in 0..<n {
            let y = labels[i] ? 1.0 : 0.0
            total += w[i]
            positive += w[i] * y
            brier += w[i] * (scores[i] - y) * (scores[i] - y)
            let p = labels[i] ? scores[i] : 1 - scores[i]
            logLoss -= w[i] * log(min(max(p, eps), 1 - eps))
        }
        guard total > 0 else { throw LearningError(.invalidData, "the rows' weights sum to zero") }
        rows = n
        weight = total
        positiveWeight = positive
        brierScore = brier / total
        self.logLoss = logLoss / total
        (rocAUC, averagePrecision) = Self.rankingAreas(order: order, scores: scores, labels: labels, weights: w)
        topFractions = topPercents.map { k in
            let m = max(1, Int((k * Double(n) / 100).rounded(.up)))
            var listWeight = 0.0
            var listPositive = 0.0
            for i in order.prefix(m) {
                listWeight += w[i]
                if labels[i] { listPositive += w[i] }
            }
            return TopFraction(
                percent: k, rows: m, precision: listWeight > 0 ? listPositive / listWeight : nil,
                recall: positive > 0 ? listPositive / positive : nil)
        }
        let rate = positive / total
        var cumulativeWeight = 0.0
        var cumulativePositive = 0.0
        deciles = (1...10).map { d in
            let slice = order[((d - 1) * n / 10)..<(d * n / 10)]
            var sw = 0.0
            var sp = 0.0
            var ss = 0.0
            for i in slice {
                sw += w[i]
                ss += w[i] * scores[i]
                if labels[i] { sp += w[i] }
            }
            cumulativeWeight += sw
            cumulativePositive += sp
            let decileRate = sw > 0 ? sp / sw : nil
            return Decile(
                decile: d, rows: slice.count, meanScore: sw > 0 ? ss / sw : nil, positiveRate: decileRate,
                lift: rate > 0 ? decileRate.map { $0 / rate } : nil,
                cumulativeLift: rate > 0 && cumulativeWeight > 0 ? cumulativePositive / cumulativeWeight / rate : nil)
        }
    }

    /// Row indices by score, highest first, ties by row index.
    ///
    /// An LSD radix sort (four stable passes of 16 bits) on the scores' bit patterns, which order
    /// like the numbers for scores ≥ 0: the same order as a comparison sort on (−score, row).
    ///
    /// - Precondition: every score is in [0, 1] (as `init` checks).
    /// - Complexity: O(n + 2¹⁶).
    static func ranking(_ scores: [Double]) -> [Int] {
        let n = scores.count
        guard n > 256 else {
            return (0..<n).sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
        }
        // Descending score = ascending complemented bit pattern (−0 is read as +0).
        var keys = scores.map { ~($0 == 0 ? 0 : $0.bitPattern) }
        var order = Array(0..<n)
        var nextKeys = [UInt64](repeating: 0, count: n)
        var nextOrder = [Int](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for pass in 0..<4 {
            let shift = UInt64(16 * pass)
            for j in counts.indices { counts[j] = 0 }
            for key in keys { counts[Int((key >> shift) & 0xFFFF)] += 1 }
            if counts.contains(n) { continue }  // every key has this digit: the pass changes nothing
            var sum = 0
            for j in counts.indices {
                let c = counts[j]
                counts[j] = sum
                sum += c
            }
            for i in 0..<n {
                let digit = Int((keys[i] >> shift) & 0xFFFF)
                let at = counts[digit]
                counts[digit] = at + 1
                nextKeys[at] = keys[i]
                nextOrder[at] = order[i]
            }
            swap(&keys, &nextKeys)
            swap(&order, &nextOrder)
        }
        return order
    }

    /// ROC-AUC by the trapezoid over distinct thresholds, and average precision, as scikit-learn's
    /// `_binary_clf_curve` walks them.
    ///
    /// - Complexity: O(n) given the ranking.
    static func rankingAreas(order: [Int], scores: [Double], labels: [Bool], weights: [Double]) -> (Double?, Double?) {
        var tp = 0.0
        var fp = 0.0
        var area = 0.0
        var precisionSum = 0.0
        var index = 0
        var lastTP = 0.0
        var lastFP = 0.0
        while index < order.count {
            let s = scores[order[index]]
            while index < order.count && scores[order[index]] == s {
                let i = order[index]
                if labels[i] { tp += weights[i] } else { fp += weights[i] }
                index += 1
            }
            area += (fp - lastFP) * (tp + lastTP) / 2
            if tp + fp > 0 { precisionSum += (tp - lastTP) * tp / (tp + fp) }
            lastTP = tp
            lastFP = fp
        }
        guard tp > 0 else { return (nil, nil) }
        return (fp > 0 ? area / (tp * fp) : nil, precisionSum / tp)
    }
}

/// Isotonic regression of labels on scores: the non-decreasing step function closest (weighted
/// least squares) to the labels, interpolated linearly between its thresholds and clipped outside
/// them.
///
/// Matches scikit-learn's `IsotonicRegression(out_of_bounds="clip")`: rows of zero weight are
/// dropped; scores closer than 1e-15 (NumPy's `finfo(float64).resolution`) are merged into one
/// point with the weighted mean label; the pool-adjacent-violators algorithm (Ayer et al. 1955;
/// Best & Chakravarti 1990) pools the points; points inside a flat run are dropped (they do not
/// change the interpolation); a score is clipped to the fitted range and interpolated as
/// `numpy.interp` does.
public struct IsotonicCalibration: Sendable, Codable, Equatable {
    /// The fitted scores, strictly increasing.
    public private(set) var thresholds: [Double]
    /// The calibrated probability at each threshold, non-decreasing.
    public private(set) var values: [Double]

    /// A fitted function from its points.
    ///
    /// - Precondition: the same number of both, at least one, thresholds strictly increasing and
    ///   values non-decreasing.
    public init(thresholds: [Double], values: [Double]) {
        self.thresholds = thresholds
        self.values = values
        checkInvariants()
    }

    /// Fits on validation scores.
    ///
    /// - Throws: `LearningError.invalidData` when no row has a positive weight or a score is NaN.
    /// - Complexity: O(n log n) for the sort; the pooling is O(n).
    public init(fitting scores: [Double], labels: [Bool], weights: [Double]? = nil) throws {
        precondition(scores.count == labels.count && (weights?.count ?? scores.count) == scores.count)
        let w = weights ?? Array(repeating: 1, count: scores.count)
        var rows: [Int] = []
        for i in scores.indices {
            guard !scores[i].isNaN, w[i].isFinite, w[i] >= 0 else {
                throw LearningError(.invalidData, "row \(i): a NaN score or a bad weight")
            }
            if w[i] > 0 { rows.append(i) }
        }
        guard !rows.isEmpty else { throw LearningError(.invalidData, "no validation row with a positive weight") }
        rows.sort { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 < $1 }
        // Merge equal scores: weighted mean label, summed weight.
        var x: [Double] = [], y: [Double] = [], weight: [Double] = []
        var currentX = scores[rows[0]], sumY = 0.0, sumW = 0.0
        for i in rows {
            if scores[i] - currentX >= 1e-15 {
                x.append(currentX)
                y.append(sumY / sumW)
                weight.append(sumW)
                currentX = scores[i]
                sumY = 0
                sumW = 0
            }
            sumY += w[i] * (labels[i] ? 1 : 0)
            sumW += w[i]
        }
        x.append(currentX)
        y.append(sumY / sumW)
        weight.append(sumW)
        let fitted = Self.poolAdjacentViolators(y, weights: weight)
        // Keep the ends of every flat run only.
        var keptX: [Double] = [], keptY: [Double] = []
        for k in x.indices {
            if k == 0 || k == x.count - 1 || fitted[k] != fitted[k - 1] || fitted[k] != fitted[k + 1] {
                keptX.append(x[k])
                keptY.append(fitted[k])
            }
        }
        thresholds = keptX
        values = keptY
    }

    /// The weighted pool-adjacent-violators algorithm: the non-decreasing sequence closest to `y`
    /// in weighted least squares.
    ///
    /// - Complexity: O(n) amortised (each merge removes a block).
    static func poolAdjacentViolators(_ y: [Double], weights: [Double]) -> [Double] {
        var means: [Double] = [], blockWeights: [Double] = [], counts: [Int] = []
        for k in y.indices {
            var mean = y[k], weight = weights[k], count = 1
            while let last = means.last, last >= mean {
                let lastWeight = blockWeights.removeLast()
                means.removeLast()
                mean = (last * lastWeight + mean * weight) / (lastWeight + weight)
                weight += lastWeight
                count += counts.removeLast()
            }
            means.append(mean)
            blockWeights.append(weight)
            counts.append(count)
        }
        var out: [Double] = []
        out.reserveCapacity(y.count)
        for (mean, count) in zip(means, counts) { out.append(contentsOf: repeatElement(mean, count: count)) }
        return out
    }

    /// The calibrated probability of a score: clipped to the fitted range, then interpolated.
    ///
    /// - Complexity: O(log thresholds).
    public func calibrate(_ score: Double) -> Double {
        guard let first = thresholds.first, let last = thresholds.last else { return .nan }
        if score <= first { return values[0] }
        if score >= last { return values[values.count - 1] }
        var lo = 0, hi = thresholds.count - 1  // thresholds[lo] < score < thresholds[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if thresholds[mid] <= score { lo = mid } else { hi = mid }
        }
        if thresholds[lo] == score { return values[lo] }
        let slope = (values[hi] - values[lo]) / (thresholds[hi] - thresholds[lo])
        return slope * (score - thresholds[lo]) + values[lo]
    }

    /// Checks the invariants: as many values as thresholds, at least one, thresholds strictly
    /// increasing, values non-decreasing.
    ///
    /// - Complexity: O(thresholds).
    public func checkInvariants() {
        precondition(!thresholds.isEmpty && thresholds.count == values.count)
        for k in thresholds.indices.dropFirst() {
            precondition(thresholds[k] > thresholds[k - 1] && values[k] >= values[k - 1])
        }
    }
}

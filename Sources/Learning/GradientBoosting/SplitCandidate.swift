/// The best way found to split one leaf: the feature, the rule, and both children's sums.
struct SplitCandidate: Sendable {
    var feature: Int
    /// Gain over not splitting, less `minGainToSplit`; only candidates with gain > 0 are kept.
    var gain: Double
    /// Numeric: bins 1...`threshold` go left.
    var threshold: Int
    /// Where the missing bin (0) goes.
    var defaultLeft: Bool
    /// Categorical: the bins that go left, ascending; empty for a numeric split.
    var leftBins: [Int]
    var leftGradient: Double
    var leftHessian: Double
    var leftCount: Int
    var rightGradient: Double
    var rightHessian: Double
    var rightCount: Int
    /// The children's unshrunk leaf values, −G / (H + λ) (λ + `catL2` for a categorical split, as LightGBM).
    var leftOutput: Double
    var rightOutput: Double

    var isCategorical: Bool { !leftBins.isEmpty }

    /// True when `self` beats `other`: higher gain, ties to the lower feature index, so the
    /// choice never depends on the order features were scanned in.
    func isBetter(than other: SplitCandidate?) -> Bool {
        guard let other else { return true }
        return gain > other.gain || (gain == other.gain && feature < other.feature)
    }
}

/// Finds the best split of each feature from a node's histogram (LightGBM's
/// `FeatureHistogram::FindBestThreshold`, without L1, max_delta_step and monotone constraints).
///
/// Gain is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) (the second-order approximation of Chen and
/// Guestrin, "XGBoost", KDD 2016, without the ½ and γ). A numeric feature is scanned once with
/// missing values on the right and once with them on the left, so the direction of missing
/// values is learned per split; when a node has no missing values for a feature, they follow the
/// larger child at prediction time. A categorical feature with at most `maxCatToOneHot` bins is
/// split one level against the rest; otherwise its levels holding at least `catSmooth` rows are
/// sorted by Σg / (Σh + `catSmooth`) and scanned from both ends, at most `maxCatThreshold` levels
/// on the left, cutting only between groups of `minDataPerGroup` rows (LightGBM's many-vs-many
/// split, after Fisher, "On grouping for maximum homogeneity", 1958). Missing and grouped rare
/// levels go right.
struct SplitFinder {
    let parameters: GradientBoostingParameters
    let binCounts: [Int]
    let histogramOffsets: [Int]
    let kinds: [FeatureMatrix.Kind]

    /// The unshrunk leaf value for sums g, h with penalty l2.
    @inline(__always)
    static func output(_ g: Double, _ h: Double, l2: Double) -> Double { -g / (h + l2) }

    @inline(__always)
    static func score(_ g: Double, _ h: Double, l2: Double) -> Double { g * g / (h + l2) }

    /// The best split of a node over `features`, or nil when none has positive gain.
    ///
    /// - Complexity: O(Σ bins + k log k per categorical feature of k levels).
    func best(
        hist: UnsafePointer<Double>, features: [Int], sumGradient: Double, sumHessian: Double, count: Int
    ) -> SplitCandidate? {
        var best: SplitCandidate?
        for j in features {
            let h = hist + 3 * histogramOffsets[j]
            let candidate =
                kinds[j] == .numeric
                ? numeric(h, feature: j, g: sumGradient, hs: sumHessian, n: count)
                : categorical(h, feature: j, g: sumGradient, hs: sumHessian, n: count)
            if let candidate, candidate.isBetter(than: best) { best = candidate }
        }
        return best
    }

    func numeric(_ h: UnsafePointer<Double>, feature j: Int, g: Double, hs: Double, n: Int) -> SplitCandidate? {
        let p = parameters
        let l2 = p.lambdaL2
        let minGainShift = Self.score(g, hs, l2: l2) + p.minGainToSplit
        let bins = binCounts[j]
        let missG = h[0]
        let missH = h[1]
        let missN = Int(h[2])
        var bestGain = minGainShift
        var found = false
        var bestT = 0
        var bestLeft = false
        var bestLG = 0.0
        var bestLH = 0.0
        var bestLN = 0
        // Missing on the right first, then on the left; a tie keeps the earlier candidate.
        for missingLeft in [false, true] {
            if missingLeft && missN == 0 { break }
            var lg = missingLeft ? missG : 0
            var lh = missingLeft ? missH : 0
            var ln = missingLeft ? missN : 0
            for t in 1..<bins {
                lg += h[3 * t]
                lh += h[3 * t + 1]
                ln += Int(h[3 * t + 2])
                if ln < p.minDataInLeaf || lh < p.minSumHessianInLeaf { continue }
                let rn = n - ln
                let rh = hs - lh
                if rn < p.minDataInLeaf || rh < p.minSumHessianInLeaf { break }
                let gain = Self.score(lg, lh, l2: l2) + Self.score(g - lg, rh, l2: l2)
                if gain > bestGain {
                    bestGain = gain
                    found = true
                    bestT = t
                    bestLeft = missingLeft
                    bestLG = lg
                    bestLH = lh
                    bestLN = ln
                }
            }
        }
        guard found else { return nil }
        let rg = g - bestLG
        let rh = hs - bestLH
        let rn = n - bestLN
        let defaultLeft = missN > 0 ? bestLeft : bestLN >= rn
        return SplitCandidate(
            feature: j, gain: bestGain - minGainShift, threshold: bestT, defaultLeft: defaultLeft, leftBins: [],
            leftGradient: bestLG, leftHessian: bestLH, leftCount: bestLN,
            rightGradient: rg, rightHessian: rh, rightCount: rn,
            leftOutput: Self.output(bestLG, bestLH, l2: l2), rightOutput: Self.output(rg, rh, l2: l2))
    }

    func categorical(_ h: UnsafePointer<Double>, feature j: Int, g: Double, hs: Double, n: Int) -> SplitCandidate? {
        let p = parameters
        let minGainShift = Self.score(g, hs, l2: p.lambdaL2) + p.minGainToSplit
        let bins = binCounts[j]
        var bestGain = minGainShift
        var bestBins: [Int] = []
        var bestLG = 0.0
        var bestLH = 0.0
        var bestLN = 0
        var l2 = p.lambdaL2
        if bins <= p.maxCatToOneHot {
            for t in 1..<bins {
                let lg = h[3 * t]
                let lh = h[3 * t + 1]
                let ln = Int(h[3 * t + 2])
                if ln < p.minDataInLeaf || lh < p.minSumHessianInLeaf { continue }
                let rn = n - ln
                let rh = hs - lh
                if rn < p.minDataInLeaf || rh < p.minSumHessianInLeaf { continue }
                let gain = Self.score(lg, lh, l2: l2) + Self.score(g - lg, rh, l2: l2)
                if gain > bestGain {
                    bestGain = gain
                    bestBins = [t]
                    bestLG = lg
                    bestLH = lh
                    bestLN = ln
                }
            }
        } else {
            l2 += p.catL2
            var used: [Int] = []
            for t in 1..<bins where h[3 * t + 2] >= p.catSmooth && h[3 * t + 2] > 0 { used.append(t) }
            // Sort by the smoothed gradient ratio; ties by bin, so the order is total.
            let ratio = { (t: Int) in h[3 * t] / (h[3 * t + 1] + p.catSmooth) }
            used.sort { ratio($0) != ratio($1) ? ratio($0) < ratio($1) : $0 < $1 }
            let maxCats = min(p.maxCatThreshold, (used.count + 1) / 2)
            for fromEnd in [false, true] {
                var lg = 0.0
                var lh = 0.0
                var ln = 0
                var group = 0
                for i in 0..<min(used.count, maxCats) {
                    let t = fromEnd ? used[used.count - 1 - i] : used[i]
                    lg += h[3 * t]
                    lh += h[3 * t + 1]
                    let c = Int(h[3 * t + 2])
                    ln += c
                    group += c
                    if ln < p.minDataInLeaf || lh < p.minSumHessianInLeaf { continue }
                    let rn = n - ln
                    let rh = hs - lh
                    if rn < p.minDataInLeaf || rn < p.minDataPerGroup || rh < p.minSumHessianInLeaf { break }
                    if group < p.minDataPerGroup { continue }
                    group = 0
                    let gain = Self.score(lg, lh, l2: l2) + Self.score(g - lg, rh, l2: l2)
                    if gain > bestGain {
                        bestGain = gain
                        bestBins = fromEnd ? Array(used[(used.count - 1 - i)...]) : Array(used[...i])
                        bestLG = lg
                        bestLH = lh
                        bestLN = ln
                    }
                }
            }
        }
        guard !bestBins.isEmpty else { return nil }
        let rg = g - bestLG
        let rh = hs - bestLH
        return SplitCandidate(
            feature: j, gain: bestGain - minGainShift, threshold: 0, defaultLeft: false, leftBins: bestBins.sorted(),
            leftGradient: bestLG, leftHessian: bestLH, leftCount: bestLN,
            rightGradient: rg, rightHessian: rh, rightCount: n - bestLN,
            leftOutput: Self.output(bestLG, bestLH, l2: l2), rightOutput: Self.output(rg, rh, l2: l2))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension GradientBoostedTrees {
    /// Rows held out to watch the loss during training (and stop early).
    public struct Validation: Sendable {
        public var matrix: FeatureMatrix
        public var labels: [Int]
        public var weights: [Double]?

        public init(matrix: FeatureMatrix, labels: [Int], weights: [Double]? = nil) {
            self.matrix = matrix
            self.labels = labels
            self.weights = weights
        }
    }

    /// Trains gradient-boosted trees (Friedman, "Greedy function approximation: a gradient boosting
    /// machine", 2001) with second-order leaf values, as LightGBM does (Ke et al., NeurIPS 2017).
    ///
    /// Each round computes every row's gradient and hessian of the log loss at the current scores,
    /// grows one tree per class on the binned features (`TreeLearner`), and adds its shrunk leaf
    /// values to the scores. Binary: g = (p − y)·w, h = p(1 − p)·w. Multiclass (softmax): g =
    /// (p_k − [y = k])·w, h = K/(K − 1)·p_k(1 − p_k)·w, LightGBM's scaling. Training stops early
    /// when no tree of a round can be split, or when `earlyStoppingRounds` rounds pass without a
    /// lower validation log loss; then only the rounds up to the best one are kept.
    ///
    /// Deterministic: the same data, parameters and seed give the same model, bit for bit, whatever
    /// `threads` is. Random draws come from `SplitMix64` keyed by seed, purpose and round; parallel
    /// work is split by feature (histograms) or by fixed row blocks (scores), never reduced across
    /// threads.
    ///
    /// - Parameters:
    ///   - matrix: the training rows.
    ///   - labels: the class of each row, 0 or 1 for binary, 0..<classCount for multiclass.
    ///   - weights: each row's weight (≥ 0; nil: all 1), e.g. 1 / (prefixes of its case) so that
    ///     each case counts once.
    ///   - validation: rows to watch the loss on; required when `earlyStoppingRounds > 0`.
    ///   - threads: worker threads; 0 means one per core.
    /// - Throws: `LearningError.invalidOption` for bad hyperparameters; `.invalidData` for labels,
    ///   weights or a validation set that cannot be used.
    /// - Complexity: O(rounds × classes × (rows × features × depth / threads + leaves × bins)).
    public static func train(
        _ matrix: FeatureMatrix, labels: [Int], weights: [Double]? = nil,
        parameters: GradientBoostingParameters = GradientBoostingParameters(), validation: Validation? = nil,
        threads: Int = 0
    ) throws -> GradientBoostedTrees {
        try parameters.validate()
        try checkData(matrix, labels: labels, weights: weights, parameters: parameters, name: "training set")
        if let validation {
            guard validation.matrix.features == matrix.features else {
                throw LearningError(
                    .invalidData, "the validation set's features differ from the training set's",
                    location: "validation set")
            }
            try checkData(
                validation.matrix, labels: validation.labels, weights: validation.weights, parameters: parameters,
                name: "validation set", requireBothClasses: false)
        } else if parameters.earlyStoppingRounds > 0 {
            throw LearningError(
                .invalidOption, "earlyStoppingRounds needs a validation set", location: "gradient boosting")
        }
        var run = BoostingRun(
            matrix: matrix, labels: labels, weights: weights, parameters: parameters, validation: validation,
            threads: resolvedThreads(threads))
        return run.fit()
    }

    private static func checkData(
        _ matrix: FeatureMatrix, labels: [Int], weights: [Double]?, parameters: GradientBoostingParameters,
        name: String, requireBothClasses: Bool = true
    ) throws {
        guard matrix.rowCount > 0 else { throw LearningError(.invalidData, "has no rows", location: name) }
        guard labels.count == matrix.rowCount else {
            throw LearningError(
                .invalidData, "has \(labels.count) labels for \(matrix.rowCount) rows", location: name)
        }
        let k = parameters.classCount
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= k }) {
            throw LearningError(
                .invalidData, "row \(bad): label \(labels[bad]) is not in 0..<\(k)", location: name)
        }
        if requireBothClasses && Set(labels).count < 2 {
            throw LearningError(.invalidData, "has only one class; a classifier needs at least two", location: name)
        }
        if let weights {
            guard weights.count == matrix.rowCount else {
                throw LearningError(
                    .invalidData, "has \(weights.count) weights for \(matrix.rowCount) rows", location: name)
            }
            if let bad = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                throw LearningError(
                    .invalidData, "row \(bad): weight \(weights[bad]) must be finite and >= 0", location: name)
            }
            guard weights.contains(where: { $0 > 0 }) else {
                throw LearningError(.invalidData, "has no row with a positive weight", location: name)
            }
        }
        for (j, feature) in matrix.features.enumerated() where feature.kind == .categorical {
            for (i, v) in matrix.column(j).enumerated() where !v.isNaN {
                if !(v >= 0 && v < Double(feature.levels.count) && v == v.rounded()) {
                    throw LearningError(
                        .invalidData, "row \(i): \(v) is not a level index of '\(feature.name)'", location: name)
                }
            }
        }
    }

    /// Log loss of scores `raw` (row-major, `k` per row) against `labels`, weighted.
    ///
    /// - Complexity: O(rows × k).
    static func logLoss(raw: [Double], labels: [Int], weights: [Double]?, k: Int) -> Double {
        let eps = 1e-15
        var total = 0.0
        var weightSum = 0.0
        var buffer = [Double](repeating: 0, count: k)
        for (row, y) in labels.enumerated() {
            let w = weights?[row] ?? 1
            let p: Double
            if k == 1 {
                let q = sigmoid(raw[row])
                p = y == 1 ? q : 1 - q
            } else {
                for c in 0..<k { buffer[c] = raw[row * k + c] }
                softmax(&buffer, offset: 0, count: k)
                p = buffer[y]
            }
            total -= w * log(min(max(p, eps), 1 - eps))
            weightSum += w
        }
        return weightSum > 0 ? total / weightSum : 0
    }
}

/// The state of one training run.
private struct BoostingRun {
    let matrix: FeatureMatrix
    let labels: [Int]
    let weights: [Double]?
    let parameters: GradientBoostingParameters
    let validation: GradientBoostedTrees.Validation?
    let threads: Int

    mutating func fit() -> GradientBoostedTrees {
        let p = parameters
        let n = matrix.rowCount
        let k = p.treesPerRound
        let binner = FeatureBinner(matrix: matrix, maxBin: p.maxBin, sampleCount: p.binSampleCount)
        let binned = binner.binned(matrix, threads: threads)
        var learner = TreeLearner(data: binned, binner: binner, parameters: p, threads: threads)

        let initScores = initialScores()
        var scores = [Double](repeating: 0, count: n * k)
        for row in 0..<n { for c in 0..<k { scores[row * k + c] = initScores[c] } }
        var validScores: [Double] = []
        if let validation {
            validScores = [Double](repeating: 0, count: validation.matrix.rowCount * k)
            for row in 0..<validation.matrix.rowCount { for c in 0..<k { validScores[row * k + c] = initScores[c] } }
        }

        var gradHess = [[Double]](repeating: [Double](repeating: 0, count: 2 * n), count: k)
        var trees: [RegressionTree] = []
        var curve: [Double] = []
        var bestLoss = Double.infinity
        var bestRound = -1
        var bag: [Int32]?
        var outOfBag: [Int32] = []
        let allFeatures = Array(0..<matrix.columnCount)

        for round in 0..<p.rounds {
            if p.baggingFrequency > 0 && p.baggingFraction < 1 && round % p.baggingFrequency == 0 {
                (bag, outOfBag) = drawBag(round: round)
            }
            computeGradients(scores: scores, into: &gradHess)
            var roundTrees: [RegressionTree] = []
            for c in 0..<k {
                let features = p.featureFraction < 1 ? sampleFeatures(tree: round * k + c) : allFeatures
                let (tree, leaves) = gradHess[c].withUnsafeBufferPointer {
                    learner.grow(bag: bag, gradHess: $0.baseAddress!, features: features)
                }
                learner.rowIndex.withUnsafeBufferPointer { idx in
                    for leaf in leaves {
                        let value = tree.value[leaf.node]
                        for j in leaf.begin..<leaf.end { scores[Int(idx[j]) * k + c] += value }
                    }
                }
                let compiled = [CompiledTree(tree)]
                if bag != nil {
                    scores.withUnsafeMutableBufferPointer {
                        CompiledTree.add(
                            compiled, matrix: matrix, rows: outOfBag, into: $0.baseAddress! + c, stride: k,
                            threads: threads)
                    }
                }
                if let validation {
                    validScores.withUnsafeMutableBufferPointer {
                        CompiledTree.add(
                            compiled, matrix: validation.matrix, rows: nil, into: $0.baseAddress! + c, stride: k,
                            threads: threads)
                    }
                }
                roundTrees.append(tree)
            }
            // Nothing left to split (LightGBM stops here too): the round adds only constants.
            if roundTrees.allSatisfy({ $0.nodeCount == 1 }) && bag == nil && round > 0 { break }
            trees.append(contentsOf: roundTrees)
            if let validation {
                let loss = GradientBoostedTrees.logLoss(
                    raw: validScores, labels: validation.labels, weights: validation.weights, k: k)
                curve.append(loss)
                if loss < bestLoss {
                    bestLoss = loss
                    bestRound = round
                }
                if p.earlyStoppingRounds > 0 && round - bestRound >= p.earlyStoppingRounds { break }
            }
        }
        if p.earlyStoppingRounds > 0 && bestRound >= 0 {
            trees.removeSubrange(((bestRound + 1) * k)...)
        }
        return GradientBoostedTrees(
            features: matrix.features, parameters: p, initScores: initScores, trees: trees, validationLogLoss: curve)
    }

    /// LightGBM's `boost_from_average`: the log-odds of the weighted base rate (binary), or the
    /// log of each class's weighted share (multiclass).
    private func initialScores() -> [Double] {
        let k = parameters.classCount
        var totals = [Double](repeating: 0, count: k)
        for (row, y) in labels.enumerated() { totals[y] += weights?[row] ?? 1 }
        let sum = totals.reduce(0, +)
        let eps = 1e-15
        if parameters.objective == .binary {
            let rate = min(max(totals[1] / sum, eps), 1 - eps)
            return [log(rate / (1 - rate))]
        }
        return totals.map { log(max($0 / sum, eps)) }
    }

    private func computeGradients(scores: [Double], into gradHess: inout [[Double]]) {
        let k = parameters.treesPerRound
        let n = matrix.rowCount
        if parameters.objective == .binary {
            gradHess[0].withUnsafeMutableBufferPointer { gh in
                for row in 0..<n {
                    let w = weights?[row] ?? 1
                    let prob = GradientBoostedTrees.sigmoid(scores[row])
                    gh[2 * row] = (prob - Double(labels[row])) * w
                    gh[2 * row + 1] = max(prob * (1 - prob), 1e-16) * w
                }
            }
            return
        }
        let factor = Double(k) / Double(k - 1)
        var prob = [Double](repeating: 0, count: k)
        for row in 0..<n {
            let w = weights?[row] ?? 1
            for c in 0..<k { prob[c] = scores[row * k + c] }
            GradientBoostedTrees.softmax(&prob, offset: 0, count: k)
            for c in 0..<k {
                let target: Double = labels[row] == c ? 1 : 0
                gradHess[c][2 * row] = (prob[c] - target) * w
                gradHess[c][2 * row + 1] = factor * max(prob[c] * (1 - prob[c]), 1e-16) * w
            }
        }
    }

    /// Each row is in the bag with probability `baggingFraction` (LightGBM's bagging, without
    /// its balanced variant), drawn from the seed and the round.
    private func drawBag(round: Int) -> ([Int32], [Int32]) {
        var rng = SplitMix64(seed: parameters.seed, stream: SplitMix64.baggingStream, round: round)
        var bag: [Int32] = []
        var out: [Int32] = []
        bag.reserveCapacity(Int(Double(matrix.rowCount) * parameters.baggingFraction) + 16)
        for row in 0..<matrix.rowCount {
            if rng.nextUnit() < parameters.baggingFraction { bag.append(Int32(row)) } else { out.append(Int32(row)) }
        }
        if bag.isEmpty { return (out, []) }
        return (bag, out)
    }

    /// `max(1, round(featureFraction × features))` features for tree number `tree`, ascending
    /// (a partial Fisher–Yates shuffle).
    private func sampleFeatures(tree: Int) -> [Int] {
        let m = matrix.columnCount
        let take = max(1, min(m, Int((parameters.featureFraction * Double(m)).rounded())))
        var rng = SplitMix64(seed: parameters.seed, stream: SplitMix64.featureStream, round: tree)
        var all = Array(0..<m)
        for i in 0..<take {
            let j = i + Int(rng.next() % UInt64(m - i))
            all.swapAt(i, j)
        }
        return all[..<take].sorted()
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fitted ensemble of gradient-boosted regression trees for binary or multiclass log loss.
///
/// The score of class `k` for a row is `initScores[k]` plus the values of the leaves the row
/// reaches in the trees of class `k`; the trees are stored round by round, `trees[round ×
/// treesPerRound + k]`. A binary model has one score, its probability the logistic sigmoid of it;
/// a multiclass model has one score per class, its probabilities their softmax. Trees are plain
/// parallel arrays in raw feature units (see `RegressionTree`), so other tools can load them.
///
/// Train with `GradientBoostedTrees.train(_:labels:weights:parameters:validation:threads:)`; save
/// and load with `jsonBytes()` and `init(jsonBytes:)`.
public struct GradientBoostedTrees: BinaryClassifier, Codable, Hashable {
    /// The features the model was trained on, in order.
    public var features: [FeatureMatrix.Feature]
    /// The hyperparameters it was trained with.
    public var parameters: GradientBoostingParameters
    /// The starting score of each class (binary: one, the log-odds of the weighted base rate;
    /// multiclass: the log of each class's weighted share), LightGBM's `boost_from_average`.
    public var initScores: [Double]
    /// The trees, round-major: `treesPerRound` trees per round.
    public var trees: [RegressionTree]
    /// The validation log loss after each round tried (empty without a validation set). With
    /// early stopping the model keeps the rounds up to the smallest of these.
    public var validationLogLoss: [Double]

    enum CodingKeys: String, CodingKey {
        case format
        case features
        case parameters
        case initScores = "init_scores"
        case trees
        case validationLogLoss = "validation_log_loss"
    }

    /// The value of the `format` field of a saved model.
    public static let format = "waybill-gradient-boosted-trees/1"

    /// Trees per round: 1 for binary, the class count for multiclass.
    public var treesPerRound: Int { parameters.treesPerRound }

    /// The number of boosting rounds kept.
    public var rounds: Int { trees.count / max(1, treesPerRound) }

    /// A model from its parts (for tests and loaders); call `validate()` before trusting it.
    public init(
        features: [FeatureMatrix.Feature], parameters: GradientBoostingParameters, initScores: [Double],
        trees: [RegressionTree], validationLogLoss: [Double] = []
    ) {
        self.features = features
        self.parameters = parameters
        self.initScores = initScores
        self.trees = trees
        self.validationLogLoss = validationLogLoss
    }

    // MARK: - Prediction

    /// The raw scores (log-odds for binary), row-major: `rowCount × treesPerRound` values.
    ///
    /// Walks a `QuantizedForest` (bytes and bit sets, eight rows at a time) when the splits fit
    /// it, else the plain trees; both give the same bits.
    ///
    /// - Precondition: `matrix.features` equals `features`.
    /// - Complexity: O(rows × trees × depth / threads).
    public func rawScores(_ matrix: FeatureMatrix, threads: Int = 0) -> [Double] {
        precondition(matrix.features == features, "the matrix must have the model's features")
        let k = treesPerRound
        var scores = [Double](repeating: 0, count: matrix.rowCount * k)
        for row in 0..<matrix.rowCount {
            for c in 0..<k { scores[row * k + c] = initScores[c] }
        }
        let threads = Self.resolvedThreads(threads)
        scores.withUnsafeMutableBufferPointer { s in
            for c in 0..<k {
                let classTrees = stride(from: c, to: trees.count, by: k).map { trees[$0] }
                if let forest = QuantizedForest(classTrees, featureCount: features.count) {
                    forest.add(matrix: matrix, into: s.baseAddress! + c, stride: k, threads: threads)
                } else {
                    CompiledTree.add(
                        classTrees.map(CompiledTree.init), matrix: matrix, rows: nil, into: s.baseAddress! + c,
                        stride: k, threads: threads)
                }
            }
        }
        return scores
    }

    /// Saabas attributions, row-major (`rowCount × features`): along each row's path in every
    /// tree, each split's change in node value credited to the split's feature, summed over the
    /// trees (of every class). A row's attributions add up to its raw score less the initial
    /// score and the trees' root values.
    ///
    /// - Precondition: `matrix.features` equals `features`.
    /// - Complexity: O(rows × trees × depth / threads).
    public func pathContributions(_ matrix: FeatureMatrix, threads: Int = 0) -> [Double] {
        precondition(matrix.features == features, "the matrix must have the model's features")
        let p = matrix.columnCount
        var contributions = [Double](repeating: 0, count: matrix.rowCount * p)
        if let forest = QuantizedForest(trees, featureCount: features.count) {
            contributions.withUnsafeMutableBufferPointer {
                forest.addPathContributions(
                    matrix: matrix, into: $0.baseAddress!, threads: Self.resolvedThreads(threads))
            }
            return contributions
        }
        for tree in trees {
            for r in 0..<matrix.rowCount {
                var i = 0
                while !tree.isLeaf(i) {
                    let next = tree.leafStep(from: i, matrix: matrix, row: r)
                    contributions[r * p + tree.feature[i]] += tree.value[next] - tree.value[i]
                    i = next
                }
            }
        }
        return contributions
    }

    /// Raw scores (as `rawScores`) with each row's Saabas attributions (as `pathContributions`)
    /// handed to `body` a block of rows at a time: `body(lo, rows, contributions)` gets rows
    /// `lo..<lo + rows` column-major (feature j's at `j × rows`), valid during the call. The
    /// rows × features attributions are never held at once, and a binary model's forest is
    /// walked once for both.
    ///
    /// `body` may run on several threads at once, each call on its own rows.
    ///
    /// - Precondition: `matrix.features` equals `features`.
    /// - Complexity: that of `pathContributions`, plus the bodies.
    public func rawScores(
        _ matrix: FeatureMatrix, threads: Int = 0,
        pathContributions body: (_ lo: Int, _ rows: Int, _ contributions: UnsafePointer<Double>) -> Void
    ) -> [Double] {
        precondition(matrix.features == features, "the matrix must have the model's features")
        if treesPerRound == 1, let forest = QuantizedForest(trees, featureCount: features.count) {
            var scores = [Double](repeating: initScores[0], count: matrix.rowCount)
            scores.withUnsafeMutableBufferPointer { s in
                forest.addWithPathContributions(
                    matrix: matrix, scores: s.baseAddress!, threads: Self.resolvedThreads(threads)
                ) { lo, rows, contributions in body(lo, rows, contributions) }
            }
            return scores
        }
        let scores = rawScores(matrix, threads: threads)
        let contributions = pathContributions(matrix, threads: threads)
        let p = matrix.columnCount
        var block = [Double](repeating: 0, count: QuantizedForest.block * p)
        for lo in stride(from: 0, to: matrix.rowCount, by: QuantizedForest.block) {
            let rows = min(QuantizedForest.block, matrix.rowCount - lo)
            for r in 0..<rows {
                for j in 0..<p { block[j * rows + r] = contributions[(lo + r) * p + j] }
            }
            body(lo, rows, block)
        }
        return scores
    }

    /// The probability of the positive class for every row (binary models).
    ///
    /// - Precondition: a binary model; `matrix.features` equals `features`.
    /// - Complexity: O(rows × trees × depth / threads).
    public func predictProbability(_ matrix: FeatureMatrix) -> [Double] {
        precondition(parameters.objective == .binary, "predictProbability is for binary models")
        return rawScores(matrix).map(Self.sigmoid)
    }

    /// `predictProbability(_:)` with each row's Saabas attributions handed to `body` as by
    /// `rawScores(_:threads:pathContributions:)`.
    ///
    /// - Precondition: a binary model; `matrix.features` equals `features`.
    /// - Complexity: that of `pathContributions`, plus the bodies.
    public func predictProbability(
        _ matrix: FeatureMatrix,
        pathContributions body: (_ lo: Int, _ rows: Int, _ contributions: UnsafePointer<Double>) -> Void
    ) -> [Double] {
        precondition(parameters.objective == .binary, "predictProbability is for binary models")
        return rawScores(matrix, pathContributions: body).map(Self.sigmoid)
    }

    /// Class probabilities, row-major (`rowCount × classCount`); for a binary model the two
    /// columns are P(0) and P(1).
    ///
    /// - Complexity: O(rows × trees × depth / threads).
    public func predictProbabilities(_ matrix: FeatureMatrix) -> [Double] {
        let raw = rawScores(matrix)
        if parameters.objective == .binary {
            return raw.flatMap { s -> [Double] in
                let p = Self.sigmoid(s)
                return [1 - p, p]
            }
        }
        var out = raw
        let k = treesPerRound
        for row in 0..<matrix.rowCount { Self.softmax(&out, offset: row * k, count: k) }
        return out
    }

    @inline(__always)
    static func sigmoid(_ s: Double) -> Double { 1 / (1 + exp(-s)) }

    @inline(__always)
    static func softmax(_ values: inout [Double], offset: Int, count: Int) {
        var m = -Double.infinity
        for c in 0..<count { m = max(m, values[offset + c]) }
        var sum = 0.0
        for c in 0..<count {
            values[offset + c] = exp(values[offset + c] - m)
            sum += values[offset + c]
        }
        for c in 0..<count { values[offset + c] /= sum }
    }

    static func resolvedThreads(_ threads: Int) -> Int {
        threads > 0 ? threads : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// A tree flattened for fast prediction: one struct per node, categorical sets as bitsets.
struct CompiledTree: Sendable {
    struct Node {
        var left: Int32
        var right: Int32
        var feature: Int32
        /// Categorical: first word of the level bitset in `bits`; −1 for a numeric split.
        var bitsStart: Int32
        var bitsWords: Int32
        var defaultLeft: Bool
        var threshold: Double
        var value: Double
    }

    var nodes: [Node]
    var bits: [UInt64]

    init(_ tree: RegressionTree) {
        nodes = []
        bits = []
        nodes.reserveCapacity(tree.nodeCount)
        for i in 0..<tree.nodeCount {
            var start: Int32 = -1
            var words: Int32 = 0
            if let top = tree.categoriesLeft[i].last {
                start = Int32(bits.count)
                let count = top / 64 + 1
                words = Int32(count)
                var set = [UInt64](repeating: 0, count: count)
                for level in tree.categoriesLeft[i] { set[level / 64] |= 1 << UInt64(level % 64) }
                bits.append(contentsOf: set)
            }
            nodes.append(
                Node(
                    left: Int32(tree.childrenLeft[i]), right: Int32(tree.childrenRight[i]),
                    feature: Int32(tree.feature[i]), bitsStart: start, bitsWords: words,
                    defaultLeft: tree.defaultLeft[i],
                    threshold: RegressionTree.comparableThreshold(tree.threshold[i]), value: tree.value[i]))
        }
    }

    /// The value of the leaf row `row` reaches; `values` is a column-major buffer of `n` rows.
    @inline(__always)
    static func leafValue(
        _ nodes: UnsafePointer<Node>, _ bits: UnsafePointer<UInt64>, values: UnsafePointer<Double>, n: Int,
        row: Int
    ) -> Double {
        var i = 0
        while nodes[i].left >= 0 {
            let node = nodes[i]
            let x = values[Int(node.feature) &* n &+ row]
            let left: Bool
            if x.isNaN {
                left = node.defaultLeft
            } else if node.bitsStart < 0 {
                left = x <= node.threshold
            } else if x >= 0 && x < Double(node.bitsWords &* 64) {
                let level = Int(x)
                left = Double(level) == x && bits[Int(node.bitsStart) &+ level >> 6] & (1 << UInt64(level & 63)) != 0
            } else {
                left = false
            }
            i = Int(left ? node.left : node.right)
        }
        return nodes[i].value
    }

    /// Adds the trees' values to `scores[row × stride]` for `rows` (nil: every row).
    ///
    /// Rows are split into fixed blocks of 2,048 handed out to `threads` workers; each row's sum is
    /// made by one thread in tree order, so the result does not depend on the thread count.
    ///
    /// - Complexity: O(rows × trees × depth / threads).
    static func add(
        _ trees: [CompiledTree], matrix: FeatureMatrix, rows: [Int32]?, into scores: UnsafeMutablePointer<Double>,
        stride: Int, threads: Int
    ) {
        let total = rows?.count ?? matrix.rowCount
        guard total > 0, !trees.isEmpty else { return }
        let block = 2048
        let blocks = (total + block - 1) / block
        let n = matrix.rowCount
        matrix.values.withUnsafeBufferPointer { v in
            let values = v.baseAddress!
            let work = { (b: Int) in
                let lo = b * block
                let hi = min(total, lo + block)
                for tree in trees {
                    tree.nodes.withUnsafeBufferPointer { nodes in
                        tree.bits.withUnsafeBufferPointer { bits in
                            let bitsBase = bits.baseAddress ?? UnsafePointer(bitPattern: 8)!
                            for k in lo..<hi {
                                let row = rows.map { Int($0[k]) } ?? k
                                scores[row * stride] += leafValue(
                                    nodes.baseAddress!, bitsBase, values: values, n: n, row: row)
                            }
                        }
                    }
                }
            }
            let workers = max(1, min(threads, blocks))
            parallelFor(workers) { w in
                var b = w
                while b < blocks {
                    work(b)
                    b += workers
                }
            }
        }
    }
}

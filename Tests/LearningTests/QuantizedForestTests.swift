import Synchronization
import Testing

@testable import Learning

/// The byte-coded, mask-and-ing forest against the plain walk (`RegressionTree.leaf(for:row:)`, summed in tree
/// order) and against `CompiledTree`, on trained models and on random trees with awkward values.
@Suite struct QuantizedForestTests {
    /// The reference: each row's leaf values added in tree order, one `leaf(for:row:)` at a time.
    static func plainScores(_ trees: [RegressionTree], _ matrix: FeatureMatrix, start: Double = 0) -> [Double] {
        (0..<matrix.rowCount).map { row in
            var s = start
            for tree in trees { s += tree.value[tree.leaf(for: matrix, row: row)] }
            return s
        }
    }

    static func forestScores(_ forest: QuantizedForest, _ matrix: FeatureMatrix, threads: Int) -> [Double] {
        var scores = [Double](repeating: 0, count: matrix.rowCount)
        scores.withUnsafeMutableBufferPointer {
            forest.add(matrix: matrix, into: $0.baseAddress!, stride: 1, threads: threads)
        }
        return scores
    }

    /// A random tree over `features` (kinds given), grown by splitting random leaves; numeric
    /// thresholds are drawn from `grid` so ties with the data are common.
    static func randomTree(
        _ rng: inout GBTFixtures.Random, kinds: [FeatureMatrix.Kind], levels: Int, grid: [Double], leaves: Int
    ) -> RegressionTree {
        var tree = RegressionTree(leafValue: rng.normal(), cover: 1, count: 1)
        var open = [0]
        while tree.leafCount < leaves, !open.isEmpty {
            let i = open.remove(at: Int(rng.next() % UInt64(open.count)))
            let f = Int(rng.next() % UInt64(kinds.count))
            let base = tree.nodeCount
            tree.childrenLeft[i] = base
            tree.childrenRight[i] = base + 1
            tree.feature[i] = f
            tree.defaultLeft[i] = rng.next() % 2 == 0
            if kinds[f] == .numeric {
                tree.threshold[i] = grid[Int(rng.next() % UInt64(grid.count))]
            } else {
                let chosen = (0..<levels).filter { _ in rng.next() % 3 == 0 }
                tree.categoriesLeft[i] = chosen.isEmpty ? [0] : chosen
            }
            for _ in 0..<2 {
                tree.childrenLeft.append(-1)
                tree.childrenRight.append(-1)
                tree.feature.append(-1)
                tree.threshold.append(0)
                tree.defaultLeft.append(false)
                tree.value.append(rng.normal())
                tree.cover.append(1)
                tree.count.append(1)
                tree.gain.append(0)
                tree.categoriesLeft.append([])
            }
            open += [base, base + 1]
        }
        return tree
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomForestsScoreLikeThePlainWalk(seed: UInt64) throws {
        var rng = GBTFixtures.Random(seed: seed)
        let kinds: [FeatureMatrix.Kind] = [.numeric, .categorical, .numeric, .numeric, .categorical]
        let levels = 40
        let grid = (0..<60).map { Double($0) / 4 - 7 }
        let trees = (0..<25).map { _ in
            Self.randomTree(&rng, kinds: kinds, levels: levels, grid: grid, leaves: 1 + Int(rng.next() % 64))
        }
        // Rows: values on and between thresholds, missing, ±∞, and for categoricals unseen,
        // negative, fractional and very large levels.
        let rows = 1029  // not a multiple of the 8-row walk or the 1,024-row block
        let specials: [Double] = [.nan, .infinity, -.infinity, -1, -0.0, 2.5, 253, 254, 255, 256, 300, 1e9]
        var columns = [[Double]](repeating: [], count: kinds.count)
        for _ in 0..<rows {
            for (j, kind) in kinds.enumerated() {
                let u = rng.next() % 10
                if u == 0 {
                    columns[j].append(specials[Int(rng.next() % UInt64(specials.count))])
                } else if kind == .numeric {
                    columns[j].append(u < 5 ? grid[Int(rng.next() % UInt64(grid.count))] : rng.normal() * 5)
                } else {
                    columns[j].append(Double(rng.next() % UInt64(levels + 5)))
                }
            }
        }
        let features = kinds.enumerated().map { j, kind in
            FeatureMatrix.Feature(
                name: "f\(j)", kind: kind, levels: kind == .categorical ? (0..<levels).map { "L\($0)" } : [])
        }
        let matrix = FeatureMatrix(features: features, columns: columns)
        let forest = try #require(QuantizedForest(trees, featureCount: kinds.count))
        let expected = Self.plainScores(trees, matrix)
        #expect(Self.forestScores(forest, matrix, threads: 1) == expected)
        #expect(Self.forestScores(forest, matrix, threads: 2) == expected)
        // CompiledTree (the training-time walk) agrees too.
        var compiled = [Double](repeating: 0, count: rows)
        compiled.withUnsafeMutableBufferPointer {
            CompiledTree.add(
                trees.map(CompiledTree.init), matrix: matrix, rows: nil, into: $0.baseAddress!, stride: 1, threads: 2)
        }
        #expect(compiled == expected)
    }

    @Test func trainedModelsScoreLikeThePlainWalk() throws {
        let (m, y) = GBTFixtures.binary(rows: 5000, seed: 17)
        var p = GradientBoostingParameters()
        p.rounds = 40
        p.maxLeaves = 31
        let model = try GradientBoostedTrees.train(m, labels: y, parameters: p, threads: 2)
        let forest = try #require(QuantizedForest(model.trees, featureCount: m.columnCount))
        #expect(Self.forestScores(forest, m, threads: 2) == Self.plainScores(model.trees, m))
        // The model's scores start at its initial score, then add the trees in order.
        #expect(model.rawScores(m, threads: 2) == Self.plainScores(model.trees, m, start: model.initScores[0]))
    }

    /// The binner puts +∞ in the last bin, so a split sending every bin left (only missing
    /// values right) sends +∞ left in training; the walk, the compiled walk and the coded forest
    /// send it left too, though the saved threshold is the largest finite number.
    @Test func infinityGoesWhereItsBinWentInTraining() throws {
        let values: [Double] = [1, 2, 3, .infinity, .nan, -.infinity, 3.5]
        let matrix = FeatureMatrix(
            features: [FeatureMatrix.Feature(name: "x", kind: .numeric, levels: [])], columns: [values])
        let binner = FeatureBinner(matrix: matrix)
        let last = binner.bins[0].upperBounds.count
        #expect(binner.bin(.infinity, feature: 0) == UInt8(last))
        var rng = GBTFixtures.Random(seed: 3)
        var tree = Self.randomTree(&rng, kinds: [.numeric], levels: 0, grid: [0], leaves: 2)
        tree.feature[0] = 0
        tree.threshold[0] = binner.bins[0].upperBounds[last - 1]
        tree.defaultLeft[0] = false
        #expect(tree.threshold[0] == .greatestFiniteMagnitude)
        for row in values.indices {
            let expected = values[row].isNaN ? tree.childrenRight[0] : tree.childrenLeft[0]
            #expect(tree.leaf(for: matrix, row: row) == expected, "row \(row): \(values[row])")
        }
        let forest = try #require(QuantizedForest([tree], featureCount: 1))
        let expected = Self.plainScores([tree], matrix)
        #expect(Self.forestScores(forest, matrix, threads: 1) == expected)
        var compiled = [Double](repeating: 0, count: values.count)
        compiled.withUnsafeMutableBufferPointer {
            CompiledTree.add(
                [CompiledTree(tree)], matrix: matrix, rows: nil, into: $0.baseAddress!, stride: 1, threads: 1)
        }
        #expect(compiled == expected)
    }

    @Test func refusesSplitsThatDoNotFitAByte() {
        var rng = GBTFixtures.Random(seed: 9)
        // 300 distinct thresholds on one feature: more than 254 codes.
        let many = (0..<300).map { i -> RegressionTree in
            var t = Self.randomTree(&rng, kinds: [.numeric], levels: 0, grid: [Double(i)], leaves: 2)
            t.threshold[0] = Double(i)
            return t
        }
        #expect(QuantizedForest(many, featureCount: 1) == nil)
        // A categorical split on level 300.
        var high = Self.randomTree(&rng, kinds: [.categorical], levels: 4, grid: [0], leaves: 2)
        high.categoriesLeft[0] = [300]
        #expect(QuantizedForest([high], featureCount: 1) == nil)
        // One feature split both numerically and categorically.
        var numeric = Self.randomTree(&rng, kinds: [.numeric], levels: 0, grid: [1], leaves: 2)
        numeric.feature[0] = 0
        let categorical = Self.randomTree(&rng, kinds: [.categorical], levels: 4, grid: [0], leaves: 2)
        #expect(QuantizedForest([numeric, categorical], featureCount: 1) == nil)
        // A tree of 65 leaves: more than a 64-bit mask holds.
        let wide = Self.randomTree(&rng, kinds: [.numeric], levels: 0, grid: (0..<200).map(Double.init), leaves: 65)
        #expect(wide.leafCount == 65)
        #expect(QuantizedForest([wide], featureCount: 1) == nil)
        // And the model still predicts through the plain walk.
        let model = GradientBoostedTrees(
            features: [.init(name: "x", kind: .numeric)], parameters: GradientBoostingParameters(), initScores: [0],
            trees: many)
        let matrix = FeatureMatrix(features: model.features, columns: [[-1, 0, 150.5, 299, 1000, .nan]])
        #expect(model.rawScores(matrix) == Self.plainScores(many, matrix))
    }
}

/// The choice of OpenBLAS kernels from the CPU's flags.
@Suite struct BLASKernelsTests {
    @Test func asksForTheBestSetOnlyWhenOpenBLASFellBack() {
        let avx512: Set<String> = [
            "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd",
        ]
        #expect(BLASKernels.preferredCoreType(current: "Prescott", flags: avx512) == "SkylakeX")
        #expect(BLASKernels.preferredCoreType(current: "Prescott", flags: ["avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASKernels.preferredCoreType(current: "Prescott", flags: ["sse4_2", "avx"]) == nil)
        #expect(BLASKernels.preferredCoreType(current: "Haswell", flags: avx512) == nil)
        #expect(BLASKernels.preferredCoreType(current: "SkylakeX", flags: avx512) == nil)
        #expect(!BLASKernels.current.isEmpty)
    }
}

/// Saabas path attributions from the byte-coded forest against the plain walk.
@Suite struct PathContributionTests {
    @Test func forestAttributionsEqualThePlainWalk() throws {
        let (m, y) = GBTFixtures.binary(rows: 3000, seed: 23)
        var p = GradientBoostingParameters()
        p.rounds = 25
        let model = try GradientBoostedTrees.train(m, labels: y, parameters: p, threads: 2)
        let columns = m.columnCount
        var expected = [Double](repeating: 0, count: m.rowCount * columns)
        for tree in model.trees {
            for r in 0..<m.rowCount {
                var i = 0
                while !tree.isLeaf(i) {
                    let next = tree.leafStep(from: i, matrix: m, row: r)
                    expected[r * columns + tree.feature[i]] += tree.value[next] - tree.value[i]
                    i = next
                }
            }
        }
        let got = model.pathContributions(m, threads: 2)
        #expect(got == expected)
        // The attributions add up to the raw score less the starting score and the roots' values.
        let raw = model.rawScores(m)
        let roots = model.trees.reduce(0.0) { $0 + $1.value[0] }
        for r in stride(from: 0, to: m.rowCount, by: 97) {
            let sum = (0..<columns).reduce(0.0) { $0 + got[r * columns + $1] }
            #expect(abs(sum - (raw[r] - model.initScores[0] - roots)) < 1e-9)
        }
    }

    /// Scores with attributions handed over a block at a time equal the two separate passes bit for
    /// bit: through the coded forest (one and two threads) and through the plain trees (a forest
    /// of more than 64 leaves a tree, which the coded forest refuses).
    @Test(arguments: [31, 100])
    func blockAttributionsEqualTheSeparatePasses(maxLeaves: Int) throws {
        let (m, y) = GBTFixtures.binary(rows: 2_600, seed: 29)  // not a multiple of the 1,024-row block
        var p = GradientBoostingParameters()
        p.rounds = 12
        p.maxLeaves = maxLeaves
        p.minDataInLeaf = 5
        let model = try GradientBoostedTrees.train(m, labels: y, parameters: p, threads: 2)
        #expect((QuantizedForest(model.trees, featureCount: m.columnCount) == nil) == (maxLeaves > 64))
        let columns = m.columnCount
        for threads in [1, 2] {
            var got = [Double](repeating: .nan, count: m.rowCount * columns)
            var calls = 0
            let scores = got.withUnsafeMutableBufferPointer { buffer in
                let out = SendablePointer(buffer.baseAddress!)
                let counter = Mutex(0)
                defer { calls = counter.withLock { $0 } }
                return model.rawScores(m, threads: threads) { lo, rows, contributions in
                    counter.withLock { $0 += 1 }
                    for r in 0..<rows {  // column-major in the block
                        for j in 0..<columns { out.pointer[(lo + r) * columns + j] = contributions[j * rows + r] }
                    }
                }
            }
            #expect(scores == model.rawScores(m, threads: threads))
            #expect(got == model.pathContributions(m, threads: threads))
            #expect(calls == (m.rowCount + QuantizedForest.block - 1) / QuantizedForest.block)
            let probability = model.predictProbability(m) { _, _, _ in }
            #expect(probability == model.predictProbability(m))
        }
    }
}

/// A pointer the test's block callbacks write their own rows through.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }
}

import Foundation
import Testing

@testable import Learning

@Suite struct GradientBoostingTests {
    // MARK: - A simple reference: exact greedy split on raw values

    /// The best first split found by trying every cut between distinct values of every numeric
    /// feature, no binning, no missing values (the textbook exact greedy algorithm).
    static func exactGreedySplit(
        _ m: FeatureMatrix, gradients: [Double], hessians: [Double], lambda: Double, minData: Int
    ) -> (feature: Int, threshold: Double, gain: Double)? {
        let g = gradients.reduce(0, +)
        let h = hessians.reduce(0, +)
        let parent = g * g / (h + lambda)
        var best: (Int, Double, Double)?
        for j in 0..<m.columnCount where m.features[j].kind == .numeric {
            let order = (0..<m.rowCount).sorted { m[$0, j] < m[$1, j] }
            var lg = 0.0
            var lh = 0.0
            for (k, row) in order.enumerated().dropLast() {
                lg += gradients[row]
                lh += hessians[row]
                let next = order[k + 1]
                if m[row, j] == m[next, j] || k + 1 < minData || m.rowCount - k - 1 < minData { continue }
                let gain = lg * lg / (lh + lambda) + (g - lg) * (g - lg) / (h - lh + lambda) - parent
                if best == nil || gain > best!.2 + 1e-9 { best = (j, (m[row, j] + m[next, j]) / 2, gain) }
            }
        }
        return best
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func firstSplitMatchesExactGreedy(seed: UInt64) throws {
        // Few distinct values (rounded to 0.1), so every cut point has its own bin.
        var rng = GBTFixtures.Random(seed: seed)
        let rows = 300
        var columns = [[Double]](repeating: [], count: 3)
        var labels: [Int] = []
        for _ in 0..<rows {
            let x = (0..<3).map { _ in (rng.normal() * 10).rounded() / 10 }
            for j in 0..<3 { columns[j].append(x[j]) }
            labels.append(rng.unit() < 1 / (1 + exp(-(2 * x[1] - x[2]))) ? 1 : 0)
        }
        let m = FeatureMatrix(features: (0..<3).map { .init(name: "x\($0)", kind: .numeric) }, columns: columns)
        var p = GradientBoostingParameters()
        p.rounds = 1
        p.maxLeaves = 2
        p.lambdaL2 = 1
        p.minDataInLeaf = 10
        let model = try GradientBoostedTrees.train(m, labels: labels, parameters: p, threads: 2)
        // At the first round every row has p = base rate: g = p − y, h = p(1 − p).
        let rate = Double(labels.reduce(0, +)) / Double(rows)
        let grads = labels.map { rate - Double($0) }
        let hess = [Double](repeating: rate * (1 - rate), count: rows)
        let reference = try #require(
            Self.exactGreedySplit(m, gradients: grads, hessians: hess, lambda: 1, minData: 10))
        let tree = model.trees[0]
        #expect(tree.feature[0] == reference.feature)
        #expect(abs(tree.threshold[0] - reference.threshold) < 1e-9)
        #expect(abs(tree.gain[0] - reference.gain) < 1e-9 * max(1, reference.gain))
        // The leaf values are −G/(H+λ) × learning rate of each side.
        let leftRows = (0..<rows).filter { m[$0, reference.feature] <= reference.threshold }
        let lg = leftRows.map { grads[$0] }.reduce(0, +)
        let lh = leftRows.map { hess[$0] }.reduce(0, +)
        #expect(abs(tree.value[tree.childrenLeft[0]] - (-lg / (lh + 1) * 0.1)) < 1e-12)
        #expect(tree.count[tree.childrenLeft[0]] == leftRows.count)
        model.checkInvariants()
    }

    // MARK: - Histograms

    @Test func subtractionEqualsDirectBuild() {
        let (m, _) = GBTFixtures.binary(rows: 5000, seed: 7, numeric: 6)
        let binner = FeatureBinner(matrix: m, maxBin: 63)
        let data = binner.binned(m, threads: 2)
        var rng = GBTFixtures.Random(seed: 9)
        let gh = (0..<(2 * m.rowCount)).map { i in i % 2 == 0 ? rng.normal() : rng.unit() + 0.01 }
        let features = Array(0..<m.columnCount)
        let all = (0..<m.rowCount).map { Int32($0) }
        let left = all.filter { m[Int($0), 1] <= 0.2 }
        let right = all.filter { !(m[Int($0), 1] <= 0.2) }
        func build(_ rows: [Int32]?) -> [Double] {
            var hist = [Double](repeating: .nan, count: 3 * data.totalBins)
            let ordered = rows.map { r in r.flatMap { [gh[2 * Int($0)], gh[2 * Int($0) + 1]] } } ?? gh
            hist.withUnsafeMutableBufferPointer { hp in
                data.bins.withUnsafeBufferPointer { b in
                    ordered.withUnsafeBufferPointer { o in
                        if let rows {
                            rows.withUnsafeBufferPointer { r in
                                Histogram.build(
                                    into: hp.baseAddress!, data: data, bins: b.baseAddress!, features: features,
                                    rows: r.baseAddress!, count: rows.count, gradHess: o.baseAddress!, threads: 2)
                            }
                        } else {
                            Histogram.build(
                                into: hp.baseAddress!, data: data, bins: b.baseAddress!, features: features,
                                rows: nil, count: m.rowCount, gradHess: o.baseAddress!, threads: 2)
                        }
                    }
                }
            }
            return hist
        }
        var parent = build(nil)
        let direct = build(right)
        let small = build(left)
        small.withUnsafeBufferPointer { s in
            parent.withUnsafeMutableBufferPointer { p in
                Histogram.subtract(s.baseAddress!, from: p.baseAddress!, data: data, features: features)
            }
        }
        #expect(parent.count == direct.count)
        for i in parent.indices { #expect(abs(parent[i] - direct[i]) <= 1e-9 * max(1, abs(direct[i]))) }
        // Counts are exact, and each feature's counts sum to the rows.
        for j in features {
            let o = data.histogramOffsets[j]
            let count = (0..<data.binCounts[j]).map { direct[3 * (o + $0) + 2] }.reduce(0, +)
            #expect(count == Double(right.count))
        }
        // The all-rows path and the row-list path agree.
        #expect(build(nil) == build(all))
    }

    @Test func binnerMakesQuantileBinsAndKeepsThresholdsExact() {
        let values = (0..<10_000).map { Double($0 % 1000) / 10 }
        let few = [1.0, 2, 2, 3, .nan, 5]
        let m = FeatureMatrix(
            features: [.init(name: "many", kind: .numeric), .init(name: "few", kind: .numeric)],
            columns: [values, (0..<10_000).map { few[$0 % few.count] }])
        let binner = FeatureBinner(matrix: m, maxBin: 32)
        #expect(binner.bins[0].binCount == 32)
        #expect(binner.bins[1].upperBounds == [1.5, 2.5, 4, .greatestFiniteMagnitude])
        let data = binner.binned(m, threads: 2)
        // Roughly equal counts per bin, and bins agree with the raw upper bounds.
        var counts = [Int](repeating: 0, count: 32)
        for i in 0..<m.rowCount { counts[Int(data.bins[i])] += 1 }
        #expect(counts[0] == 0 && counts.dropFirst().allSatisfy { abs($0 - 10_000 / 31) <= 40 })
        for i in 0..<m.rowCount {
            let b = Int(data.bins[i])
            #expect(m[i, 0] <= binner.bins[0].upperBounds[b - 1])
            if b > 1 { #expect(m[i, 0] > binner.bins[0].upperBounds[b - 2]) }
        }
        #expect(data.bins[m.rowCount + 4] == 0)  // NaN
    }

    // MARK: - Missing values and categories

    @Test func learnsWhereMissingValuesGo() throws {
        // y = 1 exactly when x is missing; present values carry no signal.
        var rng = GBTFixtures.Random(seed: 11)
        var x: [Double] = []
        var labels: [Int] = []
        for _ in 0..<2000 {
            let missing = rng.unit() < 0.3
            x.append(missing ? .nan : rng.normal())
            labels.append(missing ? 1 : 0)
        }
        let m = FeatureMatrix(features: [.init(name: "x", kind: .numeric)], columns: [x])
        var p = GradientBoostingParameters()
        p.rounds = 20
        p.maxLeaves = 2
        let model = try GradientBoostedTrees.train(m, labels: labels, parameters: p)
        let tree = model.trees[0]
        let missingSide = tree.defaultLeft[0] ? tree.childrenLeft[0] : tree.childrenRight[0]
        #expect(tree.count[missingSide] == labels.reduce(0, +))
        let probe = FeatureMatrix(features: m.features, columns: [[.nan, 0, 3, -3]])
        let prob = model.predictProbability(probe)
        #expect(prob[0] > 0.9 && prob[1...].allSatisfy { $0 < 0.1 })
    }

    @Test func findsTheCategorySubset() throws {
        // Levels 1, 4 and 6 raise the risk; 12 levels, so the many-vs-many search is used.
        var rng = GBTFixtures.Random(seed: 5)
        var c: [Double] = []
        var labels: [Int] = []
        for _ in 0..<6000 {
            let level = Int(rng.next() % 12)
            c.append(Double(level))
            labels.append(rng.unit() < ([1, 4, 6].contains(level) ? 0.8 : 0.2) ? 1 : 0)
        }
        let m = FeatureMatrix(
            features: [.init(name: "carrier", kind: .categorical, levels: (0..<12).map { "C\($0)" })], columns: [c])
        var p = GradientBoostingParameters()
        p.rounds = 1
        p.maxLeaves = 2
        let model = try GradientBoostedTrees.train(m, labels: labels, parameters: p)
        let tree = model.trees[0]
        let left = Set(tree.categoriesLeft[0])
        #expect(left == [1, 4, 6] || left == Set(0..<12).subtracting([1, 4, 6]))
        #expect(tree.defaultLeft[0] == false)
        // An unseen or missing level goes right.
        let probe = FeatureMatrix(
            features: m.features, columns: [[1, 0, .nan]])
        let leaves = (0..<3).map { tree.leaf(for: probe, row: $0) }
        #expect(leaves[2] == tree.childrenRight[0])
        #expect(leaves[0] != leaves[1])
    }

    @Test func fewLevelsSplitOneAgainstTheRest() throws {
        // Three levels (four bins with the missing one): LightGBM's one-vs-rest search; level 2 differs.
        var rng = GBTFixtures.Random(seed: 6)
        var c: [Double] = []
        var labels: [Int] = []
        for _ in 0..<3000 {
            let level = Int(rng.next() % 3)
            c.append(Double(level))
            labels.append(rng.unit() < (level == 2 ? 0.9 : 0.3) ? 1 : 0)
        }
        let m = FeatureMatrix(
            features: [.init(name: "channel", kind: .categorical, levels: ["web", "store", "app"])], columns: [c])
        var p = GradientBoostingParameters()
        p.rounds = 1
        p.maxLeaves = 2
        let tree = try GradientBoostedTrees.train(m, labels: labels, parameters: p).trees[0]
        #expect(tree.categoriesLeft[0] == [2])
        #expect(tree.value[tree.childrenLeft[0]] > tree.value[tree.childrenRight[0]])
    }

    // MARK: - Determinism, saving, early stopping, multiclass

    @Test func sameDataAndSeedGiveIdenticalBytes() throws {
        let (m, y) = GBTFixtures.binary(rows: 4000, seed: 21)
        var p = GradientBoostingParameters()
        p.rounds = 30
        p.featureFraction = 0.7
        p.baggingFraction = 0.8
        p.baggingFrequency = 1
        p.lambdaL2 = 1
        p.seed = 42
        let a = try GradientBoostedTrees.train(m, labels: y, parameters: p, threads: 2).jsonBytes()
        let b = try GradientBoostedTrees.train(m, labels: y, parameters: p, threads: 1).jsonBytes()
        #expect(a == b)
        p.seed = 43
        let c = try GradientBoostedTrees.train(m, labels: y, parameters: p, threads: 2).jsonBytes()
        #expect(a != c)
        // Round trip: the same predictions, the same bytes.
        let loaded = try GradientBoostedTrees(jsonBytes: a)
        loaded.checkInvariants()
        #expect(try loaded.jsonBytes() == a)
        let original = try GradientBoostedTrees(jsonBytes: a)
        #expect(loaded.predictProbability(m) == original.predictProbability(m))
        let text = String(decoding: a, as: UTF8.self)
        for key in [
            "children_left", "children_right", "feature", "threshold", "default_left", "value", "cover",
            "categories_left", "init_scores",
        ] {
            #expect(text.contains("\"\(key)\""))
        }
    }

    @Test func predictionsAgreeWithTheTrainingScores() throws {
        // The fast batch predictor, the per-row tree walk and a plain sum agree.
        let (m, y) = GBTFixtures.binary(rows: 3000, seed: 31)
        var p = GradientBoostingParameters()
        p.rounds = 10
        let model = try GradientBoostedTrees.train(m, labels: y, parameters: p)
        let raw = model.rawScores(m, threads: 2)
        for row in stride(from: 0, to: m.rowCount, by: 37) {
            let walked = model.trees.reduce(model.initScores[0]) { $0 + $1.value[$1.leaf(for: m, row: row)] }
            #expect(abs(raw[row] - walked) < 1e-12)
        }
        let auc = GBTFixtures.auc(model.predictProbability(m), y)
        #expect(auc > 0.8)
        let importance = model.featureImportance()
        let ranked = importance.sorted { $0.gain > $1.gain }.map(\.feature)
        #expect(ranked.prefix(2).contains("x1"))
        #expect(importance.first { $0.feature == "x3" }!.gain < importance.first { $0.feature == "x1" }!.gain / 5)
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        let (m, y) = GBTFixtures.binary(rows: 3000, seed: 41)
        let (v, vy) = GBTFixtures.binary(rows: 1500, seed: 42)
        var p = GradientBoostingParameters()
        p.rounds = 400
        p.learningRate = 0.3
        p.maxLeaves = 63
        p.minDataInLeaf = 5
        p.earlyStoppingRounds = 10
        let model = try GradientBoostedTrees.train(
            m, labels: y, parameters: p, validation: .init(matrix: v, labels: vy))
        let curve = model.validationLogLoss
        #expect(curve.count < 400)
        let best = curve.indices.min { curve[$0] < curve[$1] }!
        #expect(model.rounds == best + 1)
        #expect(curve.count == best + 1 + 10)
        let raw = model.rawScores(v)
        let loss = GradientBoostedTrees.logLoss(raw: raw, labels: vy, weights: nil, k: 1)
        #expect(abs(loss - curve[best]) < 1e-12)
    }

    @Test func multiclassLearnsThreeClasses() throws {
        var rng = GBTFixtures.Random(seed: 77)
        var columns = [[Double]](repeating: [], count: 2)
        var labels: [Int] = []
        for _ in 0..<3000 {
            let a = rng.normal()
            let b = rng.normal()
            columns[0].append(a)
            columns[1].append(b)
            let s = [0, 2 * a, 2 * b]
            let e = s.map { exp($0) }
            let u = rng.unit() * e.reduce(0, +)
            labels.append(u < e[0] ? 0 : u < e[0] + e[1] ? 1 : 2)
        }
        let m = FeatureMatrix(
            features: [.init(name: "a", kind: .numeric), .init(name: "b", kind: .numeric)], columns: columns)
        var p = GradientBoostingParameters()
        p.objective = .multiclass
        p.classCount = 3
        p.rounds = 50
        let model = try GradientBoostedTrees.train(m, labels: labels, parameters: p)
        #expect(model.trees.count == 150)
        model.checkInvariants()
        let probs = model.predictProbabilities(m)
        var correct = 0
        for row in 0..<m.rowCount {
            let row3 = Array(probs[(3 * row)..<(3 * row + 3)])
            #expect(abs(row3.reduce(0, +) - 1) < 1e-12)
            if row3.firstIndex(of: row3.max()!)! == labels[row] { correct += 1 }
        }
        #expect(Double(correct) / 3000 > 0.6)
        let loss = GradientBoostedTrees.logLoss(
            raw: model.rawScores(m), labels: labels, weights: nil, k: 3)
        #expect(loss < log(3) - 0.2)
    }

    @Test func weightsCountLikeRepeatedRows() throws {
        // Weight 2 on a row is the same as the row twice (same tree values and covers).
        // Values with few distinct levels, so both data sets get the same bins.
        let (raw, y) = GBTFixtures.binary(rows: 500, seed: 3)
        let m = FeatureMatrix(
            features: Array(raw.features.prefix(4)),
            columns: (0..<4).map { j in raw.column(j).map { ($0 * 10).rounded() / 10 } })
        let twice = m.rows(Array(0..<500) + Array(0..<100))
        var p = GradientBoostingParameters()
        p.rounds = 3
        p.minDataInLeaf = 1
        p.maxLeaves = 4
        p.minSumHessianInLeaf = 0
        let weights = (0..<500).map { $0 < 100 ? 2.0 : 1.0 }
        let a = try GradientBoostedTrees.train(m, labels: y, weights: weights, parameters: p)
        let b = try GradientBoostedTrees.train(twice, labels: y + Array(y[0..<100]), parameters: p)
        #expect(a.trees.map(\.feature) == b.trees.map(\.feature))
        for (ta, tb) in zip(a.trees, b.trees) {
            for i in 0..<ta.nodeCount { #expect(abs(ta.value[i] - tb.value[i]) < 1e-9) }
        }
    }

    @Test func maxDepthAndMaxLeavesBound() throws {
        let (m, y) = GBTFixtures.binary(rows: 4000, seed: 8)
        var p = GradientBoostingParameters()
        p.rounds = 5
        p.maxLeaves = 31
        p.maxDepth = 3
        let model = try GradientBoostedTrees.train(m, labels: y, parameters: p)
        #expect(model.trees.allSatisfy { $0.depth <= 3 && $0.leafCount <= 8 })
        p.maxDepth = 0
        p.maxLeaves = 5
        let wide = try GradientBoostedTrees.train(m, labels: y, parameters: p)
        #expect(wide.trees.allSatisfy { $0.leafCount <= 5 } && wide.trees.contains { $0.leafCount == 5 })
    }

    // MARK: - Bad input

    @Test func rejectsBadInputWithClearErrors() throws {
        let (m, y) = GBTFixtures.binary(rows: 100, seed: 1)
        var p = GradientBoostingParameters()
        p.maxBin = 300
        #expect(throws: LearningError.self) { try GradientBoostedTrees.train(m, labels: y, parameters: p) }
        do {
            _ = try GradientBoostedTrees.train(m, labels: Array(y.dropLast()))
            Issue.record("expected an error")
        } catch let error as LearningError {
            #expect(error.code == .invalidData && error.description.contains("99 labels for 100 rows"))
        }
        var bad = y
        bad[7] = 2
        do {
            _ = try GradientBoostedTrees.train(m, labels: bad)
            Issue.record("expected an error")
        } catch let error as LearningError {
            #expect(error.description.contains("row 7"))
        }
        #expect(throws: LearningError.self) {
            try GradientBoostedTrees.train(m, labels: [Int](repeating: 0, count: 100))
        }
        var es = GradientBoostingParameters()
        es.earlyStoppingRounds = 5
        #expect(throws: LearningError.self) { try GradientBoostedTrees.train(m, labels: y, parameters: es) }
        #expect(throws: LearningError.self) { try GradientBoostedTrees(jsonBytes: Array("{}".utf8)) }
        // A tampered model: a child pointing back to the root.
        var model = try GradientBoostedTrees.train(m, labels: y)
        model.trees[0].childrenLeft[0] = 0
        let tampered = try model.jsonBytes()
        #expect(throws: LearningError.self) { try GradientBoostedTrees(jsonBytes: tampered) }
    }
}

import Foundation
import Learning
import Testing
import _TestSupport

@Suite struct CalibrationTests {
    static var golden: [String: Any] { try! LearningGoldens.json("calibration.json") }
    static let data = try! LearningGoldens.scores("calibration_scores.csv")

    @Test func plattMatchesScikitLearn() throws {
        let platt = Self.golden["platt"] as! [String: Any]
        let fit = try PlattScaling(fitting: Self.data.scores, labels: Self.data.labels, weights: Self.data.weights)
        // The exact optimum of sklearn's objective, to 1e-9; sklearn's own (L-BFGS, gtol 1e-6) to 1e-6.
        #expect(abs(fit.a - LearningGoldens.double(platt["A"])) <= 1e-9)
        #expect(abs(fit.b - LearningGoldens.double(platt["B"])) <= 1e-9)
        let grid = LearningGoldens.doubles(platt["grid"])
        for (p, (exact, sk)) in zip(
            grid,
            zip(LearningGoldens.doubles(platt["probabilities"]), LearningGoldens.doubles(platt["sklearnProbabilities"]))
        ) {
            #expect(abs(fit.calibrate(p) - exact) <= 1e-9)
            #expect(abs(fit.calibrate(p) - sk) <= 1e-6)
        }
    }

    @Test func isotonicMatchesScikitLearn() throws {
        let iso = Self.golden["isotonic"] as! [String: Any]
        let fit = try IsotonicCalibration(
            fitting: Self.data.scores, labels: Self.data.labels, weights: Self.data.weights)
        fit.checkInvariants()
        let xs = LearningGoldens.doubles(iso["xThresholds"])
        let ys = LearningGoldens.doubles(iso["yThresholds"])
        #expect(fit.thresholds == xs)
        for (a, b) in zip(fit.values, ys) { #expect(abs(a - b) <= 1e-9) }
        for (t, expected) in zip(LearningGoldens.doubles(iso["test"]), LearningGoldens.doubles(iso["predictions"])) {
            #expect(abs(fit.calibrate(t) - expected) <= 1e-9, "at \(t)")
        }
    }

    /// Brute-force isotonic regression: repeatedly pool the first adjacent violating pair until
    /// none is left; compared with the fast pool-adjacent-violators on random data.
    @Test(arguments: [11, 12, 13, 14]) func isotonicEqualsBruteForcePooling(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let n = 40
        let scores = (0..<n).map { _ in Double(rng.next() % 15) / 14 }
        let labels = (0..<n).map { _ in rng.next() % 2 == 0 }
        let weights = (0..<n).map { _ in Double(rng.next() % 4 + 1) }
        let fit = try IsotonicCalibration(fitting: scores, labels: labels, weights: weights)
        // Reference: unique scores with weighted mean labels, then naive pooling of blocks.
        let xs = Array(Set(scores)).sorted()
        var blocks: [(sum: Double, weight: Double, members: [Int])] = xs.indices.map { k in
            var s = 0.0
            var w = 0.0
            for i in 0..<n where scores[i] == xs[k] {
                s += weights[i] * (labels[i] ? 1 : 0)
                w += weights[i]
            }
            return (s, w, [k])
        }
        var changed = true
        while changed {
            changed = false
            for k in 0..<(blocks.count - 1)
            where blocks[k].sum / blocks[k].weight > blocks[k + 1].sum / blocks[k + 1].weight {
                blocks[k] = (
                    blocks[k].sum + blocks[k + 1].sum, blocks[k].weight + blocks[k + 1].weight,
                    blocks[k].members + blocks[k + 1].members
                )
                blocks.remove(at: k + 1)
                changed = true
                break
            }
        }
        for block in blocks {
            for k in block.members { #expect(abs(fit.calibrate(xs[k]) - block.sum / block.weight) <= 1e-12) }
        }
    }

    @Test(arguments: [ReliabilityTable.Strategy.uniform, .quantile]) func reliabilityMatchesCalibrationCurve(
        strategy: ReliabilityTable.Strategy
    ) throws {
        let golden = (Self.golden["reliability"] as! [String: [String: Any]])[strategy.rawValue]!
        let table = try ReliabilityTable(scores: Self.data.scores, labels: Self.data.labels, strategy: strategy)
        let edges = LearningGoldens.doubles(golden["edges"])
        #expect(table.bins.map(\.lower) + [table.bins.last!.upper] == edges)
        #expect(table.bins.map { Double($0.count) } == LearningGoldens.doubles(golden["counts"]))
        let nonEmpty = table.bins.filter { $0.count > 0 }
        for (bin, (observed, predicted)) in zip(
            nonEmpty, zip(LearningGoldens.doubles(golden["observed"]), LearningGoldens.doubles(golden["predicted"])))
        {
            #expect(close(bin.observedRate, observed, 1e-9))
            #expect(close(bin.meanPredicted, predicted, 1e-9))
        }
    }

    @Test func theRuleChoosesByWindowSize() throws {
        #expect(ProbabilityCalibrator.choose(labels: Self.data.labels) == .isotonic)
        let small = Array(Self.data.labels.prefix(999))
        #expect(ProbabilityCalibrator.choose(labels: small) == .platt)
        let fewPositives = [Bool](repeating: false, count: 2000) + [Bool](repeating: true, count: 49)
        #expect(ProbabilityCalibrator.choose(labels: fewPositives) == .platt)
        let chosen = try ProbabilityCalibrator(fitting: Self.data.scores, labels: Self.data.labels)
        chosen.checkInvariants()
        #expect(chosen.method == .isotonic)
        let platt = try ProbabilityCalibrator(
            fitting: Self.data.scores, labels: Self.data.labels, weights: Self.data.weights, method: .platt)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let decoded = try JSONDecoder().decode(ProbabilityCalibrator.self, from: encoder.encode(platt))
        #expect(decoded == platt && decoded.calibrate([0.3]) == platt.calibrate([0.3]))
    }
}

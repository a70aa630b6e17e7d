import Foundation
@testable import Learning
import Testing
import _TestSupport

@Suite struct MetricsTests {
    static func check(_ m: BinaryMetrics, _ golden: [String: Any]) {
        #expect(close(m.rocAUC, LearningGoldens.double(golden["rocAUC"]), 1e-9))
        #expect(close(m.averagePrecision, LearningGoldens.double(golden["averagePrecision"]), 1e-9))
        #expect(close(m.brierScore, LearningGoldens.double(golden["brier"]), 1e-9))
        #expect(close(m.logLoss, LearningGoldens.double(golden["logLoss"]), 1e-9))
        let top = golden["top"] as! [[String: Any]]
        #expect(m.topFractions.count == top.count)
        for (a, b) in zip(m.topFractions, top) {
            #expect(Double(a.rows) == LearningGoldens.double(b["rows"]))
            #expect(close(a.precision, LearningGoldens.double(b["precision"]), 1e-9))
            #expect(close(a.recall, LearningGoldens.double(b["recall"]), 1e-9))
        }
        let deciles = golden["deciles"] as! [[String: Any]]
        for (a, b) in zip(m.deciles, deciles) {
            #expect(Double(a.rows) == LearningGoldens.double(b["rows"]))
            #expect(close(a.meanScore, LearningGoldens.double(b["meanScore"]), 1e-9))
            #expect(close(a.positiveRate, LearningGoldens.double(b["positiveRate"]), 1e-9))
            #expect(close(a.lift, LearningGoldens.double(b["lift"]), 1e-9))
            #expect(close(a.cumulativeLift, LearningGoldens.double(b["cumulativeLift"]), 1e-9))
        }
    }

    @Test func matchScikitLearnOverallAndBySegment() throws {
        let golden = try LearningGoldens.json("metrics.json")
        let data = try LearningGoldens.scores("metrics_scores.csv")
        Self.check(
            try BinaryMetrics(scores: data.scores, labels: data.labels), golden["unweighted"] as! [String: Any])
        let report = try MetricsReport(
            scores: data.scores, labels: data.labels, weights: data.weights,
            segmentations: [(name: "channel", keys: data.segments)])
        Self.check(report.overall, golden["weighted"] as! [String: Any])
        let segments = golden["segments"] as! [String: [String: Any]]
        #expect(report.breakdowns[0].segments.map(\.key) == segments.keys.sorted())
        for s in report.breakdowns[0].segments { Self.check(s.metrics, segments[s.key]!) }
    }

    /// The radix ranking against a comparison sort on (−score, row), with many ties and zeros.
    @Test(arguments: [UInt64(7), 8]) func radixRankingEqualsTheComparisonSort(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        for n in [1, 100, 257, 5_000] {
            let scores = (0..<n).map { _ -> Double in
                switch rng.next() % 4 {
                case 0: Double(rng.next() % 20) / 20
                case 1: rng.next() % 2 == 0 ? 0 : -0.0
                default: rng.unit()
                }
            }
            let reference = (0..<n).sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
            #expect(BinaryMetrics.ranking(scores) == reference)
        }
    }

    /// Coded segments (levels in any order, one level unused) give the report the keys give.
    @Test func codedSegmentsEqualKeyedOnes() throws {
        var rng = SplitMix(seed: 21)
        let n = 2_000
        let scores = (0..<n).map { _ in rng.unit() }
        let labels = scores.map { rng.unit() < $0 }
        let levels = ["web", "unused", "", "b2b", "store"]
        let codes = (0..<n).map { _ in [0, 2, 3, 4][Int(rng.next() % 4)] }.map(Int32.init)
        let keyed = try MetricsReport(
            scores: scores, labels: labels, segmentations: [(name: "channel", keys: codes.map { levels[Int($0)] })])
        let coded = try MetricsReport(
            scores: scores, labels: labels,
            coded: [MetricsReport.CodedSegmentation(name: "channel", levels: levels, codes: codes)])
        #expect(coded == keyed)
        #expect(coded.breakdowns[0].segments.map(\.key) == ["", "b2b", "store", "web"])
    }

    /// A segment's metrics from the shared ranking equal the segment scored on its own.
    @Test func segmentsEqualTheirOwnMetrics() throws {
        var rng = SplitMix(seed: 9)
        let n = 3_000
        let scores = (0..<n).map { _ in Double(rng.next() % 50) / 50 }
        let labels = scores.map { rng.unit() < $0 }
        let weights = (0..<n).map { _ in 0.5 + rng.unit() }
        let keys = (0..<n).map { _ in ["web", "b2b", "", "store"][Int(rng.next() % 4)] }
        let report = try MetricsReport(
            scores: scores, labels: labels, weights: weights, segmentations: [(name: "channel", keys: keys)])
        #expect(report.breakdowns[0].segments.map(\.key) == ["", "b2b", "store", "web"])
        for segment in report.breakdowns[0].segments {
            let rows = (0..<n).filter { keys[$0] == segment.key }
            let own = try BinaryMetrics(
                scores: rows.map { scores[$0] }, labels: rows.map { labels[$0] }, weights: rows.map { weights[$0] })
            #expect(segment.metrics == own)
        }
    }

    /// A segment whose rows all weigh zero is left out of its breakdown (it has no metrics), the
    /// others are as before; all rows weighing zero is still an error.
    @Test func weightlessSegmentsAreLeftOut() throws {
        let scores = [0.1, 0.9, 0.4, 0.7, 0.3, 0.8]
        let labels = [false, true, false, true, true, false]
        let keys = ["web", "web", "b2b", "b2b", "store", "store"]
        let weights = [1, 2, 0, 0, 1, 1.5]
        let report = try MetricsReport(
            scores: scores, labels: labels, weights: weights, segmentations: [(name: "channel", keys: keys)])
        #expect(report.breakdowns[0].segments.map(\.key) == ["store", "web"])
        let web = try BinaryMetrics(scores: [0.1, 0.9], labels: [false, true], weights: [1, 2])
        #expect(report.breakdowns[0].segments[1].metrics == web)
        #expect(report.overall == (try BinaryMetrics(scores: scores, labels: labels, weights: weights)))
        #expect(throws: LearningError.self) {
            try MetricsReport(
                scores: scores, labels: labels, weights: scores.map { _ in 0 },
                segmentations: [(name: "channel", keys: keys)])
        }
    }

    /// ROC-AUC as the probability that a positive outscores a negative (a tie counts half),
    /// by all pairs, weighted.
    @Test(arguments: [1, 2, 3, 4, 5]) func aucEqualsThePairwiseDefinition(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let n = 60
        let scores = (0..<n).map { _ in Double(rng.next() % 12) / 11 }
        let labels = (0..<n).map { _ in rng.next() % 3 == 0 }
        let weights = (0..<n).map { _ in Double(rng.next() % 5 + 1) / 2 }
        var wins = 0.0
        var pairs = 0.0
        for i in 0..<n where labels[i] {
            for j in 0..<n where !labels[j] {
                let w = weights[i] * weights[j]
                pairs += w
                wins += scores[i] > scores[j] ? w : scores[i] == scores[j] ? w / 2 : 0
            }
        }
        let m = try BinaryMetrics(scores: scores, labels: labels, weights: weights)
        #expect(close(m.rocAUC, wins / pairs, 1e-12))
    }

    @Test func oneClassAndBadScores() throws {
        let m = try BinaryMetrics(scores: [0.2, 0.4], labels: [false, false])
        #expect(m.rocAUC == nil && m.averagePrecision == nil && m.topFractions[0].recall == nil)
        #expect(throws: LearningError.self) { try BinaryMetrics(scores: [1.2], labels: [true]) }
        #expect(throws: LearningError.self) { try BinaryMetrics(scores: [.nan], labels: [true]) }
    }

    @Test func reportIsDeterministicJSON() throws {
        let data = try LearningGoldens.scores("metrics_scores.csv")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let a = try encoder.encode(
            MetricsReport(
                scores: data.scores, labels: data.labels, segmentations: [(name: "channel", keys: data.segments)]))
        let b = try encoder.encode(
            MetricsReport(
                scores: data.scores, labels: data.labels, segmentations: [(name: "channel", keys: data.segments)]))
        #expect(a == b)
        #expect(try JSONDecoder().decode(MetricsReport.self, from: a).breakdowns[0].segments.count == 4)
    }
}


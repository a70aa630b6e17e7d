import Learning
import _TestSupport

/// Small seeded data sets and helpers shared by the boosted-trees tests.
enum GBTFixtures {
    /// SplitMix64, so fixtures are the same on every run.
    typealias Random = SplitMix

    /// Rows with numeric x0...x(numeric-1) (x0 about 10 % NaN) and a 8-level categorical `cat`;
    /// P(y = 1) = sigmoid(1.5·x1 − x2 + effect(cat) + 1.2·[x0 is NaN]).
    static func binary(rows: Int, seed: UInt64, numeric: Int = 4) -> (FeatureMatrix, [Int]) {
        var rng = Random(seed: seed)
        var columns = [[Double]](repeating: [], count: numeric + 1)
        var labels: [Int] = []
        let effect: [Double] = [0, 1.2, -0.8, 0.4, -1.5, 0.9, 0, 2]
        for _ in 0..<rows {
            var x = (0..<numeric).map { _ in rng.normal() }
            let missing = rng.unit() < 0.1
            if missing { x[0] = .nan }
            let level = Int(rng.next() % 8)
            let z = 1.5 * x[1] - x[2] + effect[level] + (missing ? 1.2 : 0) - 0.3
            labels.append(rng.unit() < 1 / (1 + exp(-z)) ? 1 : 0)
            for j in 0..<numeric { columns[j].append(x[j]) }
            columns[numeric].append(Double(level))
        }
        var features = (0..<numeric).map { FeatureMatrix.Feature(name: "x\($0)", kind: .numeric) }
        features.append(.init(name: "cat", kind: .categorical, levels: (0..<8).map { "L\($0)" }))
        return (FeatureMatrix(features: features, columns: columns), labels)
    }

    /// ROC-AUC by ranks (ties get their mean rank): the Mann–Whitney U statistic.
    static func auc(_ scores: [Double], _ labels: [Int]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = mean }
            i = j + 1
        }
        let positives = labels.filter { $0 == 1 }.count
        let negatives = labels.count - positives
        let rankSum = zip(ranks, labels).filter { $0.1 == 1 }.map(\.0).reduce(0, +)
        return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

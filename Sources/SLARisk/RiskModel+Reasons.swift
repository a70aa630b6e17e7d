import Features
import Foundation
import Learning

extension RiskModel {
    /// One reason behind a risk: a feature, its value in words, and its contribution to the
    /// model's log-odds (positive raises the risk).
    public struct Reason: Sendable, Codable, Equatable {
        public var feature: String
        public var value: String
        public var contribution: Double
    }

    /// The `count` features that push each row's risk up the most, strongest first.
    ///
    /// For logistic regression the contributions are exact: coefficient × standardised value,
    /// summed over a feature's one-hot columns. For boosted trees they are Saabas' path
    /// attributions (each split's change in node value credited to its feature); exact SHAP
    /// values come with the explanations stage. Only positive contributions are reasons.
    ///
    /// - Complexity: O(rows × (features + trees × depth)).
    public func topReasons(_ matrix: FeatureMatrix, count: Int = 3) -> [[Reason]] {
        let p = matrix.columnCount
        var contributions = [Double](repeating: 0, count: matrix.rowCount * p)  // row-major
        switch algorithm {
        case .logistic:
            let model = logistic!
            let design = model.encoder.design(matrix)
            let width = model.encoder.width
            var owner: [Int] = []
            for (j, column) in model.encoder.columns.enumerated() {
                owner += Array(repeating: j, count: column.width)
            }
            for r in 0..<matrix.rowCount {
                for k in 0..<width {
                    contributions[r * p + owner[k]] += model.coefficients[k] * design[k * matrix.rowCount + r]
                }
            }
        case .gradientBoostedTrees:
            contributions = trees!.pathContributions(matrix)
        }
        return (0..<matrix.rowCount).map { r in
            let ranked = (0..<p).filter { contributions[r * p + $0] > 0 }
                .sorted { contributions[r * p + $0] != contributions[r * p + $1] ? contributions[r * p + $0] > contributions[r * p + $1] : $0 < $1 }
                .prefix(count)
            return ranked.map { j in
                Reason(feature: matrix.features[j].name, value: Self.describe(matrix, r, j), contribution: contributions[r * p + j])
            }
        }
    }

    /// A feature value in words: the level name, a number, or `missing`.
    static func describe(_ matrix: FeatureMatrix, _ row: Int, _ column: Int) -> String {
        let v = matrix[row, column]
        if v.isNaN { return "missing" }
        let feature = matrix.features[column]
        if feature.kind == .categorical, let i = Int(exactly: v), feature.levels.indices.contains(i) { return feature.levels[i] }
        if v == v.rounded() && abs(v) < 1e12 { return String(Int64(v)) }
        return String(format: "%.2f", v)
    }
}

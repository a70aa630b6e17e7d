import Features
import Foundation
import Learning
import _WaybillSupport

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
        // Each row's `count` largest positive contributions (ties by column), found in one pass
        // rather than by sorting all p; the rows in two halves on two threads.
        let n = matrix.rowCount
        let shared = contributions
        let halves = Concurrently.map(n < 10_000 ? 1 : 2) { h -> [[Reason]] in
            let rows = h == 0 ? 0..<(n < 10_000 ? n : n / 2) : (n / 2)..<n
            var top: [Int] = []
            top.reserveCapacity(count + 1)
            return rows.map { r in
                let c = r * p
                Self.largestPositive(shared[c..<(c + p)], count: count, into: &top)
                return top.map { j in
                    Reason(
                        feature: matrix.features[j].name, value: Self.describe(matrix, r, j),
                        contribution: shared[c + j])
                }
            }
        }
        return Array(halves.joined())
    }

    /// The offsets (from the slice's start) of its `count` largest positive values, largest
    /// first, ties by offset: what sorting the positive values that way and keeping `count`
    /// gives, in one pass.
    ///
    /// - Complexity: O(*n* × `count`).
    static func largestPositive(_ values: ArraySlice<Double>, count: Int, into top: inout [Int]) {
        top.removeAll(keepingCapacity: true)
        let base = values.startIndex
        for j in 0..<values.count where values[base + j] > 0 {
            // After every kept offset with a larger value, or an equal one (a smaller offset).
            var at = top.count
            while at > 0 && values[base + top[at - 1]] < values[base + j] { at -= 1 }
            if at < count {
                top.insert(j, at: at)
                if top.count > count { top.removeLast() }
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
        return FixedDecimal.string(v, digits: 2)  // equals String(format: "%.2f", v)
    }
}

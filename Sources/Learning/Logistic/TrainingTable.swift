/// Labelled training rows: a feature matrix with a 0/1 label and a sample weight per row.
///
/// Sample weights let every case count once even when it contributes several prefixes (each of a
/// case's k rows weighs 1/k). The CSV form, read by `TrainingTable(csvPath:)`, is what the goldens
/// and the logistic benchmark use.
public struct TrainingTable: Sendable, Equatable {
    /// The features, one column each.
    public var matrix: FeatureMatrix
    /// The label of every row: `true` is the positive class (an order missing its SLA).
    public var labels: [Bool]
    /// The weight of every row (finite, ≥ 0; all 1 when the data carry none).
    public var weights: [Double]

    /// A table from its parts; `labels` and `weights` have one entry per row.
    public init(matrix: FeatureMatrix, labels: [Bool], weights: [Double]? = nil) {
        precondition(labels.count == matrix.rowCount, "one label per row")
        precondition(weights.map { $0.count == matrix.rowCount } ?? true, "one weight per row")
        self.matrix = matrix
        self.labels = labels
        self.weights = weights ?? Array(repeating: 1, count: matrix.rowCount)
    }

    /// Checks the invariants: one label and one weight per row, weights finite and ≥ 0.
    ///
    /// - Complexity: O(rows × columns).
    public func checkInvariants() {
        matrix.checkInvariants()
        precondition(labels.count == matrix.rowCount && weights.count == matrix.rowCount)
        precondition(weights.allSatisfy { $0.isFinite && $0 >= 0 }, "weights must be finite and ≥ 0")
    }
}

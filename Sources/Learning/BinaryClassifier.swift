/// A fitted model that gives each row of a feature matrix the probability of the positive class
/// (an order missing its SLA). Logistic regression and boosted trees conform, so calibration,
/// metrics, backtesting and scoring work on either.
public protocol BinaryClassifier: Sendable {
    /// The features the model was trained on, in order; a matrix to score must have the same.
    var features: [FeatureMatrix.Feature] { get }

    /// The probability of the positive class for every row.
    ///
    /// - Precondition: `matrix.features` equals `features`.
    func predictProbability(_ matrix: FeatureMatrix) -> [Double]
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An L2-regularised logistic regression over encoded features: the model, its encoder and how it
/// was fitted.
///
/// The probability of the positive class is `1 / (1 + exp(−(intercept + coefficients · z)))`, with
/// `z` the row's design vector from `encoder` (standardised numeric values, missing indicators,
/// one-hot levels). Fitted by `fit(_:options:)` to the same optimum as scikit-learn's
/// `LogisticRegression(C:, solver: "newton-cholesky")`. Codable: encode it with sorted keys for a
/// byte-stable JSON file; the encoder travels with it, so a saved model scores new data.
public struct LogisticRegression: BinaryClassifier, Codable, Equatable {
    /// The features the model was trained on.
    public let features: [FeatureMatrix.Feature]
    /// How rows become design vectors.
    public let encoder: LogisticEncoder
    /// One coefficient per design column, on the standardised scale (see `coefficientNames`).
    public let coefficients: [Double]
    /// The intercept (not penalised).
    public let intercept: Double
    /// The inverse regularisation strength the model was fitted with (scikit-learn's `C`).
    public let inverseRegularization: Double
    /// The Newton iterations the fit took.
    public let iterations: Int
    /// The largest absolute gradient component of the mean objective when the fit stopped.
    public let gradientNorm: Double

    /// A model from its parts (a fit, or a decoded file).
    ///
    /// - Precondition: `coefficients.count == encoder.width`.
    public init(
        features: [FeatureMatrix.Feature], encoder: LogisticEncoder, coefficients: [Double], intercept: Double,
        inverseRegularization: Double, iterations: Int, gradientNorm: Double
    ) {
        precondition(coefficients.count == encoder.width, "one coefficient per design column")
        self.features = features
        self.encoder = encoder
        self.coefficients = coefficients
        self.intercept = intercept
        self.inverseRegularization = inverseRegularization
        self.iterations = iterations
        self.gradientNorm = gradientNorm
    }

    /// The design columns' names, in `coefficients` order (`carrier=DHL`, `hours_to_promise`).
    public var coefficientNames: [String] { encoder.columnNames }

    /// Each coefficient with its name, in design order.
    public var namedCoefficients: [(name: String, value: Double)] {
        Array(zip(coefficientNames, coefficients)).map { (name: $0.0, value: $0.1) }
    }

    /// The linear predictor (log-odds) of every row.
    ///
    /// - Precondition: `matrix.features` equals `features`.
    /// - Complexity: O(rows × features).
    public func logOdds(_ matrix: FeatureMatrix) -> [Double] {
        precondition(matrix.features == features, "the matrix's features must be the model's")
        var eta = [Double](repeating: intercept, count: matrix.rowCount)
        encoder.accumulateLinearPredictor(matrix, coefficients: coefficients, into: &eta)
        return eta
    }

    /// The probability of the positive class for every row.
    ///
    /// - Precondition: `matrix.features` equals `features`.
    /// - Complexity: O(rows × features).
    public func predictProbability(_ matrix: FeatureMatrix) -> [Double] {
        logOdds(matrix).map(Self.sigmoid)
    }

    /// `1 / (1 + exp(−x))` without overflow.
    @inline(__always)
    static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// Checks the invariants: one coefficient per design column, the encoder's features are the
    /// model's, every parameter finite.
    ///
    /// - Complexity: O(design columns).
    public func checkInvariants() {
        precondition(coefficients.count == encoder.width)
        precondition(encoder.columns.map(\.name) == features.map(\.name))
        precondition(coefficients.allSatisfy(\.isFinite) && intercept.isFinite)
        precondition(inverseRegularization > 0)
    }
}

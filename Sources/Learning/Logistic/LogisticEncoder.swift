/// How a logistic model turns a feature matrix into its design matrix: standardised numeric
/// columns with mean imputation and missing-value indicators, and one-hot categorical columns.
///
/// The encoder is fitted on the training rows and saved inside the model, so a saved model scores
/// new data exactly as it was trained:
/// - a numeric feature becomes `(x − mean) / scale`, with the weighted mean and the weighted
///   population standard deviation (ddof 0, the sample weights as weights) of its present training
///   values. A constant feature (every present value equal) gets that value as its mean and a
///   scale of 1, as scikit-learn's `StandardScaler` does (tested exactly, since a weighted mean of
///   equal values can miss them by an ulp and leave a scale of 1e-15). A missing value is imputed with the training mean, so it encodes as 0. When any
///   training value was missing, a `<name>_missing` column follows, 1 where the value is missing
///   and 0 otherwise (not scaled); a feature complete in training gets no indicator, and a missing
///   value at scoring time is then just imputed.
/// - a categorical feature becomes one 0/1 column per level, named `<name>=<level>`, no level
///   dropped (the L2 penalty makes the coefficients identifiable). A missing or unseen level
///   encodes as all zeros: the prediction falls back on the intercept and the other features.
///
/// The intercept is not a column here; the model keeps it apart and does not penalise it.
public struct LogisticEncoder: Sendable, Codable, Equatable {
    /// One input feature's encoding.
    public struct Column: Sendable, Codable, Equatable {
        /// The feature's name.
        public var name: String
        /// Numeric or categorical.
        public var kind: FeatureMatrix.Kind
        /// The training mean (numeric features; 0 for categorical ones).
        public var mean: Double
        /// The training standard deviation, 1 when it was 0 (numeric features; 1 for categorical).
        public var scale: Double
        /// Whether a `<name>_missing` column follows the numeric column.
        public var missingIndicator: Bool
        /// The level names (categorical features), one design column each.
        public var levels: [String]

        /// The number of design columns this feature becomes.
        public var width: Int {
            switch kind {
            case .numeric: missingIndicator ? 2 : 1
            case .categorical: levels.count
            }
        }
    }

    /// The input features' encodings, in the feature matrix's order.
    public private(set) var columns: [Column]

    /// Fits the encoder on training rows.
    ///
    /// - Throws: `LearningError.invalidData` when a numeric value is infinite, or a numeric feature
    ///   has no present value with positive weight.
    /// - Complexity: O(rows × features).
    public init(fitting matrix: FeatureMatrix, weights: [Double]) throws {
        precondition(weights.count == matrix.rowCount, "one weight per row")
        var columns: [Column] = []
        for (j, feature) in matrix.features.enumerated() {
            switch feature.kind {
            case .categorical:
                columns.append(
                    Column(
                        name: feature.name, kind: .categorical, mean: 0, scale: 1, missingIndicator: false,
                        levels: feature.levels))
            case .numeric:
                let values = matrix.column(j)
                var weightSum = 0.0, sum = 0.0, anyMissing = false
                var first: Double? = nil, constant = true
                for (v, w) in zip(values, weights) {
                    if v.isNaN { anyMissing = true; continue }
                    if let f = first { constant = constant && v == f } else { first = v }
                    guard v.isFinite else {
                        throw LearningError(.invalidData, "an infinite value in a numeric feature", location: feature.name)
                    }
                    weightSum += w
                    sum += w * v
                }
                guard weightSum > 0 else {
                    throw LearningError(
                        .invalidData, "no present value with a positive weight in training", location: feature.name)
                }
                if constant, let value = first {
                    columns.append(
                        Column(
                            name: feature.name, kind: .numeric, mean: value, scale: 1, missingIndicator: anyMissing,
                            levels: []))
                    continue
                }
                let mean = sum / weightSum
                var squares = 0.0
                for (v, w) in zip(values, weights) where !v.isNaN { squares += w * (v - mean) * (v - mean) }
                let sd = (squares / weightSum).squareRoot()
                columns.append(
                    Column(
                        name: feature.name, kind: .numeric, mean: mean, scale: sd,
                        missingIndicator: anyMissing, levels: []))
            }
        }
        self.columns = columns
    }

    /// The number of design columns (without the intercept).
    public var width: Int { columns.reduce(0) { $0 + $1.width } }

    /// The design columns' names, human-readable: `hours_to_promise`, `hours_to_promise_missing`,
    /// `carrier=DHL`.
    ///
    /// - Complexity: O(design columns).
    public var columnNames: [String] {
        columns.flatMap { c -> [String] in
            switch c.kind {
            case .numeric: c.missingIndicator ? [c.name, c.name + "_missing"] : [c.name]
            case .categorical: c.levels.map { "\(c.name)=\($0)" }
            }
        }
    }

    /// Throws unless `matrix` has the features this encoder was fitted on (names, kinds, levels).
    ///
    /// - Complexity: O(features + levels).
    public func checkSchema(_ matrix: FeatureMatrix) throws {
        guard matrix.features.count == columns.count else {
            throw LearningError(
                .invalidModel, "the model has \(columns.count) features, the data \(matrix.features.count)")
        }
        for (c, f) in zip(columns, matrix.features) {
            guard c.name == f.name, c.kind == f.kind, c.kind == .numeric || c.levels == f.levels else {
                throw LearningError(.invalidModel, "the data's feature differs from the model's", location: f.name)
            }
        }
    }

    /// The design matrix of `matrix`, column-major, with a last column of ones for the intercept:
    /// `rows × (width + 1)` values, column `k` at `k * rows`.
    ///
    /// - Precondition: `matrix` matches the encoder's schema.
    /// - Complexity: O(rows × design columns).
    public func design(_ matrix: FeatureMatrix) -> [Double] {
        let n = matrix.rowCount
        let p = width
        return [Double](unsafeUninitializedCapacity: n * (p + 1)) { buffer, count in
            var k = 0
            for (j, c) in columns.enumerated() {
                let base = j * n
                matrix.values.withUnsafeBufferPointer { v in
                    switch c.kind {
                    case .numeric:
                        let inverse = 1 / c.scale
                        for i in 0..<n {
                            let x = v[base + i]
                            buffer[k * n + i] = x.isNaN ? 0 : (x - c.mean) * inverse
                        }
                        if c.missingIndicator {
                            for i in 0..<n { buffer[(k + 1) * n + i] = v[base + i].isNaN ? 1 : 0 }
                        }
                    case .categorical:
                        for l in 0..<c.levels.count {
                            for i in 0..<n { buffer[(k + l) * n + i] = 0 }
                        }
                        for i in 0..<n {
                            let x = v[base + i]
                            if !x.isNaN { buffer[(k + Int(x)) * n + i] = 1 }
                        }
                    }
                }
                k += c.width
            }
            for i in 0..<n { buffer[p * n + i] = 1 }
            count = n * (p + 1)
        }
    }

    /// Adds each row's `coefficients · design row` to `eta` without building the design matrix.
    ///
    /// - Precondition: `coefficients.count == width`, `eta.count == matrix.rowCount`.
    /// - Complexity: O(rows × features).
    func accumulateLinearPredictor(_ matrix: FeatureMatrix, coefficients: [Double], into eta: inout [Double]) {
        let n = matrix.rowCount
        var k = 0
        for (j, c) in columns.enumerated() {
            let column = matrix.column(j)
            switch c.kind {
            case .numeric:
                let beta = coefficients[k] / c.scale
                let missing = c.missingIndicator ? coefficients[k + 1] : 0
                for (i, x) in zip(0..<n, column) { eta[i] += x.isNaN ? missing : (x - c.mean) * beta }
            case .categorical:
                for (i, x) in zip(0..<n, column) where !x.isNaN { eta[i] += coefficients[k + Int(x)] }
            }
            k += c.width
        }
    }
}

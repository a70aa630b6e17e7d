import Features
import Learning
import Mining
import _WaybillSupport

/// A trained SLA-miss risk model as saved in `model.json`: what it predicts (the SLA rule), from
/// what (the feature schema and prefix mode), the fitted learner, its calibration, and the data it
/// was trained on.
///
/// Everything needed to score another workspace is here; the file is written with sorted keys
/// and no wall-clock time, so the same data, options and seed give byte-identical bytes.
public struct RiskModel: Sendable, Codable {
    /// The learners.
    public enum Algorithm: String, Sendable, Codable, CaseIterable {
        case logistic
        case gradientBoostedTrees = "gbt"
    }

    /// Where the training data came from and how it was split.
    public struct TrainingSummary: Sendable, Codable, Equatable {
        /// SHA-256 over the training, validation and test matrices, labels and weights.
        public var dataFingerprint: String
        /// The labelling instant (the latest event used), RFC 3339.
        public var labelledAsOf: String
        /// First-event windows of the three splits, RFC 3339 (`from` inclusive).
        public var trainingFrom: String
        public var validationFrom: String
        public var testFrom: String
        public var lastCaseStart: String
        /// Cases and prefix rows per split, and missed cases per split.
        public var cases: [Int]
        public var rows: [Int]
        public var missedCases: [Int]
        /// The seed of every random draw.
        public var seed: UInt64

        enum CodingKeys: String, CodingKey {
            case dataFingerprint = "data_fingerprint"
            case labelledAsOf = "labelled_as_of"
            case trainingFrom = "training_from"
            case validationFrom = "validation_from"
            case testFrom = "test_from"
            case lastCaseStart = "last_case_start"
            case cases, rows, seed
            case missedCases = "missed_cases"
        }
    }

    /// The format tag; loading refuses any other.
    public static let currentFormat = "waybill-sla-risk-model/1"

    public var format: String
    public var modelID: String
    public var algorithm: Algorithm
    public var caseType: String
    public var slaRule: SLARule
    public var prefixMode: PrefixRows.Mode
    public var schema: FeatureSchema
    public var logistic: LogisticRegression?
    public var trees: GradientBoostedTrees?
    public var calibrator: ProbabilityCalibrator
    public var training: TrainingSummary

    enum CodingKeys: String, CodingKey {
        case format, algorithm, logistic, trees, calibrator, training, schema
        case modelID = "model_id"
        case caseType = "case_type"
        case slaRule = "sla_rule"
        case prefixMode = "prefix_mode"
    }

    /// The fitted learner.
    public var classifier: any BinaryClassifier {
        switch algorithm {
        case .logistic: logistic!
        case .gradientBoostedTrees: trees!
        }
    }

    /// The case attributes scoring and backtesting read: the features', the process context's
    /// and the SLA rule's (its channel, and its promise when that is an attribute). Loading only
    /// these (`EventStore.loadCaseView(objectType:attributes:)`) gives the same scores.
    public var caseAttributesUsed: Set<String> {
        var names = Set(schema.caseAttributes.map(\.attribute))
        names.formUnion([
            schema.context.nodeAttribute, schema.context.carrierAttribute, schema.context.channelAttribute,
            slaRule.channelAttribute,
        ])
        if case .attribute(let promise) = slaRule.promise { names.insert(promise) }
        return names
    }

    /// Calibrated probabilities of missing the SLA, one per row.
    ///
    /// - Complexity: that of the learner's prediction, plus O(rows log bins) for calibration.
    public func risk(_ matrix: FeatureMatrix) -> [Double] {
        calibrator.calibrate(classifier.predictProbability(matrix))
    }

    /// Checks that the model is whole: the learner matches the algorithm and the schema's features.
    ///
    /// - Throws: `LearningError.invalidModel`.
    public func validate() throws {
        guard format == Self.currentFormat else {
            throw LearningError(
                .invalidModel, "model.json is format '\(format)', this Waybill reads '\(Self.currentFormat)'; retrain it")
        }
        let features: [FeatureMatrix.Feature]? =
            switch algorithm {
            case .logistic: logistic?.features
            case .gradientBoostedTrees: trees?.features
            }
        guard let features else {
            throw LearningError(.invalidModel, "model.json says \(algorithm.rawValue) but holds no such learner")
        }
        guard features == schema.features else {
            throw LearningError(.invalidModel, "the learner's features do not match the feature schema in model.json")
        }
    }
}

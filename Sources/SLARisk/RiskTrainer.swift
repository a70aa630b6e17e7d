import Features
import Foundation
import Learning
import Mining
import Storage
import _WaybillSupport

/// Trains an SLA-miss risk model on a dataset: fits the learner on the training window (early
/// stopping on the validation window for trees), calibrates on the validation window, and
/// evaluates on the validation and test windows.
public struct RiskTrainer: Sendable {
    /// Learner settings.
    public struct Options: Sendable {
        public var algorithm: RiskModel.Algorithm = .gradientBoostedTrees
        /// Logistic regression: the inverse L2 strength (scikit-learn's `C`).
        public var inverseRegularization = 1.0
        /// Boosted trees: hyperparameters (the seed is set from `seed`).
        public var trees: GradientBoostingParameters = {
            var p = GradientBoostingParameters()
            p.rounds = 300
            p.learningRate = 0.05
            p.maxLeaves = 31
            p.minDataInLeaf = 20
            p.lambdaL2 = 1
            p.featureFraction = 0.9
            p.baggingFraction = 0.8
            p.baggingFrequency = 1
            p.earlyStoppingRounds = 30
            return p
        }()
        /// The seed of every random draw.
        public var seed: UInt64 = 42
        /// The model id (default: derived from the model's content).
        public var modelID: String?
        public init() {}
    }

    /// What training produced.
    public struct Result: Sendable {
        public var model: RiskModel
        public var metrics: RiskMetrics
    }

    /// Trains, calibrates and evaluates.
    ///
    /// - Throws: `LearningError` from the learners (bad data, a numerical failure).
    /// - Complexity: that of the learner on the training rows, plus scoring the other windows.
    public static func train(_ data: SLADataset, options: Options = Options()) throws -> Result {
        let train = data.training, validation = data.validation, test = data.test
        var logistic: LogisticRegression?
        var trees: GradientBoostedTrees?
        switch options.algorithm {
        case .logistic:
            var fit = LogisticRegression.FitOptions()
            fit.inverseRegularization = options.inverseRegularization
            logistic = try LogisticRegression.fit(
                TrainingTable(matrix: train.matrix, labels: train.rows.label.map { $0 == 1 }, weights: train.rows.weight),
                options: fit)
        case .gradientBoostedTrees:
            var parameters = options.trees
            parameters.seed = options.seed
            trees = try GradientBoostedTrees.train(
                train.matrix, labels: train.labels, weights: train.rows.weight, parameters: parameters,
                validation: .init(matrix: validation.matrix, labels: validation.labels, weights: validation.rows.weight))
        }
        let classifier: any BinaryClassifier = logistic ?? trees!
        let validationRaw = classifier.predictProbability(validation.matrix)
        let calibrator = try ProbabilityCalibrator(
            fitting: validationRaw, labels: validation.rows.label.map { $0 == 1 }, weights: validation.rows.weight)

        let rfc = { (t: Microseconds?) in t.map { Timestamp.format($0) } ?? "" }
        let splits = [data.split.training, data.split.validation, data.split.test]
        var summary = RiskModel.TrainingSummary(
            dataFingerprint: fingerprint(data), labelledAsOf: rfc(data.outcomes.asOf), trainingFrom: rfc(data.split.firstStart),
            validationFrom: rfc(data.split.validationStart), testFrom: rfc(data.split.testStart),
            lastCaseStart: rfc(data.split.lastStart), cases: splits.map(\.count),
            rows: [train.rows.count, validation.rows.count, test.rows.count],
            missedCases: splits.map { cases in cases.filter { data.outcomes.status[$0].isMissed }.count }, seed: options.seed)
        summary.seed = options.seed
        var model = RiskModel(
            format: RiskModel.currentFormat, modelID: "", algorithm: options.algorithm, caseType: data.log.caseType,
            slaRule: data.rule, prefixMode: data.mode, schema: data.encoder.schema, logistic: logistic, trees: trees,
            calibrator: calibrator, training: summary)
        model.modelID = try options.modelID ?? defaultID(model)
        let metrics = try RiskMetrics(model: model, data: data, validationRaw: validationRaw)
        return Result(model: model, metrics: metrics)
    }

    /// `sla-<algorithm>-<12 hex digits of the SHA-256 of the model's content>`.
    static func defaultID(_ model: RiskModel) throws -> String {
        "sla-\(model.algorithm.rawValue)-" + String(FileDigest.sha256(bytes: try RiskArtifacts.json(model)).prefix(12))
    }

    /// SHA-256 over every window's matrix values, labels and weights.
    ///
    /// - Complexity: O(rows × features).
    static func fingerprint(_ data: SLADataset) -> String {
        var bytes: [UInt8] = []
        for part in [data.training, data.validation, data.test] {
            for name in part.matrix.features.map(\.name) { bytes += Array(name.utf8) + [0] }
            part.matrix.values.withUnsafeBytes { bytes += $0 }
            part.rows.label.withUnsafeBytes { bytes += $0 }
            part.rows.weight.withUnsafeBytes { bytes += $0 }
        }
        return FileDigest.sha256(bytes: bytes)
    }
}

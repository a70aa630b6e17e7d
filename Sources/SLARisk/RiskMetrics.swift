import Features
import Learning
import Mining
import Storage

/// A trained model's figures, written as `metrics.json`: metrics of the calibrated risk on the
/// validation and test windows (overall and by channel and node), the test ROC-AUC before
/// calibration, reliability tables, and feature importance.
public struct RiskMetrics: Sendable, Codable {
    /// One feature's weight in the model: total split gain for trees, |coefficient| summed over
    /// a feature's columns for logistic regression.
    public struct Importance: Sendable, Codable, Equatable {
        public var feature: String
        public var importance: Double
    }

    public var modelID: String
    public var validation: MetricsReport
    public var test: MetricsReport
    /// Test ROC-AUC of the uncalibrated scores (calibration is monotone, so it should not move).
    public var testRocAUCUncalibrated: Double?
    public var calibration: String
    public var reliabilityValidation: ReliabilityTable
    public var reliabilityTest: ReliabilityTable
    public var featureImportance: [Importance]

    enum CodingKeys: String, CodingKey {
        case validation, test, calibration
        case modelID = "model_id"
        case testRocAUCUncalibrated = "test_roc_auc_uncalibrated"
        case reliabilityValidation = "reliability_validation"
        case reliabilityTest = "reliability_test"
        case featureImportance = "feature_importance"
    }

    /// The segments of rows by a case attribute: its text, the empty key when missing; coded
    /// from the log's `TextCodes`, so no string is hashed per row.
    ///
    /// - Complexity: O(rows), plus `textCodes`.
    static func segmentation(_ attribute: String, _ rows: PrefixRows, _ log: ColumnarLog)
        -> MetricsReport.CodedSegmentation
    {
        let coded = log.textCodes(attribute)
        var levels = coded?.levels ?? []
        var missing = levels.firstIndex(of: "").map(Int32.init)
        var codes = [Int32](repeating: 0, count: rows.count)
        for (r, c) in rows.caseIndex.enumerated() {
            if let k = coded?.codes[Int(c)], k >= 0 {
                codes[r] = k
            } else {
                if missing == nil {
                    missing = Int32(levels.count)
                    levels.append("")
                }
                codes[r] = missing!
            }
        }
        return MetricsReport.CodedSegmentation(name: attribute, levels: levels, codes: codes)
    }

    /// Evaluates `model` on the dataset's validation and test windows.
    ///
    /// - Throws: `LearningError` for degenerate windows.
    /// - Complexity: O(rows log rows) per window and breakdown.
    public init(model: RiskModel, data: SLADataset, validationRaw: [Double]) throws {
        modelID = model.modelID
        let rule = data.rule
        func report(_ part: SLADataset.Part, _ scores: [Double]) throws -> MetricsReport {
            try MetricsReport(
                scores: scores, labels: part.rows.label.map { $0 == 1 }, weights: part.rows.weight,
                coded: [
                    Self.segmentation(rule.channelAttribute, part.rows, data.log),
                    Self.segmentation(model.schema.context.nodeAttribute, part.rows, data.log),
                ])
        }
        let validationRisk = model.calibrator.calibrate(validationRaw)
        let testRaw = model.classifier.predictProbability(data.test.matrix)
        let testRisk = model.calibrator.calibrate(testRaw)
        validation = try report(data.validation, validationRisk)
        test = try report(data.test, testRisk)
        testRocAUCUncalibrated = try BinaryMetrics(
            scores: testRaw, labels: data.test.rows.label.map { $0 == 1 }, weights: data.test.rows.weight
        ).rocAUC
        calibration = model.calibrator.method.rawValue
        reliabilityValidation = try ReliabilityTable(
            scores: validationRisk, labels: data.validation.rows.label.map { $0 == 1 }, weights: data.validation.rows.weight)
        reliabilityTest = try ReliabilityTable(
            scores: testRisk, labels: data.test.rows.label.map { $0 == 1 }, weights: data.test.rows.weight)
        switch model.algorithm {
        case .gradientBoostedTrees:
            featureImportance = model.trees!.featureImportance().map { Importance(feature: $0.feature, importance: $0.gain) }
        case .logistic:
            let lr = model.logistic!
            var total = [Double](repeating: 0, count: lr.features.count)
            var k = 0
            for (j, column) in lr.encoder.columns.enumerated() {
                for _ in 0..<column.width {
                    total[j] += abs(lr.coefficients[k])
                    k += 1
                }
            }
            featureImportance = zip(lr.features, total).map { Importance(feature: $0.name, importance: $1) }
                .sorted { $0.importance != $1.importance ? $0.importance > $1.importance : $0.feature < $1.feature }
        }
    }
}

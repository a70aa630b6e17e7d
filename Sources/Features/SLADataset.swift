import Learning
import Mining
import Storage
import _WaybillSupport

/// Everything a risk model learns and is judged on: the log's SLA outcomes, the temporal split,
/// the fitted feature schema and the feature matrices of the three windows.
public struct SLADataset: Sendable {
    /// One window's prefix rows and their features.
    public struct Part: Sendable {
        public var rows: PrefixRows
        public var matrix: FeatureMatrix
        /// Labels as 0/1 integers (every row of a part is labelled).
        public var labels: [Int] { rows.label.map(Int.init) }
    }

    public var log: ColumnarLog
    public var rule: SLARule
    public var outcomes: SLAOutcomes
    public var split: TemporalSplit
    public var mode: PrefixRows.Mode
    public var encoder: PrefixEncoder
    public var context: ProcessContext
    public var training: Part
    public var validation: Part
    public var test: Part

    /// Labels the log with `rule` as of `asOf` (default: its latest event), splits the decided
    /// cases by time, fits the feature schema on the training cases and encodes the three windows.
    ///
    /// - Throws: `MiningError` for a rule the log does not fit; `FeatureError.noTrainingData` when
    ///   a window has no rows or the training rows have one outcome only.
    /// - Complexity: O(*events* + *rows* × *features*).
    public init(
        log: ColumnarLog, rule: SLARule, mode: PrefixRows.Mode = .everyEvent, asOf: Microseconds? = nil,
        options: PrefixEncoder.Options = PrefixEncoder.Options(), trainingShare: Double = 0.7,
        validationShare: Double = 0.15
    ) throws {
        self.log = log
        self.rule = rule
        self.mode = mode
        outcomes = try SLAOutcomes(log: log, rule: rule, asOf: asOf)
        split = try TemporalSplit(
            log: log, outcomes: outcomes, trainingShare: trainingShare, validationShare: validationShare)
        let trainRows = PrefixRows.training(log: log, outcomes: outcomes, mode: mode, cases: split.training)
        let validationRows = PrefixRows.training(log: log, outcomes: outcomes, mode: mode, cases: split.validation)
        let testRows = PrefixRows.training(log: log, outcomes: outcomes, mode: mode, cases: split.test)
        for (name, rows) in [("training", trainRows), ("validation", validationRows), ("test", testRows)]
        where rows.count == 0 {
            throw FeatureError(.noTrainingData, "the \(name) window has no prefix rows")
        }
        let positives = trainRows.label.reduce(0) { $0 + Int($1) }
        guard positives > 0, positives < trainRows.count else {
            throw FeatureError(
                .noTrainingData,
                "every training row has the same outcome (\(positives == 0 ? "met" : "missed")); a model needs both")
        }
        var options = options
        if case .attribute(let name) = rule.promise { options.excludedAttributes.insert(name) }
        options.context.channelAttribute = rule.channelAttribute
        encoder = PrefixEncoder.fit(log: log, rows: trainRows, options: options)
        context = ProcessContext(log: log, outcomes: outcomes, cancellationActivities: rule.cancellationActivities, options: options.context)
        let encode = { [encoder, outcomes, context] (rows: PrefixRows) in
            Part(rows: rows, matrix: encoder.encode(log: log, rows: rows, outcomes: outcomes, context: context))
        }
        training = encode(trainRows)
        validation = encode(validationRows)
        test = encode(testRows)
    }
}

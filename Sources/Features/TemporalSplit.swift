import Mining
import Storage
import _WaybillSupport

/// Which decided cases train a model, which validate it and which test it: split by time, never
/// at random, so a model is always judged on cases later than those it learned from.
///
/// Decided cases are ordered by their first event (ties by case id); the earliest
/// `trainingShare` train, the next `validationShare` validate (early stopping, calibration),
/// the rest test. The boundaries are instants, reported so the model card can name the windows.
public struct TemporalSplit: Sendable, Equatable {
    public var training: [Int]
    public var validation: [Int]
    public var test: [Int]
    /// First event of the first validation case and of the first test case (nil when empty).
    public var validationStart: Microseconds?
    public var testStart: Microseconds?
    /// First event of the first training case and last first event of any split case.
    public var firstStart: Microseconds?
    public var lastStart: Microseconds?

    /// Splits the decided cases of `log`.
    ///
    /// - Throws: `FeatureError.noTrainingData` when there are fewer than 10 decided cases, or
    ///   `.invalidOption` for shares outside (0, 1) or summing to 1 or more.
    /// - Complexity: O(*cases* log *cases*).
    public init(log: ColumnarLog, outcomes: SLAOutcomes, trainingShare: Double = 0.7, validationShare: Double = 0.15)
        throws
    {
        guard trainingShare > 0, validationShare > 0, trainingShare + validationShare < 1 else {
            throw FeatureError(
                .invalidOption, "the training and validation shares must be positive and leave room for a test window",
                location: "split")
        }
        let decided = (0..<log.caseCount).filter { outcomes.status[$0].isDecided && !log.events(ofCase: $0).isEmpty }
        guard decided.count >= 10 else {
            throw FeatureError(
                .noTrainingData,
                "only \(decided.count) cases have an SLA outcome (met or missed); at least 10 are needed to train and test")
        }
        let start = { (c: Int) in log.timestamps[log.caseOffsets[c]] }
        let ordered = decided.sorted { a, b in
            start(a) != start(b) ? start(a) < start(b) : log.caseIDs[a].utf8.lexicographicallyPrecedes(log.caseIDs[b].utf8)
        }
        let n = ordered.count
        let trainEnd = Int((Double(n) * trainingShare).rounded())
        let validationEnd = Int((Double(n) * (trainingShare + validationShare)).rounded())
        training = Array(ordered[..<trainEnd])
        validation = Array(ordered[trainEnd..<validationEnd])
        test = Array(ordered[validationEnd...])
        validationStart = validation.first.map(start)
        testStart = test.first.map(start)
        firstStart = ordered.first.map(start)
        lastStart = ordered.last.map(start)
    }
}

import Features
import Foundation
import Learning
import Mining
import Storage
import _WaybillSupport

/// A model scored on labelled historical orders of any workspace, each as it stood at a defined
/// prediction point, with the metrics governance compares models and tools on.
public struct Backtest: Sendable {
    /// One scored order.
    public struct Row: Sendable, Equatable {
        public var caseID: String
        public var prefixTime: Microseconds
        public var risk: Double
        public var label: Bool
    }

    /// Where each order is scored.
    public enum PredictionPoint: Sendable, Equatable {
        /// Just after the order's first `activity`, or `fallbackHours` after its first event when
        /// it never reached it (nil: such orders are left out).
        case activity(String, fallbackHours: Double?)
        /// `hours` after the order's first event.
        case hoursAfterCreation(Double)
    }

    /// Seconds of wall time per stage, for `--json` and the benchmarks (not written to files).
    public struct Timings: Sendable, Codable, Equatable {
        /// SLA outcomes, then the cases' prediction points beside the process context (node work
        /// in progress, carrier and channel rates).
        public var rows = 0.0
        /// The feature matrix.
        public var features = 0.0
        /// The model and its calibration.
        public var prediction = 0.0
        /// The metrics, overall and by channel and node (beside the rows of backtest.csv).
        public var metrics = 0.0
    }

    public var modelID: String
    public var rows: [Row] {
        didSet { renderedCSV = nil }
    }
    /// `csvBytes()`, made beside the metrics in `init` (forgotten when `rows` change).
    private var renderedCSV: [UInt8]?
    public var metrics: MetricsReport
    public var timings: Timings

    /// Scores the decided orders whose first event falls in [`from`, `to`), labelled with the
    /// model's SLA rule as of `asOf` (default: the log's latest event).
    ///
    /// - Throws: `MiningError` for a rule or activity the log lacks; `LearningError.invalidData`
    ///   when no order can be scored.
    /// - Complexity: O(*events* + orders × (features + model cost) + orders log orders).
    public init(
        model: RiskModel, log: ColumnarLog, point: PredictionPoint, from: Microseconds? = nil, to: Microseconds? = nil,
        asOf: Microseconds? = nil
    ) throws {
        var timings = Timings()
        let clock = ContinuousClock()
        var lap = clock.now
        func stage(_ slot: WritableKeyPath<Timings, Double>) {
            let now = clock.now
            let d = now - lap
            timings[keyPath: slot] = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            lap = now
        }
        try PrefixEncoder(schema: model.schema).checkFits(log)
        let outcomes = try SLAOutcomes(log: log, rule: model.slaRule, asOf: asOf)
        if case .activity(let name, _) = point, !log.activityNames.contains(name) {
            throw MiningError(
                .unknownActivity,
                "the log has no activity '\(name)'; it has: \(log.activityNames.sorted().joined(separator: ", "))",
                location: "--prefix-at")
        }
        // The prediction points and the process context need only the outcomes: two threads.
        let (prefixRows, context) = Concurrently.both(
            {
                let cases = (0..<log.caseCount).filter { c in
                    let range = log.events(ofCase: c)
                    guard !range.isEmpty else { return false }
                    let start = log.timestamps[range.lowerBound]
                    return start >= (from ?? .min) && start < (to ?? .max)
                }
                switch point {
                case .activity(let name, let fallback):
                    return PrefixRows.predictionPoint(
                        log: log, outcomes: outcomes, activity: name, fallbackHours: fallback, cases: cases)
                case .hoursAfterCreation(let hours):
                    return PrefixRows.predictionPoint(
                        log: log, outcomes: outcomes, activity: nil, fallbackHours: hours, cases: cases)
                }
            },
            {
                ProcessContext(
                    log: log, outcomes: outcomes, cancellationActivities: model.slaRule.cancellationActivities,
                    options: model.schema.context)
            })
        guard prefixRows.count > 0 else {
            throw LearningError(
                .invalidData, "no decided order in the window has a prediction point before its outcome was decided")
        }
        stage(\.rows)
        let matrix = PrefixEncoder(schema: model.schema).encode(
            log: log, rows: prefixRows, outcomes: outcomes, context: context)
        stage(\.features)
        let risk = model.risk(matrix)
        stage(\.prediction)
        modelID = model.modelID
        // The metrics (overall and per breakdown) beside the rows and backtest.csv's bytes (in
        // halves): all independent jobs.
        let labels = prefixRows.label.map { $0 == 1 }
        let (report, rows) = Concurrently.both(
            {
                Result {
                    try MetricsReport(
                        scores: risk, labels: labels,
                        coded: [
                            RiskMetrics.segmentation(model.slaRule.channelAttribute, prefixRows, log),
                            RiskMetrics.segmentation(model.schema.context.nodeAttribute, prefixRows, log),
                        ])
                }
            },
            {
                let rows = (0..<prefixRows.count).map { r in
                    Row(
                        caseID: log.caseIDs[Int(prefixRows.caseIndex[r])], prefixTime: prefixRows.time[r],
                        risk: risk[r], label: labels[r])
                }
                let half = rows.count / 2
                let (first, second) = Concurrently.both(
                    { Self.csvLines(rows[..<half]) }, { Self.csvLines(rows[half...]) })
                return (rows, Self.csvHeader + first + second)
            })
        self.rows = rows.0
        renderedCSV = rows.1
        metrics = try report.get()
        stage(\.metrics)
        self.timings = timings
    }

    /// Per-order scores: `case_id,prefix_time,risk,label` (label 1 = missed).
    public func csv() -> String { String(decoding: csvBytes(), as: UTF8.self) }

    /// `csv()` as UTF-8 bytes, written without a `String` per cell: those made beside the
    /// metrics, or, after `rows` changed, each half of the rows on its own thread.
    ///
    /// - Complexity: O(rows).
    public func csvBytes() -> [UInt8] {
        if let renderedCSV { return renderedCSV }
        let half = rows.count / 2
        let rows = self.rows
        let (first, second) = Concurrently.both({ Self.csvLines(rows[..<half]) }, { Self.csvLines(rows[half...]) })
        return Self.csvHeader + first + second
    }

    static let csvHeader = Array("case_id,prefix_time,risk,label\n".utf8)

    /// The CSV lines of `part`.
    ///
    /// - Complexity: O(rows).
    @Sendable static func csvLines(_ part: ArraySlice<Row>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * part.count)
        for row in part {
            CSVCell.append(row.caseID, to: &out)
            out.append(UInt8(ascii: ","))
            Timestamp.append(row.prefixTime, to: &out)
            out.append(UInt8(ascii: ","))
            FixedDecimal.append(row.risk, digits: 6, to: &out)
            out.append(contentsOf: row.label ? ",1\n".utf8 : ",0\n".utf8)
        }
        return out
    }
}

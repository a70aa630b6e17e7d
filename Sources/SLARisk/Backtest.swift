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

    public var modelID: String
    public var rows: [Row]
    public var metrics: MetricsReport

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
        try PrefixEncoder(schema: model.schema).checkFits(log)
        let outcomes = try SLAOutcomes(log: log, rule: model.slaRule, asOf: asOf)
        let cases = (0..<log.caseCount).filter { c in
            let range = log.events(ofCase: c)
            guard !range.isEmpty else { return false }
            let start = log.timestamps[range.lowerBound]
            return start >= (from ?? .min) && start < (to ?? .max)
        }
        let prefixRows: PrefixRows
        switch point {
        case .activity(let name, let fallback):
            guard log.activityNames.contains(name) else {
                throw MiningError(
                    .unknownActivity,
                    "the log has no activity '\(name)'; it has: \(log.activityNames.sorted().joined(separator: ", "))",
                    location: "--prefix-at")
            }
            prefixRows = PrefixRows.predictionPoint(
                log: log, outcomes: outcomes, activity: name, fallbackHours: fallback, cases: cases)
        case .hoursAfterCreation(let hours):
            prefixRows = PrefixRows.predictionPoint(
                log: log, outcomes: outcomes, activity: nil, fallbackHours: hours, cases: cases)
        }
        guard prefixRows.count > 0 else {
            throw LearningError(
                .invalidData, "no decided order in the window has a prediction point before its outcome was decided")
        }
        let context = ProcessContext(
            log: log, outcomes: outcomes, cancellationActivities: model.slaRule.cancellationActivities,
            options: model.schema.context)
        let matrix = PrefixEncoder(schema: model.schema).encode(log: log, rows: prefixRows, outcomes: outcomes, context: context)
        let risk = model.risk(matrix)
        modelID = model.modelID
        rows = (0..<prefixRows.count).map { r in
            Row(
                caseID: log.caseIDs[Int(prefixRows.caseIndex[r])], prefixTime: prefixRows.time[r], risk: risk[r],
                label: prefixRows.label[r] == 1)
        }
        metrics = try MetricsReport(
            scores: risk, labels: rows.map(\.label),
            segmentations: [
                (model.slaRule.channelAttribute, RiskMetrics.keys(model.slaRule.channelAttribute, prefixRows, log)),
                (model.schema.context.nodeAttribute, RiskMetrics.keys(model.schema.context.nodeAttribute, prefixRows, log)),
            ])
    }

    /// Per-order scores: `case_id,prefix_time,risk,label` (label 1 = missed).
    public func csv() -> String {
        var text = "case_id,prefix_time,risk,label\n"
        for row in rows {
            text += "\(CSVCell.escape(row.caseID)),\(Timestamp.format(row.prefixTime)),\(String(format: "%.6f", row.risk)),\(row.label ? 1 : 0)\n"
        }
        return text
    }
}

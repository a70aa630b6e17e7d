import Features
import Foundation
import Learning
import Mining
import Storage
import _WaybillSupport

/// The ops risk list: every open order at an instant, scored by a model, ranked by risk, with
/// its promise, where it stands and the top reasons.
public struct RiskList: Sendable {
    /// One scored order.
    public struct Entry: Sendable, Codable, Equatable {
        public var caseID: String
        public var risk: Double
        public var rank: Int
        public var decile: Int
        public var promisedAt: String?
        public var hoursToPromise: Double?
        public var lastActivity: String
        public var node: String?
        public var channel: String?
        public var carrier: String?
        public var reasons: [RiskModel.Reason]

        enum CodingKeys: String, CodingKey {
            case risk, rank, decile, node, channel, carrier, reasons
            case caseID = "case_id"
            case promisedAt = "promised_at"
            case hoursToPromise = "hours_to_promise"
            case lastActivity = "last_activity"
        }
    }

    public var modelID: String
    /// The instant the orders were scored at, RFC 3339.
    public var asOf: String
    /// Highest risk first; ties by case id.
    public var entries: [Entry]

    /// Scores the open orders of `log` as of `asOf` (default: its latest event) with `model`,
    /// using only events up to then. The log may come from any workspace: features are matched
    /// by name through the model's schema.
    ///
    /// - Throws: `MiningError` when the model's SLA rule names what the log lacks.
    /// - Complexity: O(*events* + open orders × (features + model cost)).
    public init(model: RiskModel, log: ColumnarLog, asOf: Microseconds? = nil) throws {
        try PrefixEncoder(schema: model.schema).checkFits(log)
        let outcomes = try SLAOutcomes(log: log, rule: model.slaRule, asOf: asOf)
        let rows = PrefixRows.open(log: log, outcomes: outcomes)
        let context = ProcessContext(
            log: log, outcomes: outcomes, cancellationActivities: model.slaRule.cancellationActivities,
            options: model.schema.context)
        let matrix = PrefixEncoder(schema: model.schema).encode(
            log: log, rows: rows, outcomes: outcomes, context: context)
        let risk = model.risk(matrix)
        let reasons = model.topReasons(matrix)
        let order = (0..<rows.count).sorted {
            risk[$0] != risk[$1]
                ? risk[$0] > risk[$1]
                : log.caseIDs[Int(rows.caseIndex[$0])].utf8.lexicographicallyPrecedes(
                    log.caseIDs[Int(rows.caseIndex[$1])].utf8)
        }
        let attribute = { (name: String, c: Int) in log.caseAttributes[name]?[c]?.text }
        let n = order.count
        modelID = model.modelID
        self.asOf = Timestamp.format(outcomes.asOf)
        entries = order.enumerated().map { rank, r in
            let c = Int(rows.caseIndex[r])
            let promise = outcomes.promise[c]
            let last = log.events(ofCase: c).lowerBound + Int(rows.eventCount[r]) - 1
            return Entry(
                caseID: log.caseIDs[c], risk: risk[r], rank: rank + 1, decile: (rank * 10) / max(n, 1) + 1,
                promisedAt: promise == .min ? nil : Timestamp.format(promise),
                hoursToPromise: promise == .min ? nil : Double(promise - outcomes.asOf) / 3.6e9,
                lastActivity: log.activityNames[Int(log.activities[last])],
                node: attribute(model.schema.context.nodeAttribute, c),
                channel: attribute(model.slaRule.channelAttribute, c),
                carrier: attribute(model.schema.context.carrierAttribute, c), reasons: reasons[r])
        }
    }

    /// The list as CSV: `case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,
    /// channel,carrier,reason_1,reason_2,reason_3`, a reason written `feature=value (+0.42)` (its
    /// log-odds contribution). Cells are escaped against spreadsheet formulas.
    public func csv() -> String { String(decoding: csvBytes(), as: UTF8.self) }

    /// `csv()` as UTF-8 bytes, written without a `String` per cell, each half of the list on
    /// its own thread.
    ///
    /// - Complexity: O(entries).
    public func csvBytes() -> [UInt8] {
        let half = entries.count / 2
        let (first, second) = Concurrently.both({ Self.lines(entries[..<half]) }, { Self.lines(entries[half...]) })
        return Array(
            "case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,channel,carrier,reason_1,reason_2,reason_3\n"
                .utf8) + first + second
    }

    /// The CSV lines of `part`.
    static func lines(_ part: ArraySlice<Entry>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(200 * part.count)
        let comma = UInt8(ascii: ",")
        var cell: [UInt8] = []
        for e in part {
            CSVCell.append(e.caseID, to: &out)
            out.append(comma)
            FixedDecimal.append(e.risk, digits: 6, to: &out)
            out.append(comma)
            FixedDecimal.appendDigits(e.rank, minimumWidth: 1, to: &out)
            out.append(comma)
            FixedDecimal.appendDigits(e.decile, minimumWidth: 1, to: &out)
            out.append(comma)
            out.append(contentsOf: (e.promisedAt ?? "").utf8)
            out.append(comma)
            if let hours = e.hoursToPromise { FixedDecimal.append(hours, digits: 2, to: &out) }
            out.append(comma)
            CSVCell.append(e.lastActivity, to: &out)
            out.append(comma)
            CSVCell.append(e.node ?? "", to: &out)
            out.append(comma)
            CSVCell.append(e.channel ?? "", to: &out)
            out.append(comma)
            CSVCell.append(e.carrier ?? "", to: &out)
            for k in 0..<3 {
                out.append(comma)
                if k < e.reasons.count {
                    // `feature=value (+contribution)`, made as bytes.
                    let reason = e.reasons[k]
                    cell.removeAll(keepingCapacity: true)
                    cell.append(contentsOf: reason.feature.utf8)
                    cell.append(UInt8(ascii: "="))
                    cell.append(contentsOf: reason.value.utf8)
                    cell.append(contentsOf: " (+".utf8)
                    FixedDecimal.append(reason.contribution, digits: 2, to: &cell)
                    cell.append(UInt8(ascii: ")"))
                    CSVCell.append(utf8: cell, to: &out)
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}

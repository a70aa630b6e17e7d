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
    /// How many open orders the list holds.
    public var count: Int { order.count }

    /// The list, highest risk first, ties by case id.
    ///
    /// Made from the columns below on each call; the CSV is written from the columns directly.
    ///
    /// - Complexity: O(`count`).
    public var entries: [Entry] { order.indices.map(entry) }

    // The columns the list is made of: the scored rows and what each row's case holds.
    private let log: ColumnarLog
    private let matrix: FeatureMatrix
    private let rows: PrefixRows
    private let risk: [Double]
    private let reasons: RiskModel.ReasonTable
    /// The rows by rank.
    private let order: [Int32]
    /// Per case: its promise, or `Microseconds.min`.
    private let promise: [Microseconds]
    private let asOfInstant: Microseconds
    /// Per case: its node, channel and carrier texts, coded.
    private let node: TextCodes?
    private let channel: TextCodes?
    private let carrier: TextCodes?

    /// Scores the open orders of `log` as of `asOf` (default: its latest event) with `model`,
    /// using only events up to then. The log may come from any workspace: features are matched
    /// by name through the model's schema.
    ///
    /// - Throws: `MiningError` when the model's SLA rule names what the log lacks.
    /// - Complexity: O(*events* + open orders × (features + model cost) + open orders × log open orders).
    public init(model: RiskModel, log: ColumnarLog, asOf: Microseconds? = nil) throws {
        try PrefixEncoder(schema: model.schema).checkFits(log)
        let outcomes = try SLAOutcomes(log: log, rule: model.slaRule, asOf: asOf)
        let rows = PrefixRows.open(log: log, outcomes: outcomes)
        let context = ProcessContext(
            log: log, outcomes: outcomes, cancellationActivities: model.slaRule.cancellationActivities,
            options: model.schema.context)
        let matrix = PrefixEncoder(schema: model.schema).encode(
            log: log, rows: rows, outcomes: outcomes, context: context)
        let (risk, reasons) = model.riskWithReasons(matrix)
        let order = (0..<Int32(rows.count)).sorted {
            let (a, b) = (Int($0), Int($1))
            return risk[a] != risk[b]
                ? risk[a] > risk[b]
                : log.caseIDs[Int(rows.caseIndex[a])].utf8.lexicographicallyPrecedes(
                    log.caseIDs[Int(rows.caseIndex[b])].utf8)
        }
        modelID = model.modelID
        self.asOf = Timestamp.format(outcomes.asOf)
        self.log = log
        self.matrix = matrix
        self.rows = rows
        self.risk = risk
        self.reasons = reasons
        self.order = order
        promise = outcomes.promise
        asOfInstant = outcomes.asOf
        node = log.textCodes(model.schema.context.nodeAttribute)
        channel = log.textCodes(model.slaRule.channelAttribute)
        carrier = log.textCodes(model.schema.context.carrierAttribute)
    }

    /// The entry at `index` (rank `index + 1`).
    ///
    /// - Complexity: O(reasons).
    public func entry(_ index: Int) -> Entry {
        let r = Int(order[index])
        let c = Int(rows.caseIndex[r])
        let promised = promise[c]
        func text(_ codes: TextCodes?) -> String? {
            guard let codes, codes.codes[c] >= 0 else { return nil }
            return codes.levels[Int(codes.codes[c])]
        }
        return Entry(
            caseID: log.caseIDs[c], risk: risk[r], rank: index + 1, decile: decile(index),
            promisedAt: promised == .min ? nil : Timestamp.format(promised),
            hoursToPromise: promised == .min ? nil : Double(promised - asOfInstant) / 3.6e9,
            lastActivity: log.activityNames[Int(log.activities[lastEvent(r)])],
            node: text(node), channel: text(channel), carrier: text(carrier),
            reasons: reasons.reasons(ofRow: r, in: matrix))
    }

    /// The decile of the entry at `index`: 1 for the riskiest tenth.
    private func decile(_ index: Int) -> Int { (index * 10) / max(count, 1) + 1 }

    /// The index in the log of row `r`'s last event.
    private func lastEvent(_ r: Int) -> Int {
        log.events(ofCase: Int(rows.caseIndex[r])).lowerBound + Int(rows.eventCount[r]) - 1
    }

    /// The list as CSV: `case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,
    /// channel,carrier,reason_1,reason_2,reason_3`, a reason written `feature=value (+0.42)` (its
    /// log-odds contribution). Cells are escaped against spreadsheet formulas.
    public func csv() -> String { String(decoding: csvBytes(), as: UTF8.self) }

    /// `csv()` as UTF-8 bytes, written from the columns without an entry or a `String` per row
    /// (each activity, node, channel and carrier escaped once), each half of the list on its own
    /// thread.
    ///
    /// - Complexity: O(`count`).
    public func csvBytes() -> [UInt8] {
        func escaped(_ texts: [String]) -> [[UInt8]] {
            texts.map { text in
                var out: [UInt8] = []
                CSVCell.append(text, to: &out)
                return out
            }
        }
        let cells = Cells(
            activity: escaped(log.activityNames), node: escaped(node?.levels ?? []),
            channel: escaped(channel?.levels ?? []), carrier: escaped(carrier?.levels ?? []))
        let half = count / 2
        let (first, second) = Concurrently.both({ lines(0..<half, cells) }, { lines(half..<count, cells) })
        return Array(
            "case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,channel,carrier,reason_1,reason_2,reason_3\n"
                .utf8) + first + second
    }

    /// The escaped cells of each activity and of each node, channel and carrier text.
    private struct Cells {
        var activity: [[UInt8]]
        var node: [[UInt8]]
        var channel: [[UInt8]]
        var carrier: [[UInt8]]
    }

    /// Appends a comma and case `c`'s escaped text, if it has one.
    private static func appendCell(_ codes: TextCodes?, _ cells: [[UInt8]], case c: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        if let codes, codes.codes[c] >= 0 { out.append(contentsOf: cells[Int(codes.codes[c])]) }
    }

    /// The CSV lines of the entries at `indices`.
    private func lines(_ indices: Range<Int>, _ cells: Cells) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(200 * indices.count)
        let comma = UInt8(ascii: ",")
        var cell: [UInt8] = []
        for index in indices {
            let r = Int(order[index])
            let c = Int(rows.caseIndex[r])
            CSVCell.append(log.caseIDs[c], to: &out)
            out.append(comma)
            FixedDecimal.append(risk[r], digits: 6, to: &out)
            out.append(comma)
            FixedDecimal.appendDigits(index + 1, minimumWidth: 1, to: &out)
            out.append(comma)
            FixedDecimal.appendDigits(decile(index), minimumWidth: 1, to: &out)
            out.append(comma)
            let promised = promise[c]
            if promised != .min { Timestamp.append(promised, to: &out) }
            out.append(comma)
            if promised != .min { FixedDecimal.append(Double(promised - asOfInstant) / 3.6e9, digits: 2, to: &out) }
            out.append(comma)
            out.append(contentsOf: cells.activity[Int(log.activities[lastEvent(r)])])
            Self.appendCell(node, cells.node, case: c, to: &out)
            Self.appendCell(channel, cells.channel, case: c, to: &out)
            Self.appendCell(carrier, cells.carrier, case: c, to: &out)
            for slot in r * reasons.slots..<(r * reasons.slots + 3) {
                out.append(comma)
                guard slot < (r + 1) * reasons.slots, reasons.columns[slot] >= 0 else { continue }
                // `feature=value (+contribution)`, made as bytes.
                let j = Int(reasons.columns[slot])
                cell.removeAll(keepingCapacity: true)
                cell.append(contentsOf: matrix.features[j].name.utf8)
                cell.append(UInt8(ascii: "="))
                RiskModel.appendDescription(matrix, r, j, to: &cell)
                cell.append(contentsOf: " (+".utf8)
                FixedDecimal.append(reasons.contributions[slot], digits: 2, to: &cell)
                cell.append(UInt8(ascii: ")"))
                CSVCell.append(utf8: cell, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}

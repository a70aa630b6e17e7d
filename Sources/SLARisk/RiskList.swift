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
    /// - Complexity: O(*events* + open orders × (features + model cost)), the ranking linear (radix).
    public init(model: RiskModel, log: ColumnarLog, asOf: Microseconds? = nil) throws {
        try PrefixEncoder(schema: model.schema).checkFits(log)
        let outcomes = try SLAOutcomes(log: log, rule: model.slaRule, asOf: asOf)
        let rows = PrefixRows.open(log: log, outcomes: outcomes)
        // Every open row stands at the scoring instant: the context at that instant is enough.
        let context = ProcessContext(
            log: log, outcomes: outcomes, cancellationActivities: model.slaRule.cancellationActivities,
            options: model.schema.context, at: outcomes.asOf)
        let matrix = PrefixEncoder(schema: model.schema).encode(
            log: log, rows: rows, outcomes: outcomes, context: context)
        let (risk, reasons) = model.riskWithReasons(matrix)
        let (caseIDs, caseIndex) = (log.caseIDs, rows.caseIndex)  // not the whole log per call
        let order = Self.ranking(risk: risk) { caseIDs[Int(caseIndex[$0])] }
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

    /// The rows by rank: highest risk first, ties by case id (UTF-8 order), as sorting with
    /// that comparison gives.
    ///
    /// Calibrated risks tie a lot (isotonic calibration has a few hundred values), so comparing
    /// case ids would dominate a comparison sort. Instead two stable radix sorts order the rows by
    /// the ids' first eight bytes, then by risk; only rows tied on both are compared in full.
    ///
    /// - Complexity: O(*n*) for the radix passes, plus comparison sorts of the rows tied on
    ///   risk and on their ids' first eight bytes.
    static func ranking(risk: [Double], caseID: (Int) -> String) -> [Int32] {
        let n = risk.count
        // The first eight UTF-8 bytes, big-endian (shorter ids padded with zeros), and the risk's
        // bits, as keys whose signed order is the wanted order.
        let prefix = (0..<n).map { r -> Int64 in
            var id = caseID(r)
            let key = id.withUTF8 { bytes in
                var key: UInt64 = 0
                for k in 0..<min(8, bytes.count) { key |= UInt64(bytes[k]) << UInt64(56 - 8 * k) }
                return key
            }
            return Int64(bitPattern: key ^ (1 << 63))
        }
        func descending(_ x: Double) -> Int64 {
            let bits = (x + 0).bitPattern  // -0 as +0: they compare equal
            let ascending = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
            return Int64(bitPattern: ~ascending ^ (1 << 63))
        }
        var order = [Int32](0..<Int32(n))
        var keys = prefix
        RadixSort.sort(&keys, carrying: &order)
        keys = order.map { descending(risk[Int($0)]) }
        RadixSort.sort(&keys, carrying: &order)
        // Rows tied on both keys: compared in full.
        var lo = 0
        while lo < n {
            var hi = lo + 1
            while hi < n && keys[hi] == keys[lo] && prefix[Int(order[hi])] == prefix[Int(order[lo])] { hi += 1 }
            if hi - lo > 1 {
                order[lo..<hi].sort { caseID(Int($0)).utf8.lexicographicallyPrecedes(caseID(Int($1)).utf8) }
            }
            lo = hi
        }
        return order
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

    /// `csv()` as UTF-8 bytes (`writeCSV` into one array).
    ///
    /// - Complexity: O(`count`).
    public func csvBytes() -> [UInt8] {
        var out: [UInt8] = []
        writeCSV { out.append(contentsOf: $0) }
        return out
    }

    /// Hands `write` the list's CSV (as `csv()`) in pieces of about `chunkBytes`, in order: the
    /// output is never held whole, so a caller writing to a file touches each byte once.
    ///
    /// Each row's line but its rank and decile is made first, from the columns, in row order,
    /// which walks the cases and the feature matrix in storage order, each half of the rows on
    /// its own thread (each activity, node, channel and carrier escaped once, no entry or
    /// `String` per row). Then each piece is filled with the next ranks' lines, copied into place
    /// with their ranks by two threads, and handed to `write`.
    ///
    /// - Complexity: O(`count`).
    public func writeCSV(chunkBytes: Int = 1 << 22, _ write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        func escaped(_ texts: [String]) -> ByteTable {
            ByteTable(
                texts.map { text in
                    var out: [UInt8] = []
                    CSVCell.append(text, to: &out)
                    return out
                })
        }
        let cells = Cells(
            activity: escaped(log.activityNames), node: escaped(node?.levels ?? []),
            channel: escaped(channel?.levels ?? []), carrier: escaped(carrier?.levels ?? []),
            feature: ByteTable(matrix.features.map { Array($0.name.utf8) }),
            levels: matrix.features.map { $0.kind == .categorical ? $0.levels.map { Array($0.utf8) } : nil })
        let n = count
        let half = n / 2
        let (first, second) = Concurrently.both({ lines(0..<half, cells) }, { lines(half..<n, cells) })
        let header = Array(
            "case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,channel,carrier,reason_1,reason_2,reason_3\n"
                .utf8)
        try header.withUnsafeBytes(write)
        // Where each rank's line starts in the output after the header.
        var offset = [Int](repeating: 0, count: n + 1)
        var longest = 1
        for i in 0..<n {
            let r = Int(order[i])
            let body = r < half ? first.length(r) : second.length(r - half)
            let line = body + 3 + Self.digitCount(i + 1) + Self.digitCount(decile(i))
            offset[i + 1] = offset[i] + line
            longest = max(longest, line)
        }
        let starts = offset
        let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkBytes, longest), alignment: 16)
        defer { piece.deallocate() }
        let out = UnsafeSendableBytes(piece.baseAddress!.assumingMemoryBound(to: UInt8.self))
        var lo = 0
        while lo < n {
            // The ranks lo..<hi: as many as fit in the piece, at least one.
            var hi = lo + 1
            while hi < n && starts[hi + 1] - starts[lo] <= piece.count { hi += 1 }
            let (from, to) = (lo, hi)
            let middle = (from + to) / 2
            let threads = to - from < 64 ? 1 : 2
            _ = Concurrently.map(threads) { h in
                let ranks = threads == 1 ? from..<to : (h == 0 ? from..<middle : middle..<to)
                for i in ranks {
                    let r = Int(order[i])
                    var at = out.pointer + (starts[i] - starts[from])
                    let (part, row) = r < half ? (first, r) : (second, r - half)
                    part.bytes.withUnsafeBufferPointer { bytes in
                        let start = part.start[row]
                        let split = part.split[row]
                        // `case_id,risk` `,rank,decile,` `promised_at,…\n`
                        at.update(from: bytes.baseAddress! + start, count: split - start)
                        at += split - start
                        at = Self.write(i + 1, after: UInt8(ascii: ","), at: at)
                        at = Self.write(decile(i), after: UInt8(ascii: ","), at: at)
                        at.pointee = UInt8(ascii: ",")
                        at += 1
                        at.update(from: bytes.baseAddress! + split, count: part.start[row + 1] - split)
                    }
                }
            }
            try write(UnsafeRawBufferPointer(start: piece.baseAddress, count: starts[to] - starts[from]))
            lo = hi
        }
    }

    /// The escaped cells of each activity and of each node, channel and carrier text, and each
    /// feature's name (not escaped: it is part of a reason's cell).
    private struct Cells {
        var activity: ByteTable
        var node: ByteTable
        var channel: ByteTable
        var carrier: ByteTable
        var feature: ByteTable
        /// Per feature: a categorical one's level names.
        var levels: [[[UInt8]]?]
    }

    /// Some rows' CSV lines without rank and decile: row i's `case_id,risk` is
    /// `bytes[start[i]..<split[i]]` and the rest of its line `bytes[split[i]..<start[i + 1]]`.
    private struct Lines: Sendable {
        var bytes: [UInt8] = []
        var start: [Int] = [0]
        var split: [Int] = []

        /// Row i's bytes.
        func length(_ i: Int) -> Int { start[i + 1] - start[i] }
    }

    /// The decimal digits of `v` ≥ 0.
    private static func digitCount(_ v: Int) -> Int {
        var count = 1
        var rest = v / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }

    /// Writes `separator` and the decimal digits of `v` ≥ 0 at `at`; returns the byte after them.
    private static func write(_ v: Int, after separator: UInt8, at: UnsafeMutablePointer<UInt8>)
        -> UnsafeMutablePointer<UInt8>
    {
        at.pointee = separator
        let count = digitCount(v)
        var rest = v
        for k in stride(from: count, to: 0, by: -1) {
            at[k] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        return at + count + 1
    }

    /// Byte strings in one buffer (string i is `bytes[ends[i]..<ends[i + 1]]`), appended without
    /// touching an array per string.
    private struct ByteTable {
        var bytes: [UInt8] = []
        var ends: [Int] = [0]

        init(_ strings: [[UInt8]]) {
            for string in strings {
                bytes += string
                ends.append(bytes.count)
            }
        }

        /// Appends string `i` to `out`.
        @inline(__always)
        func append(_ i: Int, to out: inout [UInt8]) {
            bytes.withUnsafeBufferPointer {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[ends[i]..<ends[i + 1]]))
            }
        }
    }

    /// Appends a comma and the escaped text of code `code` (none when negative).
    @inline(__always)
    private static func appendCell(_ code: Int32, _ cells: ByteTable, to out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        if code >= 0 { cells.append(Int(code), to: &out) }
    }

    /// The lines of `rows` (in row order) without their rank and decile.
    private func lines(_ rowRange: Range<Int>, _ cells: Cells) -> Lines {
        var lines = Lines()
        lines.bytes.reserveCapacity(200 * rowRange.count)
        lines.start.reserveCapacity(rowRange.count + 1)
        lines.split.reserveCapacity(rowRange.count)
        let comma = UInt8(ascii: ",")
        var cell: [UInt8] = []
        let none = [Int32](repeating: -1, count: log.caseCount)
        let (nodeCodes, channelCodes, carrierCodes) = (
            node?.codes ?? none, channel?.codes ?? none, carrier?.codes ?? none
        )
        for r in rowRange {
            let c = Int(rows.caseIndex[r])
            CSVCell.append(log.caseIDs[c], to: &lines.bytes)
            lines.bytes.append(comma)
            FixedDecimal.append(risk[r], digits: 6, to: &lines.bytes)
            lines.split.append(lines.bytes.count)
            let promised = promise[c]
            if promised != .min { Timestamp.append(promised, to: &lines.bytes) }
            lines.bytes.append(comma)
            if promised != .min {
                FixedDecimal.append(Double(promised - asOfInstant) / 3.6e9, digits: 2, to: &lines.bytes)
            }
            lines.bytes.append(comma)
            cells.activity.append(Int(log.activities[lastEvent(r)]), to: &lines.bytes)
            Self.appendCell(nodeCodes[c], cells.node, to: &lines.bytes)
            Self.appendCell(channelCodes[c], cells.channel, to: &lines.bytes)
            Self.appendCell(carrierCodes[c], cells.carrier, to: &lines.bytes)
            for slot in r * reasons.slots..<(r * reasons.slots + 3) {
                lines.bytes.append(comma)
                guard slot < (r + 1) * reasons.slots, reasons.columns[slot] >= 0 else { continue }
                // `feature=value (+contribution)`, made as bytes.
                let j = Int(reasons.columns[slot])
                cell.removeAll(keepingCapacity: true)
                cells.feature.append(j, to: &cell)
                cell.append(UInt8(ascii: "="))
                RiskModel.appendDescription(matrix[r, j], levels: cells.levels[j], to: &cell)
                cell.append(contentsOf: " (+".utf8)
                FixedDecimal.append(reasons.contributions[slot], digits: 2, to: &cell)
                cell.append(UInt8(ascii: ")"))
                CSVCell.append(utf8: cell, to: &lines.bytes)
            }
            lines.bytes.append(UInt8(ascii: "\n"))
            lines.start.append(lines.bytes.count)
        }
        return lines
    }
}

/// The piece of CSV the two halves of its ranks write into, each at its own lines' offsets.
private struct UnsafeSendableBytes: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    init(_ pointer: UnsafeMutablePointer<UInt8>) { self.pointer = pointer }
}

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
        // The context (every open row stands at the scoring instant: the context at that instant
        // is enough) on one thread; the open rows and their order by case id on the other.
        let (context, (rows, byID)) = Concurrently.both(
            {
                ProcessContext(
                    log: log, outcomes: outcomes, cancellationActivities: model.slaRule.cancellationActivities,
                    options: model.schema.context, at: outcomes.asOf)
            },
            {
                let rows = PrefixRows.open(log: log, outcomes: outcomes)
                let (caseIDs, caseIndex) = (log.caseIDs, rows.caseIndex)  // not the whole log per call
                return (rows, Self.caseIDOrder(count: rows.count) { caseIDs[Int(caseIndex[$0])] })
            })
        let matrix = PrefixEncoder(schema: model.schema).encode(
            log: log, rows: rows, outcomes: outcomes, context: context)
        let (risk, reasons) = model.riskWithReasons(matrix)
        let (caseIDs, caseIndex) = (log.caseIDs, rows.caseIndex)
        let order = Self.ranking(risk: risk, byID: byID) { caseIDs[Int(caseIndex[$0])] }
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
        ranking(risk: risk, byID: caseIDOrder(count: risk.count, caseID: caseID), caseID: caseID)
    }

    /// The rows sorted by their ids' first eight UTF-8 bytes (stably), with each row's key: the
    /// first half of `ranking`, which needs no risk, so it can run beside other work.
    ///
    /// - Complexity: O(*n*) (radix).
    static func caseIDOrder(count n: Int, caseID: (Int) -> String) -> (order: [Int32], prefix: [Int64]) {
        // The first eight UTF-8 bytes, big-endian (shorter ids padded with zeros), as keys whose
        // signed order is the bytes' order.
        let prefix = (0..<n).map { r -> Int64 in
            var id = caseID(r)
            let key = id.withUTF8 { bytes in
                var key: UInt64 = 0
                for k in 0..<min(8, bytes.count) { key |= UInt64(bytes[k]) << UInt64(56 - 8 * k) }
                return key
            }
            return Int64(bitPattern: key ^ (1 << 63))
        }
        var order = [Int32](0..<Int32(n))
        var keys = prefix
        RadixSort.sort(&keys, carrying: &order)
        return (order, prefix)
    }

    /// `ranking(risk:caseID:)` from the rows' `caseIDOrder`.
    ///
    /// - Complexity: O(*n*) for the radix passes, plus comparison sorts of the rows tied on
    ///   risk and on their ids' first eight bytes.
    static func ranking(
        risk: [Double], byID: (order: [Int32], prefix: [Int64]), caseID: (Int) -> String
    ) -> [Int32] {
        let n = risk.count
        precondition(byID.order.count == n, "one id order entry per row")
        func descending(_ x: Double) -> Int64 {
            let bits = (x + 0).bitPattern  // -0 as +0: they compare equal
            let ascending = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
            return Int64(bitPattern: ~ascending ^ (1 << 63))
        }
        var order = byID.order
        let prefix = byID.prefix
        var keys = order.map { descending(risk[Int($0)]) }
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

    /// Hands `write` the list's CSV (as `csv()`) in pieces, in order: the header, then
    /// `ranksPerPiece` lines at a time (the last piece fewer). The output is never held whole, so
    /// a caller writing to a file touches each byte once.
    ///
    /// Each line is written from the columns in rank order (each activity, node, channel and
    /// carrier escaped once, no entry or `String` per row), two pieces at a time, each by a
    /// worker thread, while `write` (on the calling thread) takes the two before. A line reads
    /// its row's data where they are, a few scattered reads; making the lines in storage order
    /// and copying them into rank order wrote and read the whole output once more (and making
    /// each piece's lines in storage order, then copying them, was no faster).
    ///
    /// - Complexity: O(`count`).
    public func writeCSV(ranksPerPiece: Int = 16_384, _ write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        precondition(ranksPerPiece >= 1, "a piece holds at least one line")
        let cells = Cells(
            activities: log.activityNames, node: node?.levels ?? [], channel: channel?.levels ?? [],
            carrier: carrier?.levels ?? [], features: matrix.features)
        let header = Array(
            "case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,channel,carrier,reason_1,reason_2,reason_3\n"
                .utf8)
        try header.withUnsafeBytes(write)
        let n = count
        // Two pairs of pieces: while the caller writes one pair, two workers fill the other.
        let capacity = 220 * min(ranksPerPiece, n)
        let pairs = (0..<2).map { _ in (Lines(capacity: capacity), Lines(capacity: capacity)) }
        let group = DispatchGroup()
        func fill(_ k: Int, from lo: Int) {
            let middle = min(n, lo + ranksPerPiece)
            let (first, second) = (lo..<middle, middle..<min(n, middle + ranksPerPiece))
            let (a, b) = pairs[k]
            a.count = 0
            b.count = 0
            DispatchQueue.global().async(group: group) { lines(first, cells, into: a) }
            DispatchQueue.global().async(group: group) { lines(second, cells, into: b) }
        }
        var lo = 0
        var k = 0
        if n > 0 { fill(0, from: 0) }
        while lo < n {
            group.wait()
            let next = min(n, lo + 2 * ranksPerPiece)
            if next < n { fill(1 - k, from: next) }
            for piece in [pairs[k].0, pairs[k].1] where piece.count > 0 {
                do {
                    try write(UnsafeRawBufferPointer(start: piece.base, count: piece.count))
                } catch {
                    group.wait()  // the workers use the pieces
                    throw error
                }
            }
            (lo, k) = (next, 1 - k)
        }
    }

    /// The texts a line is made of, as bytes in one table: each activity, node, channel and
    /// carrier escaped as a cell, each feature's name and each categorical level as they are
    /// (parts of a reason's cell); and the most bytes a line can take but its case id.
    private struct Cells {
        var table = ByteTable()
        let activity: Int
        let node: Int
        let channel: Int
        let carrier: Int
        let feature: Int
        /// Per feature: where a categorical one's level names start in `table`, else −1; and
        /// how many.
        var levelBase: [Int] = []
        var levelCount: [Int] = []
        /// The most bytes of a line without its case id, its rank and its decile.
        var lineBound = 0
        /// Bytes a copy of a text may write past its end (it copies whole words).
        static let overrun = 8

        init(
            activities: [String], node: [String], channel: [String], carrier: [String],
            features: [FeatureMatrix.Feature]
        ) {
            var table = ByteTable()
            func escaped(_ texts: [String]) -> Int {
                let base = table.count
                for text in texts {
                    var cell: [UInt8] = []
                    CSVCell.append(text, to: &cell)
                    table.append(cell)
                }
                return base
            }
            func longest(_ base: Int, _ count: Int) -> Int {
                (base..<base + count).map { table.length($0) }.max() ?? 0
            }
            activity = escaped(activities)
            self.node = escaped(node)
            self.channel = escaped(channel)
            self.carrier = escaped(carrier)
            feature = table.count
            for f in features { table.append(Array(f.name.utf8)) }
            var longestLevel = 0
            for f in features {
                levelBase.append(f.kind == .categorical ? table.count : -1)
                levelCount.append(f.kind == .categorical ? f.levels.count : 0)
                if f.kind == .categorical {
                    for level in f.levels {
                        table.append(Array(level.utf8))
                        longestLevel = max(longestLevel, level.utf8.count)
                    }
                }
            }
            let number = FixedDecimal.maximumFastBytes
            // `feature=value (+contribution)`, escaped: at most twice as long, a quote before
            // and a pair of quotes around.
            let reason = longest(feature, features.count) + 1 + max(longestLevel, number, 7) + 3 + number + 1
            lineBound =
                1 + number + Timestamp.maximumBytes + 1 + number + 1 + longest(activity, activities.count)
                + 3 + longest(self.node, node.count) + longest(self.channel, channel.count)
                + longest(self.carrier, carrier.count) + 3 * (1 + 2 * reason + 4) + 1
            table.bytes += [UInt8](repeating: 0, count: Self.overrun)  // the last text's last word
            self.table = table
        }
    }

    /// Some ranks' CSV lines, in one growable buffer.
    private final class Lines: @unchecked Sendable {
        /// The bytes: `count` written, room for `capacity`.
        private(set) var base: UnsafeMutablePointer<UInt8>
        private var capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = max(capacity, 1)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }

        /// Where the next `n` bytes go, with room for them.
        ///
        /// - Complexity: O(1) amortised (the buffer doubles when full).
        @inline(__always)
        func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
            if count + n > capacity {
                capacity = max(2 * capacity, count + n)
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                grown.update(from: base, count: count)
                base.deallocate()
                base = grown
            }
            return base + count
        }
    }

    /// The most bytes a rank or a decile takes, with its comma.
    private static let rankBytes = 21

    /// Writes `separator` and the decimal digits of `v` ≥ 0 at `at`; returns the byte after them.
    private static func write(_ v: Int, after separator: UInt8, at: UnsafeMutablePointer<UInt8>)
        -> UnsafeMutablePointer<UInt8>
    {
        at.pointee = separator
        return at + 1 + FixedDecimal.writeDigits(v, minimumWidth: 1, to: at + 1)
    }

    /// Byte strings in one buffer: string i is `bytes[ends[i]..<ends[i + 1]]`.
    private struct ByteTable {
        var bytes: [UInt8] = []
        var ends: [Int] = [0]

        var count: Int { ends.count - 1 }
        func length(_ i: Int) -> Int { ends[i + 1] - ends[i] }

        mutating func append(_ string: [UInt8]) {
            bytes += string
            ends.append(bytes.count)
        }
    }

    /// Appends the lines of the ranks `ranks` to `lines`.
    ///
    /// Each line is written through a pointer, with room made once per line for the most its
    /// cells can take; a line with a number the fast formatting leaves to the C library (see
    /// `FixedDecimal.write`) is made again by `appendLine`.
    ///
    /// - Complexity: O(ranks × line length).
    private func lines(_ ranks: Range<Int>, _ cells: Cells, into lines: Lines) {
        let rowCount = matrix.rowCount
        // A column the log lacks is empty: no case has a value there (code −1).
        let (nodeCodes, channelCodes, carrierCodes) = (node?.codes ?? [], channel?.codes ?? [], carrier?.codes ?? [])
        @inline(__always) func code(_ codes: [Int32], _ c: Int) -> Int32 { c < codes.count ? codes[c] : -1 }
        matrix.values.withUnsafeBufferPointer { matrixValues in
            cells.table.bytes.withUnsafeBufferPointer { tableBytes in
                cells.table.ends.withUnsafeBufferPointer { tableEnds in
                    let values = matrixValues.baseAddress!
                    let text = tableBytes.baseAddress ?? UnsafePointer(bitPattern: 8)!
                    let ends = tableEnds.baseAddress!
                    // Copies text i eight bytes at a time, its last word running past its end: the
                    // table has eight bytes of padding and the line room for `Cells.overrun` more.
                    // Most texts are a few bytes; a call to memmove each would cost more than the copy.
                    @inline(__always)
                    func put(_ i: Int, at: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
                        let from = UnsafeRawPointer(text + ends[i])
                        let count = ends[i + 1] - ends[i]
                        var k = 0
                        while k < count {
                            UnsafeMutableRawPointer(at + k).storeBytes(
                                of: from.loadUnaligned(fromByteOffset: k, as: UInt64.self), as: UInt64.self)
                            k += 8
                        }
                        return at + count
                    }
                    @inline(__always)
                    func put(comma at: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
                        at.pointee = UInt8(ascii: ",")
                        return at + 1
                    }
                    // The piece's row data first, one field per loop in rank order: rows by rank
                    // are scattered over the log, and loops that only load let the processor
                    // overlap those cache misses, where the line writing between them would not.
                    let rowOf = ranks.map { Int(order[$0]) }
                    let caseOf = rowOf.map { Int(rows.caseIndex[$0]) }
                    let ids = caseOf.map { log.caseIDs[$0] }
                    let riskOf = rowOf.map { risk[$0] }
                    let promiseOf = caseOf.map { promise[$0] }
                    let lastActivity = (0..<ranks.count).map { k in  // `lastEvent`, from the gathered case
                        log.activities[log.caseOffsets[caseOf[k]] + Int(rows.eventCount[rowOf[k]]) - 1]
                    }
                    let nodeOf = caseOf.map { code(nodeCodes, $0) }
                    let channelOf = caseOf.map { code(channelCodes, $0) }
                    let carrierOf = caseOf.map { code(carrierCodes, $0) }
                    let slots = reasons.slots
                    let shown = min(slots, 3)
                    let reasonColumn = (0..<ranks.count * shown).map { q in
                        reasons.columns[rowOf[q / shown] * slots + q % shown]
                    }
                    let reasonContribution = (0..<ranks.count * shown).map { q in
                        reasons.contributions[rowOf[q / shown] * slots + q % shown]
                    }
                    let reasonValue = (0..<ranks.count * shown).map { q in
                        reasonColumn[q] >= 0 ? values[Int(reasonColumn[q]) * rowCount + rowOf[q / shown]] : 0
                    }
                    for (k, i) in ranks.enumerated() {
                        let r = rowOf[k]
                        var id = ids[k]
                        let begin = lines.reserve(
                            cells.lineBound + 2 * id.utf8.count + 4 + 2 * Self.rankBytes + Cells.overrun)
                        var at = begin
                        let written: Bool = id.withUTF8 { idBytes -> Bool in
                            if CSVCell.isPlain(idBytes) {
                                at.update(from: idBytes.baseAddress!, count: idBytes.count)
                                at += idBytes.count
                            } else {
                                for byte in CSVCell.escape(String(decoding: idBytes, as: UTF8.self)).utf8 {
                                    at.pointee = byte
                                    at += 1
                                }
                            }
                            at = put(comma: at)
                            guard let n = FixedDecimal.write(riskOf[k], digits: 6, to: at) else { return false }
                            at += n
                            at = Self.write(i + 1, after: UInt8(ascii: ","), at: at)
                            at = Self.write(decile(i), after: UInt8(ascii: ","), at: at)
                            at = put(comma: at)
                            let promised = promiseOf[k]
                            if promised != .min { at += Timestamp.write(promised, to: at) }
                            at = put(comma: at)
                            if promised != .min {
                                let hours = Double(promised - asOfInstant) / 3.6e9
                                guard let n = FixedDecimal.write(hours, digits: 2, to: at) else { return false }
                                at += n
                            }
                            at = put(comma: at)
                            at = put(cells.activity + Int(lastActivity[k]), at: at)
                            at = put(comma: at)
                            if nodeOf[k] >= 0 { at = put(cells.node + Int(nodeOf[k]), at: at) }
                            at = put(comma: at)
                            if channelOf[k] >= 0 { at = put(cells.channel + Int(channelOf[k]), at: at) }
                            at = put(comma: at)
                            if carrierOf[k] >= 0 { at = put(cells.carrier + Int(carrierOf[k]), at: at) }
                            for s in 0..<3 {
                                at = put(comma: at)
                                let q = k * shown + s
                                guard s < shown, reasonColumn[q] >= 0 else { continue }
                                // `feature=value (+contribution)`, then escaped in place when it must be.
                                let j = Int(reasonColumn[q])
                                let cell = at
                                at = put(cells.feature + j, at: at)
                                at.pointee = UInt8(ascii: "=")
                                at += 1
                                let v = reasonValue[q]
                                if let level = Int(exactly: v), level >= 0, level < cells.levelCount[j] {
                                    at = put(cells.levelBase[j] + level, at: at)
                                } else {
                                    guard let n = RiskModel.writeNumber(v, to: at) else { return false }
                                    at += n
                                }
                                for byte in " (+".utf8 {
                                    at.pointee = byte
                                    at += 1
                                }
                                guard let n = FixedDecimal.write(reasonContribution[q], digits: 2, to: at) else {
                                    return false
                                }
                                at += n
                                at.pointee = UInt8(ascii: ")")
                                at += 1
                                if !CSVCell.isPlain(UnsafeBufferPointer(start: cell, count: at - cell)) {
                                    let escaped = CSVCell.escape(
                                        String(
                                            decoding: UnsafeBufferPointer(start: cell, count: at - cell), as: UTF8.self)
                                    )
                                    at = cell
                                    for byte in escaped.utf8 {
                                        at.pointee = byte
                                        at += 1
                                    }
                                }
                            }
                            at.pointee = UInt8(ascii: "\n")
                            at += 1
                            return true
                        }
                        if written {
                            lines.count = at - lines.base
                        } else {
                            // A number for the C library: the line made by appends instead.
                            var line: [UInt8] = []
                            appendLine(r, rank: i, to: &line)
                            lines.reserve(line.count).update(from: line, count: line.count)
                            lines.count += line.count
                        }
                    }
                }
            }
        }
    }

    /// Appends row `r`'s line, at rank index `rank`, to `out`, cell by cell from the entry's
    /// texts: the slow way, for lines with a number the C library formats.
    ///
    /// - Complexity: O(line length).
    private func appendLine(_ r: Int, rank: Int, to out: inout [UInt8]) {
        let c = Int(rows.caseIndex[r])
        func cell(_ text: String?) {
            out.append(UInt8(ascii: ","))
            if let text { CSVCell.append(text, to: &out) }
        }
        CSVCell.append(log.caseIDs[c], to: &out)
        out.append(UInt8(ascii: ","))
        FixedDecimal.append(risk[r], digits: 6, to: &out)
        out.append(contentsOf: ",\(rank + 1),\(decile(rank)),".utf8)
        let promised = promise[c]
        if promised != .min { Timestamp.append(promised, to: &out) }
        out.append(UInt8(ascii: ","))
        if promised != .min { FixedDecimal.append(Double(promised - asOfInstant) / 3.6e9, digits: 2, to: &out) }
        cell(log.activityNames[Int(log.activities[lastEvent(r)])])
        func text(_ codes: TextCodes?) -> String? {
            guard let codes, codes.codes[c] >= 0 else { return nil }
            return codes.levels[Int(codes.codes[c])]
        }
        cell(text(node))
        cell(text(channel))
        cell(text(carrier))
        let kept = reasons.reasons(ofRow: r, in: matrix)
        for k in 0..<3 {
            guard k < kept.count else {
                out.append(UInt8(ascii: ","))
                continue
            }
            var reason = Array("\(kept[k].feature)=\(kept[k].value) (+".utf8)
            FixedDecimal.append(kept[k].contribution, digits: 2, to: &reason)
            reason.append(UInt8(ascii: ")"))
            out.append(UInt8(ascii: ","))
            CSVCell.append(utf8: reason, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }
}

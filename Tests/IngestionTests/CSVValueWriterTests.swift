import Testing
import _TestSupport
@testable import Ingestion
import _WaybillSupport
@testable import Storage

/// `CSVValueWriter` writes what `AttributeJSON` writes for `CSVImporter.typedValue` of a cell:
/// the byte fast path checked against the typed reference.
@Suite struct CSVValueWriterTests {
    static func fast(_ cell: String) -> String {
        var out = JSONBytes(capacity: 1)
        defer { out.deallocate() }
        var cell = cell
        cell.withUTF8 { CSVValueWriter.appendValue($0, to: &out) }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    static func reference(_ cell: String) -> String {
        var cell = cell
        let value = cell.withUTF8 { CSVImporter.typedValue($0) }
        return AttributeJSON.literal(value)
    }

    static let corpus = [
        "0", "-0", "7", "007", "-007", "0.5", "-0.5", ".5", "-.5", "5.", "1.50", "1.000", "-1.000", "0.000", "0.0001",
        "0.00012", "0.1", "0.10", "12.3456789012345", "12.34567890123456", "123456789.123456", "1234567890.5",
        "9999999999999999999", "123456789012345678", "1234567890123456789", "-9223372036854775808", "9223372036854775807",
        "9223372036854775808", "1e5", "1E-3", "-2.5e10", "+5", "+0.5", "-", ".", "1.2.3", "12a", "0x1F", "inf", "nan",
        "Infinity", "true", "True", "TRUE", "false", "tRue", "t", "f", "2026-01-05T00:09:27.020Z", "2026-01-05 00:09:27+01:00",
        "2026-01-05T00:09:27", "2026-13-05T00:09:27Z", "text", "with \"quote\"", "back\\slash", "line\nbreak", "tab\tx",
        "=cmd", "é", "C-0022756", "27.99", "1", "-1.25", "100.10",
        "a longer text with \"quotes\" and \\ backslash\tand\u{01}control, é漢 and \u{7F}", "sixteen bytes ok", "eight by\"",
    ]

    /// The writer's text is the reference's, except that `-0` is kept as written (as the writer
    /// always did, so event identities of stored logs stay the same); both read back as the
    /// integer 0.
    static func agrees(_ cell: String) -> Bool {
        let fast = fast(cell), reference = reference(cell)
        if fast == reference { return true }
        guard cell == "-0" else { return false }
        let decoded = try? AttributeJSON.decode("{\"k\":\(fast)}")
        return decoded?.first?.value == .int(0) && reference == "0"
    }

    @Test(arguments: corpus)
    func corpusCellAgrees(cell: String) {
        #expect(Self.agrees(cell), "fast \(Self.fast(cell)), reference \(Self.reference(cell))")
    }

    /// Random decimals of every length around the fast path's limits (15 significant digits, 9
    /// integer digits, leading zeros in the fraction, trailing zeros).
    @Test func randomDecimalsAgree() {
        var random = SplitMix(seed: 11)
        for _ in 0..<20_000 {
            let intDigits = Int(random.next() % 12)
            let fracDigits = Int(random.next() % 12)
            var cell = random.next() % 4 == 0 ? "-" : ""
            for k in 0..<intDigits { cell += String(k == 0 && random.next() % 3 == 0 ? 0 : random.next() % 10) }
            if random.next() % 8 != 0 { cell += "." }
            for _ in 0..<fracDigits { cell += String(random.next() % 3 == 0 ? 0 : random.next() % 10) }
            guard !cell.isEmpty else { continue }  // the importer never writes an empty cell
            #expect(Self.agrees(cell), "cell \(cell): fast \(Self.fast(cell)), reference \(Self.reference(cell))")
        }
    }

    /// Random texts of 1 to 24 bytes (the short path's 16 and the word loop around it), each
    /// with at most one byte to escape at any position, or none.
    @Test func randomShortTextsAgree() {
        var random = SplitMix(seed: 12)
        let plain = Array("abcXYZ _-/é".unicodeScalars)
        let escaped: [Unicode.Scalar] = ["\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}"]
        for _ in 0..<20_000 {
            var scalars = (0..<(1 + Int(random.next() % 24))).map { _ in plain[Int(random.next() % UInt64(plain.count))] }
            if random.next() % 2 == 0 { scalars[Int(random.next() % UInt64(scalars.count))] = escaped[Int(random.next() % 8)] }
            // A letter first, so that no cell reads as a number, a boolean or a date.
            let cell = "x" + String(String.UnicodeScalarView(scalars))
            #expect(Self.agrees(cell), "cell \(cell.debugDescription): fast \(Self.fast(cell)), reference \(Self.reference(cell))")
        }
    }
}

/// Case attributes written by the CSV importer's one-insert path for new cases, and merged into
/// cases an earlier import created, read back as typed values.
@Suite struct CSVCaseAttributeTests {
    @Test func newCasesAndCasesOfAnEarlierImport() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("case-attrs").path)
        let store = try ws.openStore()
        let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
        let first = """
            case_id,activity,timestamp,case:value,case:channel,case:promised
            c1,A,2026-01-05T10:00:00Z,12.50,web,2026-01-06T10:00:00Z
            c1,B,2026-01-05T11:00:00Z,99,ignored,
            c2,A,2026-01-05T10:30:00Z,-3,"b2b, direct",

            """
        let second = """
            case_id,activity,timestamp,case:value,case:extra
            c2,B,2026-01-06T10:00:00Z,7,true
            c3,A,2026-01-06T11:00:00Z,0.25,
            """
        _ = try ingestor.ingest(path: Fixtures.write(first, to: "first.csv", in: ws.root), options: ImportOptions())
        _ = try ingestor.ingest(path: Fixtures.write(second, to: "second.csv", in: ws.root), options: ImportOptions())
        let log = try store.loadCaseView()
        #expect(log.caseIDs == ["c1", "c2", "c3"])
        #expect(log.caseAttributes["value"] == [.double(12.5), .int(7), .double(0.25)])
        #expect(log.caseAttributes["channel"] == [.string("web"), .string("b2b, direct"), nil])
        #expect(log.caseAttributes["promised"] == [.date(Timestamp.parseISO("2026-01-06T10:00:00Z")!.micros), nil, nil])
        #expect(log.caseAttributes["extra"] == [nil, .bool(true), nil])
    }
}

/// A log of 80 attribute columns (71 event and 9 case columns, interleaved, so the runs of event
/// columns whose empty cells are skipped at once are short) keeps each row's filled cells, in
/// column order, against the row's own cells.
@Suite struct CSVWideRowTests {
    @Test func eightyAttributeColumns() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("wide-rows").path)
        let store = try ws.openStore()
        let names = (0..<80).map { $0 % 9 == 4 ? "case:c\($0)" : "a\($0)" }
        var random = SplitMix(seed: 80)
        var text = "case_id,activity,timestamp," + names.joined(separator: ",") + "\n"
        var expected: [[String: AttributeValue]] = []
        for row in 0..<200 {
            var cells: [String] = []
            var attributes: [String: AttributeValue] = [:]
            for name in names {
                // Rows fill few, many or all of the columns; case columns are filled on every row.
                let filled = name.hasPrefix("case:") || random.next() % UInt64(1 + row % 4) == 0
                let value = filled ? Int(random.next() % 1_000) : nil
                cells.append(value.map(String.init) ?? "")
                if let value, !name.hasPrefix("case:") { attributes[name] = .int(Int64(value)) }
            }
            expected.append(attributes)
            text += "c\(row / 4),A\(row % 3),2026-01-05T10:\(String(format: "%02d", row % 60)):00Z," + cells.joined(separator: ",") + "\n"
        }
        let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: Fixtures.write(text, to: "wide.csv", in: ws.root), options: ImportOptions())
        #expect(report.eventsAdded == 200 && report.rejects == 0)
        let table = try store.eventTable()
        for (row, json) in table.attributes.enumerated() {
            let list = try AttributeJSON.decode(json)
            #expect(Dictionary(uniqueKeysWithValues: list.map { ($0.0, $0.1) }) == expected[row], "row \(row)")
            // In column order.
            let order = list.map { names.firstIndex(of: $0.0)! }
            #expect(order == order.sorted(), "row \(row)")
        }
    }
}

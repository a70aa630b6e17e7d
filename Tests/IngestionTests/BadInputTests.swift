import Foundation
import Testing
import _TestSupport
import _WaybillSupport
@testable import Ingestion
@testable import Storage

/// A corpus of bad inputs: each is rejected row by row with file, line, field and reason, or
/// refused whole with one clear error, never a crash and never a partial import.
@Suite struct BadInputTests {
    func workspace() throws -> (Workspace, EventStore, Ingestor) {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("bad").path)
        let store = try ws.openStore()
        return (ws, store, Ingestor(store: store, rejectsPath: ws.rejectsPath))
    }

    func lenient() -> ImportOptions {
        var options = ImportOptions()
        options.maxRejectRate = 1
        return options
    }

    @Test func unusableRowsGoToTheRejectsFile() throws {
        let (ws, store, ingestor) = try workspace()
        let csv = Fixtures.write("""
            case_id,activity,timestamp,amount
            c1,Create,2026-01-05T10:00:00Z,5
            ,Create,2026-01-05T10:00:00Z,5
            c2,,2026-01-05T10:00:00Z,5
            c3,Create,not a time,5
            c4,Create,2026-01-05T10:00:00Z
            c5,Create,,1
            "c6","Ship, fast","2026-01-05T11:00:00Z","7"

            """, to: "events.csv", in: ws.root)
        let report = try ingestor.ingest(path: csv, options: lenient())
        #expect(report.eventsAdded == 2)
        #expect(report.rejects == 5)
        let rejects = try String(contentsOfFile: ws.rejectsPath, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rejects[0] == RejectLog.header)
        #expect(rejects[1].hasSuffix("line 3,case_id,missing case id,"))
        #expect(rejects[2].hasSuffix("line 4,activity,missing activity,"))
        #expect(rejects[3].hasSuffix("line 5,timestamp,unreadable timestamp,not a time"))
        #expect(rejects[4].contains("line 6,,\"has 3 cells, the header has 4\""))
        #expect(rejects[5].hasSuffix("line 7,timestamp,missing timestamp,"))
        #expect(rejects.allSatisfy { $0 == RejectLog.header || $0.hasPrefix(csv) })
        #expect(try store.loadCaseView().activityNames.contains("Ship, fast"))
    }

    @Test func tooManyRejectsWritesNothing() throws {
        let (ws, store, ingestor) = try workspace()
        let csv = Fixtures.write("case_id,activity,timestamp\nc1,A,2026-01-05T10:00:00Z\nc2,B,garbage\n", to: "e.csv", in: ws.root)
        let error = try #require(throws: IngestionError.self) { try ingestor.ingest(path: csv, options: ImportOptions()) }
        #expect(error.code == .tooManyRejects)
        #expect(error.description.contains("nothing was imported"))
        #expect(try store.eventCount() == 0)
        #expect(try store.importRecords().isEmpty)
        #expect(FileManager.default.fileExists(atPath: ws.rejectsPath))
    }

    @Test func timestampsWithoutZoneNeedATimeZone() throws {
        let (ws, store, ingestor) = try workspace()
        let csv = Fixtures.write("case_id,activity,timestamp\nc1,A,2026-07-01 10:00:00\n", to: "naive.csv", in: ws.root)
        let error = try #require(throws: IngestionError.self) { try ingestor.ingest(path: csv, options: ImportOptions()) }
        #expect(error.code == .ambiguousTimeZone)
        #expect(error.description.contains("line 2"))
        #expect(error.description.contains("--timezone"))
        var options = ImportOptions()
        options.timeZone = "Europe/Amsterdam"
        _ = try ingestor.ingest(path: csv, options: options)
        // 10:00 in Amsterdam in July (CEST, UTC+2) is 08:00 UTC.
        #expect(try store.loadCaseView().timestamps == [1_782_892_800_000_000])
    }

    @Test(arguments: [
        ("%d/%m/%Y %H:%M", "05/01/2026 10:30", "2026-01-05T10:30:00.000Z"),
        ("epoch-s", "1767609000", "2026-01-05T10:30:00.000Z"),
        ("epoch-ms", "1767609000250", "2026-01-05T10:30:00.250Z"),
        ("auto", "1767609000250", "2026-01-05T10:30:00.250Z"),
    ])
    func timestampFormats(format: String, cell: String, expected: String) throws {
        let (ws, store, ingestor) = try workspace()
        let csv = Fixtures.write("case;activity;time\nc1;A;\(cell)\n", to: "f.csv", in: ws.root)
        var options = ImportOptions()
        options.timestampFormat = format
        options.timeZone = "UTC"
        let report = try ingestor.ingest(path: csv, options: options)
        #expect(report.eventsAdded == 1)
        #expect(try store.loadCaseView().timestamps.map { Timestamp.format($0) } == [expected])
    }

    @Test func wholeFileErrorsAreOneClearLine() throws {
        let (ws, store, ingestor) = try workspace()
        var binary = Data("case_id,activity,timestamp\n".utf8)
        binary.append(contentsOf: [0, 1, 2, 0xFF, 0])
        try binary.write(to: ws.root.appendingPathComponent("binary.csv"))
        let cases: [(String, IngestionError.Code)] = [
            (ws.root.appendingPathComponent("binary.csv").path, .wrongFormat),
            (Fixtures.write("", to: "empty.csv", in: ws.root), .wrongFormat),
            (Fixtures.write("a,b,c\n1,2,3\n", to: "nocolumns.csv", in: ws.root), .missingColumn),
            (Fixtures.write("<log><trace><event></trace></log>", to: "broken.xes", in: ws.root), .malformed),
            (Fixtures.write("{\"not\": \"xes\"}", to: "json.xes", in: ws.root), .wrongFormat),
            (Fixtures.write("case_id,activity,timestamp\nc1,\"A,2026-01-05T10:00:00Z\n", to: "open-quote.csv", in: ws.root), .malformed),
            (ws.storePath, .wrongFormat),
            (ws.root.appendingPathComponent("missing.csv").path, .unreadable),
        ]
        for (path, code) in cases {
            let format: InputFormat? = path.hasSuffix(".sqlite") ? .csv : nil
            let error = try #require(throws: IngestionError.self, "\(path)") { try ingestor.ingest(path: path, format: format, options: lenient()) }
            #expect(error.code == code, "\(path): \(error)")
            #expect(error.description.hasPrefix(path), "\(error)")
            #expect(!error.description.contains("\n"))
        }
        #expect(try store.eventCount() == 0)
    }

    @Test func truncatedGzipImportsNothing() throws {
        let (ws, store, ingestor) = try workspace()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("receipt.xes.gz")))
        let truncated = ws.root.appendingPathComponent("truncated.xes.gz")
        try bytes.prefix(bytes.count * 2 / 3).write(to: truncated)
        let error = try #require(throws: IngestionError.self) { try ingestor.ingest(path: truncated.path, options: ImportOptions()) }
        #expect(error.code == .unreadable)
        #expect(error.description.contains("truncated"))
        #expect(try store.eventCount() == 0)
    }

    @Test func xesEventsWithoutActivityOrTimeAreRejected() throws {
        let (ws, _, ingestor) = try workspace()
        let xes = Fixtures.write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <log xes.version="1.0">
              <trace><string key="concept:name" value="c1"/>
                <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
                <event><date key="time:timestamp" value="2026-01-05T11:00:00Z"/></event>
                <event><string key="concept:name" value="C"/><date key="time:timestamp" value="soon"/></event>
              </trace>
              <trace><event><string key="concept:name" value="D"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event></trace>
            </log>
            """, to: "small.xes", in: ws.root)
        let report = try ingestor.ingest(path: xes, options: lenient())
        #expect(report.eventsAdded == 1)
        #expect(report.rejects == 3)
        let text = try String(contentsOfFile: ws.rejectsPath, encoding: .utf8)
        #expect(text.contains("line 5,concept:name,missing activity"))
        #expect(text.contains("line 6,time:timestamp,unreadable timestamp,soon"))
        #expect(text.contains("has no concept:name"))
    }
}

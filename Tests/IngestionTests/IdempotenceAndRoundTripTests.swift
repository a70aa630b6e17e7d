import Foundation
import Testing
import _TestSupport
import _WaybillSupport
@testable import Export
@testable import Ingestion
@testable import Storage

@Suite struct IdempotenceTests {
    @Test func sameFileTwiceAddsNothing() throws {
        let (store, first, ws) = try importFixture("receipt.csv")
        let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
        let second = try ingestor.ingest(path: Fixtures.path("receipt.csv"), options: ImportOptions())
        #expect(first.eventsAdded == 8_577)
        #expect(second.alreadyImported)
        #expect(try store.eventCount() == 8_577)
        #expect(try store.importRecords().count == 1)
    }

    /// The exporters' event lookup finds every event's row from its id, over two imports (ids
    /// with or without a gap between them) and with an id the store lacks.
    @Test func storedEventsFindEachRow() throws {
        let (store, _, ws) = try importFixture("receipt.csv")
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: Fixtures.path("running-example.csv"), options: ImportOptions())
        let table = try store.eventTable()
        let events = try StoredEvents(store: store)
        #expect(table.ids.count == 8_577 + 42)
        #expect(table.ids.indices.allSatisfy { events.row(of: table.ids[$0]) == $0 })
        #expect(events.row(of: table.ids.last! + 1) == nil && events.row(of: table.ids[0] - 1) == nil)
        #expect(table.ids.indices.allSatisfy { events.resource[$0] == table.resource[$0] })
        // The search for ids with gaps, against the position in the array.
        let gappy: [Int64] = [3, 4, 9, 10, 11, 40, 41, 100]
        for id in Int64(0)...101 {
            #expect(StoredEvents.row(of: id, in: gappy, dense: false) == gappy.firstIndex(of: id))
        }
        let dense: [Int64] = [7, 8, 9, 10]
        for id in Int64(5)...12 {
            #expect(StoredEvents.row(of: id, in: dense, dense: true) == dense.firstIndex(of: id))
        }
        #expect(StoredEvents.row(of: 1, in: [], dense: true) == nil)
    }

    /// The same content under another path is hashed while it is read and found to be an
    /// earlier import's only then: the import rolls back and reports it as already imported.
    @Test func sameContentUnderAnotherPathAddsNothing() throws {
        let (store, first, ws) = try importFixture("receipt.csv")
        let copy = ws.root.appendingPathComponent("copy-of-receipt.csv").path
        try FileManager.default.copyItem(atPath: Fixtures.path("receipt.csv"), toPath: copy)
        let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
        let second = try ingestor.ingest(path: copy, options: ImportOptions())
        #expect(second.alreadyImported && second.eventsAdded == 0)
        #expect(second.contentHash == first.contentHash && !first.contentHash.isEmpty)
        #expect(try store.eventCount() == 8_577)
        #expect(try store.importRecords().count == 1)
        // A new file hashed while read keeps its hash on its import record.
        let other = Fixtures.write(
            "case_id,activity,timestamp\nz1,A,2026-01-05T10:00:00Z\n", to: "other.csv", in: ws.root)
        let third = try ingestor.ingest(path: other, options: ImportOptions())
        #expect(!third.alreadyImported && third.eventsAdded == 1)
        #expect(try store.importRecords().last?.contentHash == FileDigest.contentHash(path: other))
        #expect(try ingestor.ingest(path: other, options: ImportOptions()).alreadyImported)
    }

    /// A store of schema version 3 recorded SHA-256 hashes; migrated, it keeps them as
    /// `sha256:<hex>`. The same file imported again is not found by its hash (now BLAKE3) but
    /// adds nothing by its events' identities, and from then on is found by its new hash.
    @Test func aVersion3StoreKeepsItsSHA256HashesAndAddsNothingTwice() throws {
        let fixture = Fixtures.path("receipt.csv")
        let sha256 = FileDigest.sha256(bytes: try Data(contentsOf: URL(fileURLWithPath: fixture)))
        let path: String
        do {
            let (store, first, ws) = try importFixture("receipt.csv")
            #expect(first.contentHash.hasPrefix(FileDigest.contentHashPrefix) && first.contentHash.count == 7 + 64)
            // Put the store back as a version-3 build wrote it.
            try store.db.execute("ALTER TABLE import_record RENAME COLUMN content_hash TO sha256")
            try store.db.execute("UPDATE import_record SET sha256 = '\(sha256)'")
            try store.db.execute("PRAGMA user_version = 3")
            path = ws.root.path
        }
        let ws = try Workspace(path: path)
        let store = try ws.openStore()
        #expect(try store.importRecords().map(\.contentHash) == ["sha256:\(sha256)"])
        let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
        let again = try ingestor.ingest(path: fixture, options: ImportOptions())
        #expect(!again.alreadyImported && again.eventsAdded == 0 && again.duplicates == 8_577)
        #expect(try store.eventCount() == 8_577)
        #expect(try ingestor.ingest(path: fixture, options: ImportOptions()).alreadyImported)
        #expect(try store.importRecords().map(\.contentHash) == ["sha256:\(sha256)", again.contentHash])
    }

    /// A plain CSV is hashed from the regions its reader reads: over several buffer fills, with
    /// a record longer than the buffer (which grows it), the hash is the file's.
    @Test func hashFromTheReadersRegionsIsTheFilesHash() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("stream-hash").path)
        var text = "case_id,activity,timestamp,note\n"
        for i in 0..<120_000 { text += "c\(i / 10),A\(i % 7),2026-01-05T10:\(10 + i % 50):00Z,n\(i)\n" }
        text += "c-long,A,2026-01-06T10:00:00Z,\(String(repeating: "x", count: 9_000_000))\n"
        let path = Fixtures.write(text, to: "big.csv", in: ws.root)
        let report = try Ingestor(store: try ws.openStore(), rejectsPath: ws.rejectsPath).ingest(path: path, options: ImportOptions())
        #expect(report.eventsAdded == 120_001)
        #expect(report.contentHash == (try FileDigest.contentHash(path: path)))
    }

    @Test func aGrownExportAddsOnlyItsNewEvents() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("grow").path)
        let store = try ws.openStore()
        let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
        let header = "case_id,activity,timestamp\n"
        let week1 = "c1,A,2026-01-05T10:00:00Z\nc1,A,2026-01-05T10:00:00Z\nc2,A,2026-01-06T10:00:00Z\n"
        let week2 = "c2,B,2026-01-13T10:00:00Z\n"
        _ = try ingestor.ingest(path: Fixtures.write(header + week1, to: "w1.csv", in: ws.root), options: ImportOptions())
        let report = try ingestor.ingest(path: Fixtures.write(header + week1 + week2, to: "w2.csv", in: ws.root), options: ImportOptions())
        #expect(report.eventsAdded == 1)
        #expect(report.duplicates == 3)
        // The identical pair of c1 events is kept as two events.
        #expect(try store.eventCount() == 4)
    }
}

@Suite struct CSVReaderTests {
    /// A simple reference: RFC 4180 split of a whole string, character by character.
    static func reference(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var cell = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { cell.append("\""); chars.removeFirst() } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { record.append(cell); cell = "" }
            else if c == "\n" || c == "\r\n" { record.append(cell); records.append(record); record = []; cell = "" }
            else { cell.append(c) }
        }
        if !cell.isEmpty || !record.isEmpty { record.append(cell); records.append(record) }
        return records
    }

    static func read(_ text: String, delimiter: UInt8 = 0x2C, chunk: Int) throws -> [[String]] {
        var bytes = Array(text.utf8)[...]
        let reader = try CSVReader(path: "t.csv", delimiter: delimiter) {
            guard !bytes.isEmpty else { return nil }
            let piece = Array(bytes.prefix(chunk))
            bytes = bytes.dropFirst(chunk)
            return piece
        }
        var out: [[String]] = []
        while try reader.next() { out.append((0..<reader.cellCount).map { reader.string($0) }) }
        return out
    }

    @Test(arguments: [1, 2, 7, 64, 4096])
    func agreesWithReferenceAtAnyChunking(chunk: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "bc", "", "\"q,uoted\"", "\"with \"\"quotes\"\"\"", "\"multi\nline\"", "é漢", "12.5"]
        for _ in 0..<50 {
            var text = ""
            for _ in 0..<Int.random(in: 1...20, using: &generator) {
                let cells = (0..<Int.random(in: 1...5, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                text += cells.joined(separator: ",") + (Bool.random(using: &generator) ? "\r\n" : "\n")
            }
            #expect(try Self.read(text, chunk: chunk) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    /// Long rows of mostly unquoted and empty cells, as real logs have: the word-at-a-time scan
    /// of quote-free records, with its fall-back to the general scan at a quoted cell and near
    /// the end of the buffer.
    @Test(arguments: [3, 16, 100, 4096])
    func longPlainRowsAgreeWithReference(chunk: Int) throws {
        var random = SplitMix(seed: UInt64(chunk))
        let pieces = ["", "", "", "O-0000001", "Order Created", "2026-01-05T00:09:27.020Z", "27.99", "x", "\"q,uoted\"", "é漢"]
        for _ in 0..<40 {
            var text = ""
            for _ in 0..<Int(1 + random.next() % 30) {
                let cells = (0..<Int(1 + random.next() % 30)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                text += cells.joined(separator: ",") + (random.next() % 4 == 0 ? "\r\n" : "\n")
            }
            #expect(try Self.read(text, chunk: chunk) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    /// A quote inside an unquoted cell is text, and a bare CR ends a record, in both scans.
    @Test func quoteInsideCellAndBareCR() throws {
        let row = "abcdefgh,ij\"kl\"mnopqrstu,vwxyz0123456789\rsecond,row,with,several,cells,0123456789\n"
        let expected = [["abcdefgh", "ij\"kl\"mnopqrstu", "vwxyz0123456789"], ["second", "row", "with", "several", "cells", "0123456789"]]
        for chunk in [1, 7, 4096] { #expect(try Self.read(row, chunk: chunk) == expected) }
    }

    @Test func lastRecordWithoutLineBreak() throws {
        #expect(try Self.read("a,b\nc,d", chunk: 3) == [["a", "b"], ["c", "d"]])
        #expect(try Self.read("a,b\nc,", chunk: 1) == [["a", "b"], ["c", ""]])
    }

    /// `text` written to a file and read in place through a mapping, the window moving
    /// `window` bytes a fill.
    static func readMapped(_ text: String, window: Int) throws -> [[String]] {
        let path = Fixtures.write(text, to: "mapped.csv", in: Fixtures.temporaryDirectory("mapped"))
        let mapped = try #require(MappedFile(path: path))
        let reader = try CSVReader(path: path, delimiter: 0x2C, mapped: mapped, window: window)
        var out: [[String]] = []
        while try reader.next() { out.append((0..<reader.cellCount).map { reader.string($0) }) }
        #expect(reader.bytesRead == text.utf8.count)
        return out
    }

    /// Read in place through a mapping, with windows smaller and larger than a page and than a
    /// record, the records are those the reader gives when it reads the same bytes: plain and
    /// quoted cells, CRLF, a last record with and without a line break, a byte-order mark, files
    /// ending exactly on a page boundary.
    @Test(arguments: [7, 100, 4096, 1 << 19])
    func mappedFileAgreesWithReference(window: Int) throws {
        var random = SplitMix(seed: UInt64(window))
        let pieces = ["", "O-0000001", "Order Created", "2026-01-05T00:09:27.020Z", "\"q,uoted\"", "\"multi\nline\"", "é漢"]
        var texts = ["", "a", "a,b\nc,", "\u{FEFF}h1,h2\nx,y\n"]
        for _ in 0..<12 {
            var text = ""
            // Up to about 200 KB: past the first window, which holds at least 64 KiB.
            for _ in 0..<Int(1 + random.next() % 1_500) {
                let cells = (0..<Int(1 + random.next() % 20)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                text += cells.joined(separator: ",") + (random.next() % 4 == 0 ? "\r\n" : "\n")
            }
            texts.append(random.next() % 3 == 0 ? String(text.dropLast()) : text)
        }
        // Exactly one and two pages long, ending with and without a line break.
        let row = String(repeating: "x", count: 4094) + ",\n"
        texts += [row, row + String(row.dropLast()) + "y"]
        for text in texts {
            #expect(
                try Self.readMapped(text, window: window) == Self.read(text, chunk: 4096),
                "\(text.prefix(200).debugDescription)")
        }
    }
}

/// Import, export and re-import lose nothing.
@Suite struct RoundTripTests {
    struct Snapshot: Equatable {
        var cases: [String: [String]]
        var attributes: [String: [String]]
    }

    static func snapshot(_ store: EventStore) throws -> Snapshot {
        let log = try store.loadCaseView()
        let events = try StoredEvents(store: store)
        var cases: [String: [String]] = [:]
        var attributes: [String: [String]] = [:]
        for c in 0..<log.caseCount {
            cases[log.caseIDs[c]] = log.events(ofCase: c).map { i in
                let row = events.row(of: log.eventIDs[i])
                let attrs = (row.flatMap { events.attributes[$0] } ?? []).map { "\($0.key)=\($0.value.text)" }.sorted()
                    .joined(separator: ";")
                let resource = row.flatMap { events.resource[$0] } ?? ""
                let lifecycle = row.flatMap { events.lifecycle[$0] } ?? ""
                return "\(log.activityNames[Int(log.activities[i])])|\(log.timestamps[i])|\(log.startTimestamps[i])|\(resource)|\(lifecycle)|\(attrs)"
            }
            attributes[log.caseIDs[c]] = log.caseAttributes.keys.sorted().compactMap { k in log.caseAttributes[k]![c].map { "\(k)=\($0.text)" } }
        }
        return Snapshot(cases: cases, attributes: attributes)
    }

    @Test(arguments: ["running-example.csv", "running-example.xes", "receipt.xes.gz", "interval_event_log.csv", "roadtraffic100traces.xes"])
    func exportAndReimport(name: String) throws {
        let (store, _, ws) = try importFixture(name)
        let original = try Self.snapshot(store)
        for format in ["csv", "xes", "jsonocel"] {
            let out = ws.root.appendingPathComponent("export.\(format)").path
            switch format {
            case "csv": try CSVExporter(store: store).write(to: out)
            case "xes": try XESExporter(store: store).write(to: out)
            default: try OCELJSONExporter(store: store).write(to: out)
            }
            let target = try Workspace(path: Fixtures.temporaryDirectory("reimport").path)
            let again = try target.openStore()
            let report = try Ingestor(store: again, rejectsPath: target.rejectsPath).ingest(path: out, options: ImportOptions())
            #expect(report.rejects == 0, "\(format)")
            #expect(try Self.snapshot(again) == original, "\(name) via \(format)")
        }
    }
}

/// The vector scan of quote-free records (`wb_csv_scan_plain`) against the reference split, at
/// the edges it has: records of more cells than its first bound array holds, CRLF split across
/// reads, cells of 15 to 17 bytes around its 16-byte step, and other delimiters.
@Suite struct CSVPlainScanTests {
    @Test(arguments: [5, 16, 17, 4096])
    func wideRowsAndStepEdges(chunk: Int) throws {
        var random = SplitMix(seed: UInt64(chunk) &* 31)
        let pieces = ["", "x", String(repeating: "a", count: 15), String(repeating: "b", count: 16), String(repeating: "c", count: 17), "\"quoted, cell\""]
        for width in [1, 2, 63, 64, 65, 200] {
            var text = ""
            for _ in 0..<4 {
                let cells = (0..<width).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                text += cells.joined(separator: ",") + (random.next() % 3 == 0 ? "\r\n" : "\n")
            }
            #expect(try CSVReaderTests.read(text, chunk: chunk) == CSVReaderTests.reference(text), "width \(width)")
        }
    }

    @Test func semicolonAndTabDelimiters() throws {
        #expect(try CSVReaderTests.read("a;b,c;\nd;e;f\n", delimiter: 0x3B, chunk: 3) == [["a", "b,c", ""], ["d", "e", "f"]])
        #expect(try CSVReaderTests.read("a\tb c\t\nd\te\tf", delimiter: 0x09, chunk: 4096) == [["a", "b c", ""], ["d", "e", "f"]])
    }
}

import Foundation
import Testing
import _TestSupport
@testable import Ingestion
@testable import Storage

/// Source-system extraction with a mapping: incremental, idempotent, with clear mapping errors.
@Suite struct ExtractionTests {
    struct Source {
        let ws: Workspace
        let store: EventStore
        let db: SQLiteConnection
        let sourcePath: String
        let mappingPath: String

        init(mapping: String? = nil) throws {
            ws = try Workspace(path: Fixtures.temporaryDirectory("extract").path)
            store = try ws.openStore()
            sourcePath = ws.root.appendingPathComponent("oms.sqlite").path
            db = try SQLiteConnection(path: sourcePath)
            try db.execute("""
                CREATE TABLE orders (order_id TEXT, created_at TEXT, channel TEXT, promised_at TEXT);
                CREATE TABLE picks (order_id TEXT, done_at TEXT, started_at TEXT, worker TEXT, node TEXT, tote TEXT);
                """)
            mappingPath = Fixtures.write(mapping ?? """
                name: oms
                case_type: orders
                case_attributes:
                  query: SELECT order_id AS case_id, channel, promised_at FROM orders
                entries:
                  - name: created
                    activity: Order Created
                    query: SELECT order_id AS case_id, created_at AS timestamp FROM orders
                  - name: picked
                    activity: Picked
                    query: >-
                      SELECT order_id AS case_id, done_at AS timestamp, started_at AS start_timestamp,
                      worker AS resource, node, tote AS "object:totes" FROM picks
                """, to: "mapping.yaml", in: ws.root)
        }

        func extract(maxRejectRate: Double = 0.01) throws -> IngestReport {
            var options = ImportOptions()
            options.maxRejectRate = maxRejectRate
            return try Ingestor(store: store, rejectsPath: ws.rejectsPath).extract(sourcePath: sourcePath, mappingPath: mappingPath, options: options)
        }
    }

    @Test func extractsIncrementallyAndIdempotently() throws {
        let source = try Source()
        try source.db.execute("""
            INSERT INTO orders VALUES ('O1', '2026-01-05T10:00:00Z', 'web', '2026-01-08T18:00:00Z'),
                                      ('O2', '2026-01-05T11:00:00Z', 'b2b', '2026-01-09T18:00:00Z');
            INSERT INTO picks VALUES ('O1', '2026-01-05T14:00:00Z', '2026-01-05T13:30:00Z', 'w7', 'DC-N', 'T1');
            """)
        let first = try source.extract()
        #expect(first.eventsAdded == 3)
        let log = try source.store.loadCaseView()
        #expect(log.caseType == "orders")
        #expect(log.caseCount == 2)
        #expect(log.caseAttributes["channel"]?.map { $0?.text } == ["web", "b2b"])
        if case .date = log.caseAttributes["promised_at"]?[0] ?? nil {} else { Issue.record("promised_at should be a date") }
        #expect(log.hasStartTimestamps)
        #expect(try source.store.objectTypes().contains { $0.name == "totes" && $0.objects == 1 })

        // Nothing new: nothing added.
        #expect(try source.extract().eventsAdded == 0)
        // New rows, one of them at the watermark's own instant: exactly the new ones are added.
        try source.db.execute("""
            INSERT INTO orders VALUES ('O3', '2026-01-05T11:00:00Z', 'web', '2026-01-09T18:00:00Z');
            INSERT INTO picks VALUES ('O2', '2026-01-06T09:00:00Z', NULL, 'w8', 'DC-S', NULL);
            """)
        let third = try source.extract()
        #expect(third.eventsAdded == 2)
        #expect(try source.store.eventCount() == 5)
        #expect(try source.store.watermark(mapping: "oms", entry: "picked") == "t:2026-01-06T09:00:00Z")
    }

    @Test func unusableRowsAreRejectedWithTheirEntry() throws {
        let source = try Source()
        try source.db.execute("""
            INSERT INTO orders VALUES ('O1', '2026-01-05T10:00:00Z', 'web', NULL), (NULL, '2026-01-05T10:00:00Z', 'web', NULL),
                                      ('O3', 'yesterday', 'web', NULL);
            """)
        let report = try source.extract(maxRejectRate: 1)
        #expect(report.eventsAdded == 1)
        let rejects = try String(contentsOfFile: source.ws.rejectsPath, encoding: .utf8)
        #expect(rejects.contains("entry created row 2,case_id,missing case id"))
        #expect(rejects.contains("entry created row 3,timestamp,unreadable timestamp,yesterday"))
    }

    @Test(arguments: [
        ("name: m\nentries: []\n", "has no entries"),
        ("name: m\nentries:\n  - name: a\n    activity: A\n    query: DELETE FROM orders\n", "must be a SELECT"),
        ("name: m\nentries:\n  - name: a\n    activity: A\n    query: SELECT 1 AS x FROM orders\n", "must return case_id and timestamp"),
        ("name: m\nentries:\n  - name: a\n    activity: A\n    query: SELECT nope FROM missing_table\n", "the query fails"),
        ("entries:\n  - name: a\n", "missing key 'name'"),
        ("name: m\nentries:\n  - name: a\n    activity: A\n    query: SELECT order_id AS case_id, created_at AS timestamp FROM orders\n  - name: a\n    activity: B\n    query: SELECT order_id AS case_id, created_at AS timestamp FROM orders\n", "used twice"),
    ])
    func badMappingsAreClearErrors(mapping: String, message: String) throws {
        let source = try Source(mapping: mapping)
        let error = try #require(throws: IngestionError.self) { try source.extract() }
        #expect(error.code == .invalidMapping)
        #expect(error.description.contains(message), "\(error)")
        #expect(try source.store.eventCount() == 0)
    }
}

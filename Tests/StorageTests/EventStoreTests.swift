import Foundation
import Testing
import _TestSupport
@testable import Storage

@Suite struct EventStoreTests {
    func freshStore() throws -> (EventStore, URL) {
        let dir = Fixtures.temporaryDirectory("store")
        return (try EventStore(path: dir.appendingPathComponent("waybill.sqlite").path), dir)
    }

    @Test func newStoreHasCurrentSchema() throws {
        let (store, _) = try freshStore()
        #expect(try store.db.scalarInt("PRAGMA user_version") == Int64(EventStore.schemaVersion))
        #expect(try store.summary().events == 0)
    }

    /// The first import into an empty store, when large, gives it 64 KiB pages; a small one, or
    /// any import into a store that holds something, leaves the pages as they are.
    @Test func aLargeFirstImportGetsLargePages() throws {
        func add(_ store: EventStore, bytes: Int, identity: Int64) throws {
            try store.ingest(source: "t\(identity)", format: "test", contentHash: nil, expectedBytes: bytes) { session in
                _ = try session.addEvent(
                    identity: identity, externalID: nil, activity: "A", time: 0, startTime: nil, lifecycle: nil, resource: nil,
                    attributes: nil, allowRepeats: true)
            }
        }
        let (small, _) = try freshStore()
        try add(small, bytes: 1_000, identity: 1)
        #expect(try small.db.scalarInt("PRAGMA page_size") == 4096)
        try add(small, bytes: EventStore.largeImportBytes, identity: 2)
        #expect(try small.db.scalarInt("PRAGMA page_size") == 4096)
        let (large, _) = try freshStore()
        try add(large, bytes: EventStore.largeImportBytes, identity: 3)
        #expect(try large.db.scalarInt("PRAGMA page_size") == 65_536)
        #expect(try large.db.journalMode() == "wal")
        #expect(try large.eventCount() == 1 && small.eventCount() == 2)
        #expect(try large.db.scalarInt("PRAGMA user_version") == Int64(EventStore.schemaVersion))
    }

    @Test func storeFromNewerVersionIsRefused() throws {
        let (store, dir) = try freshStore()
        try store.db.execute("PRAGMA user_version = 99")
        let error = try #require(throws: StoreError.self) { try EventStore(path: dir.appendingPathComponent("waybill.sqlite").path) }
        #expect(error.code == .newerSchema)
        #expect(error.description.contains("newer Waybill"))
    }

    @Test func otherDatabasesAndGarbageAreRefused() throws {
        let dir = Fixtures.temporaryDirectory("store")
        let other = dir.appendingPathComponent("other.sqlite").path
        let db = try SQLiteConnection(path: other)
        try db.execute("CREATE TABLE customers (id INTEGER)")
        #expect(throws: StoreError.self) { try EventStore(path: other) }
        let garbage = Fixtures.write(String(repeating: "not a database ", count: 100), to: "garbage.sqlite", in: dir)
        let error = try #require(throws: StoreError.self) { try EventStore(path: garbage) }
        #expect(error.code == .notAStore)
    }

    @Test func writesAreOneTransaction() throws {
        let (store, _) = try freshStore()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.ingest(source: "x", format: "test", contentHash: "abc") { session in
                let object = try session.object("c1", type: "case")
                let outcome = try session.addEvent(
                    identity: 1, externalID: nil, activity: "A", time: 0, startTime: nil, lifecycle: nil, resource: nil,
                    attributes: nil, allowRepeats: true)
                if case .added(let id) = outcome { try session.link(event: id, object: object.id) }
                throw Boom()
            }
        }
        #expect(try store.eventCount() == 0)
        #expect(try store.db.scalarInt("SELECT count(*) FROM object") == 0)
        #expect(try store.importRecords().isEmpty)
    }

    /// Identical events repeated within one import are kept; a later import of the same events adds none.
    @Test func eventIdentityKeepsRepeatsAndSkipsReimports() throws {
        let (store, _) = try freshStore()
        func offer(_ n: Int, sha: String) throws -> [IngestSession.EventOutcome] {
            try store.ingest(source: sha, format: "test", contentHash: sha) { session in
                try (0..<n).map { _ in
                    try session.addEvent(
                        identity: 42, externalID: nil, activity: "A", time: 0, startTime: nil, lifecycle: nil, resource: nil,
                        attributes: nil, allowRepeats: true)
                }
            }
        }
        let first = try offer(2, sha: "one")
        #expect(first.allSatisfy { if case .added = $0 { true } else { false } })
        let second = try offer(3, sha: "two")
        #expect(second.prefix(2) == [.alreadyStored, .alreadyStored])
        if case .added = second[2] {} else { Issue.record("the third copy is new and must be added") }
        #expect(try store.eventCount() == 3)
    }

    @Test func caseViewOrdersByTimeWithTiesInInsertionOrder() throws {
        let (store, _) = try freshStore()
        try store.ingest(source: "t", format: "test", contentHash: nil) { session in
            let c = try session.object("c", type: "case").id
            for (i, (activity, time)) in [("late", 30), ("tie-1", 10), ("early", 5), ("tie-2", 10)].enumerated() {
                if case .added(let id) = try session.addEvent(
                    identity: Int64(i), externalID: nil, activity: activity, time: Int64(time), startTime: nil, lifecycle: nil,
                    resource: nil, attributes: nil, allowRepeats: true)
                {
                    try session.link(event: id, object: c)
                }
            }
        }
        let log = try store.loadCaseView()
        log.checkInvariants()
        #expect(log.events(ofCase: 0).map { log.activityNames[Int(log.activities[$0])] } == ["early", "tie-1", "tie-2", "late"])
    }

    @Test func attributeJSONRoundTrips() throws {
        let list: AttributeList = [
            ("s", .string("quote \" backslash \\ newline \n tab \t é 漢")), ("i", .int(-42)), ("f", .double(5)),
            ("g", .double(1.25e-7)), ("b", .bool(true)), ("d", .date(1_300_000_000_123_456)), ("id", .id("u-1")),
            ("nan", .double(.infinity)),
        ]
        let decoded = try AttributeJSON.decode(AttributeJSON.encode(list))
        #expect(decoded.map(\.key) == list.map(\.key))
        #expect(decoded.map(\.value) == list.map(\.value))
    }

    @Test func workspacePathsCannotEscape() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("ws").path)
        #expect(throws: StoreError.self) { try ws.resolve("../outside") }
        #expect(throws: StoreError.self) { try ws.resolve("/etc/passwd") }
        #expect(throws: StoreError.self) { try ws.resolve("Reports/../../x") }
        #expect(try ws.resolve("Reports/2026-W01/index.html").path.hasSuffix("Reports/2026-W01/index.html"))
    }
}

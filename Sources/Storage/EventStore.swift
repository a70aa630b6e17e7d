import Foundation
import _WaybillSupport

/// The workspace's event store: one SQLite file holding the log faithfully.
///
/// Events (activity, UTC timestamp in microseconds, optional start timestamp and lifecycle
/// transition, resource, typed attributes), the object-centric structure of OCEL 2.0 (object
/// types, objects, attribute values over time, event-to-object and object-to-object links with
/// qualifiers), case attributes (the attributes of the objects a flat log's cases become),
/// import records (file hashes) and extraction watermarks. A flat log's case is an object of the
/// case type (`case` unless the importer is told otherwise), linked to each of its events.
///
/// Every write is one transaction (`ingest`), so a killed process leaves the store as it was.
public final class EventStore {
    /// The store file's path.
    public let path: String
    /// The open connection.
    public let db: SQLiteConnection

    /// The file name of a workspace's store.
    public static let fileName = "waybill.sqlite"

    /// Opens or creates a store, migrating it to the current schema.
    ///
    /// - Throws: `StoreError` if the file is not a store, was written by a newer Waybill, or
    ///   cannot be opened.
    public init(path: String, create: Bool = true) throws {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.notFound, "no event store here; run `waybill ingest` or `waybill extract` first", path: path)
        }
        self.path = path
        db = try SQLiteConnection(path: path, create: create)
        do {
            try db.execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -\(EventStore.cacheKiB);")
        } catch let error as StoreError where error.message.contains("not a database") {
            throw StoreError(.notAStore, "is not a SQLite database (and so not a Waybill event store)", path: path)
        }
        try Schema.migrate(db)
    }

    /// SQLite's page cache for reads, and during an import, in KiB.
    static let cacheKiB = 262_144
    static let ingestCacheKiB = 16_384

    /// The schema version this build writes.
    public static var schemaVersion: Int { Schema.latestVersion }

    /// The import record of a file already ingested, found by its content hash.
    public func importRecord(contentHash: String) throws -> ImportRecord? {
        try importRecords(where: "content_hash = ?", [.text(contentHash)]).first
    }

    /// All import records, oldest first.
    public func importRecords() throws -> [ImportRecord] { try importRecords(where: "1", []) }

    private func importRecords(where condition: String, _ arguments: [SQLiteValue]) throws -> [ImportRecord] {
        let statement = try db.prepare(
            "SELECT id, source, format, content_hash, started_at, events_read, events_added, duplicates, objects_added, rejects FROM import_record WHERE \(condition) ORDER BY id")
        try statement.bind(arguments)
        var records: [ImportRecord] = []
        while try statement.step() {
            records.append(ImportRecord(
                id: statement.int64(0), source: statement.text(1), format: statement.text(2),
                contentHash: statement.optionalText(3), startedAt: statement.text(4), eventsRead: Int(statement.int64(5)),
                eventsAdded: Int(statement.int64(6)), duplicates: Int(statement.int64(7)),
                objectsAdded: Int(statement.int64(8)), rejects: Int(statement.int64(9))))
        }
        return records
    }

    /// Runs one import as one transaction: `body` writes through the session; if it throws,
    /// nothing it wrote remains.
    ///
    /// The transaction runs under SQLite's rollback journal rather than the store's usual
    /// write-ahead log when no other connection has the store open: with WAL every page of an
    /// import is written twice (to the log, then by the checkpoint into the database), while a
    /// rollback journal keeps only the original content of the few pages the import changes
    /// (pages appended past the database's end need none), so the event segments are written
    /// once. Atomicity is the same: a killed process leaves a hot journal, which the next open
    /// rolls back. The store goes back to WAL afterwards. The cost: a reader that opens the
    /// store during the import waits for it (up to the busy timeout) instead of reading the
    /// state before it.
    ///
    /// - Parameters:
    ///   - source: the file or mapping read, for the import record.
    ///   - format: the input format's name.
    ///   - contentHash: the file's content hash; a second import with the same hash is refused
    ///     by the unique constraint, so callers check `importRecord(contentHash:)` first.
    ///   - expectedBytes: the input's size, when known: the first import into an empty store of
    ///     at least `largeImportBytes` gives the store 64 KiB pages (see `useLargePages()`).
    public func ingest<T>(
        source: String, format: String, contentHash: String?, options: String? = nil, expectedBytes: Int? = nil,
        _ body: (IngestSession) throws -> T
    ) throws -> T {
        let switched = db.useRollbackJournal()
        defer { if switched { db.restoreWriteAheadLog() } }
        if switched, let expectedBytes, expectedBytes >= EventStore.largeImportBytes { try useLargePages() }
        // An import writes each page once, so a large page cache only holds pages on their way
        // to the file; every page of it is memory touched (and zeroed by the kernel) for the first
        // time. 16 MiB keeps the writes as fast and the ingest 240 MB smaller at 1 M orders.
        try db.execute("PRAGMA cache_size = -\(EventStore.ingestCacheKiB)")
        defer { try? db.execute("PRAGMA cache_size = -\(EventStore.cacheKiB)") }
        return try db.transaction {
            let insert = try db.prepare(
                "INSERT INTO import_record (source, format, content_hash, started_at, options) VALUES (?, ?, ?, ?, ?)")
            try insert.bind([
                .text(source), .text(format), contentHash.map { .text($0) } ?? .null,
                .text(Timestamp.format(Int64(Date().timeIntervalSince1970 * 1_000_000))),
                options.map { .text($0) } ?? .null,
            ])
            try insert.run()
            let session = try IngestSession(db: db, importID: db.lastInsertRowID)
            // Paced only when the pages go to the database file itself: under WAL they go to the
            // log, whose checkpoint reads them back, better from the cache.
            if try db.journalMode() != "wal" { session.writeback = WritebackPacer(path: path) }
            let result = try body(session)
            try session.finish()
            return result
        }
    }

    /// Inputs from this size on make an empty store's pages 64 KiB.
    public static let largeImportBytes = 256 << 20

    /// Gives a store that holds nothing yet 64 KiB pages (SQLite's largest), outside WAL mode.
    ///
    /// Events live in segments of megabytes, stored as chains of overflow pages, and each page
    /// costs the pager and the kernel a fetch and a write call: with 16 times fewer pages the
    /// SQLite and kernel share of a 1 M-order CSV ingest fell from 30 to 25 % of its samples.
    /// Only a store whose first import is large gets them: for every new store they doubled the
    /// test suite's time, which makes many small stores. The store is rebuilt (`VACUUM`), which
    /// for an empty schema is immediate; a store with anything in it is left as it is.
    func useLargePages() throws {
        guard try db.scalarInt("PRAGMA page_size") != 65_536,
            try db.scalarInt("SELECT count(*) FROM event_segment") == 0,
            try db.scalarInt("SELECT count(*) FROM object") == 0
        else { return }
        try db.execute("PRAGMA page_size = 65536; VACUUM;")
    }

    /// The names of the object types in the store, with their object counts.
    public func objectTypes() throws -> [(name: String, objects: Int)] {
        try db.rows(
            "SELECT t.name, count(o.id) FROM object_type t LEFT JOIN object o ON o.type_id = t.id GROUP BY t.id ORDER BY t.name"
        ).map { ($0[0].text ?? "", Int($0[1].integer ?? 0)) }
    }

    /// Resolves the object type a case view flattens onto.
    ///
    /// `requested` if given (it must exist); else `orders` if present; else the only type that
    /// owns events; else an error listing the choices.
    public func resolveCaseType(_ requested: String?) throws -> String {
        // The common cases need no pass over the segments; listing the types with events does.
        if let requested {
            guard try db.scalarInt("SELECT id FROM object_type WHERE name = ?", [.text(requested)]) != nil else {
                let types = try typesWithEvents()
                throw StoreError(.notFound, "no object type '\(requested)' in the store; it has: \(types.joined(separator: ", "))", path: path)
            }
            return requested
        }
        if try db.scalarInt("SELECT 1 FROM object o JOIN object_type t ON t.id = o.type_id WHERE t.name = 'orders' LIMIT 1") != nil {
            return "orders"
        }
        let types = try typesWithEvents()
        if types.count == 1 { return types[0] }
        if types.isEmpty { throw StoreError(.notFound, "the store holds no events yet; ingest a log first", path: path) }
        throw StoreError(.invalidInput, "several object types have events (\(types.joined(separator: ", "))); choose one with --object-type", path: path)
    }

    /// The object types that own at least one event, by name.
    ///
    /// - Complexity: O(*L*) over the links.
    public func typesWithEvents() throws -> [String] {
        var objectsWithEvents: Set<Int64> = []
        let statement = try db.prepare("SELECT data FROM event_segment WHERE link_count > 0")
        while try statement.step() {
            let segment = try statement.withBlob(0) { try EventSegment.decode($0) }
            objectsWithEvents.formUnion(segment.linkObject)
        }
        var typeOf: [Int64: String] = [:]
        var names: Set<String> = []
        for row in try db.rows("SELECT o.id, t.name FROM object o JOIN object_type t ON t.id = o.type_id") {
            typeOf[row[0].integer!] = row[1].text!
        }
        for object in objectsWithEvents { if let name = typeOf[object] { names.insert(name) } }
        return names.sorted()
    }

    /// Reads a watermark of an extraction mapping entry.
    public func watermark(mapping: String, entry: String) throws -> String? {
        try db.rows("SELECT value FROM watermark WHERE mapping = ? AND entry = ?", [.text(mapping), .text(entry)]).first?[0].text
    }
}

/// What one import did, as recorded in the store.
public struct ImportRecord: Sendable, Equatable {
    public var id: Int64
    public var source: String
    public var format: String
    /// The file's content hash, `blake3:<hex>` (`sha256:<hex>` from before schema version 4).
    public var contentHash: String?
    public var startedAt: String
    public var eventsRead: Int
    public var eventsAdded: Int
    public var duplicates: Int
    public var objectsAdded: Int
    public var rejects: Int
}

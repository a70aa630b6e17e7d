import Storage
import _WaybillSupport

/// Imports an object-centric event log in the OCEL 2.0 SQLite layout.
///
/// Reads the tables of the OCEL 2.0 relational schema: `event` and `object` (`ocel_id`,
/// `ocel_type`), `event_object` and `object_object` (`ocel_*_id` pairs with `ocel_qualifier`),
/// `event_map_type` and `object_map_type` (each type's table-name suffix), one `event_<Type>`
/// table per event type (`ocel_id`, `ocel_time`, attribute columns) and one `object_<Type>` table
/// per object type (`ocel_id`, `ocel_time`, `ocel_changed_field`, attribute columns). A row of an
/// object table with an empty `ocel_changed_field` gives every non-null attribute's value from
/// `ocel_time` on; a row naming a field gives that field's new value. Attribute types are the
/// columns' declared types (`TEXT`, `REAL`, `INTEGER`, `TIMESTAMP`...).
///
/// Without the map tables, the type tables are found by the type name stripped to letters and
/// digits (PM4Py's convention). The file is opened read-only. `OCELBuilder` types the values and
/// writes the store, as for the JSON and XML layouts.
///
/// Timestamps in this layout are usually written without a zone (`2022-01-09 15:00:00`, local
/// time of the exporter); they then need `--timezone`.
///
/// - Complexity: O(*n*) time in the rows of the file; memory O(events + event-object rows).
public struct OCELSQLiteImporter: LogImporter {
    public var formatName: String { "ocel2-sqlite" }
    let path: String
    let options: ImportOptions

    public init(path: String, options: ImportOptions) {
        self.path = path
        self.options = options
    }

    /// The columns of an OCEL type table that are not attributes.
    private static let reservedColumns: Set<String> = ["ocel_id", "ocel_time", "ocel_changed_field"]

    /// An event's time and attributes, read from its type's table.
    ///
    /// - Complexity: O(1) to create.
    private struct EventDetails {
        var time: String?
        var attributes: [(name: String, value: OCELRawValue)]
    }

    /// - Throws: `IngestionError` `.unreadable` (cannot open), `.wrongFormat` (a SQLite file
    ///   without the OCEL 2.0 tables), `.malformed` (unreadable tables), `.ambiguousTimeZone`.
    /// - Complexity: O(*n*) in the rows of the file; memory O(events + event-object rows), for
    ///   the per-type event tables and the event-object table are joined in memory (OCEL files
    ///   carry no indexes to join them by).
    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let db = try SourceDatabase(path: path)
        let tables = try db.tables()
        for required in ["event", "object"] where tables[required] == nil {
            throw IngestionError(
                .wrongFormat, file: path,
                "has no '\(required)' table, so it is not an OCEL 2.0 SQLite log (tables: \(tables.values.sorted().joined(separator: ", ")))"
            )
        }
        let builder = try OCELBuilder(session: session, path: path, options: options, rejects: rejects)
        defer { rejects = builder.rejects }

        // Types and their tables.
        let objectTypes = try typeTables(db, tables, kind: "object")
        let eventTypes = try typeTables(db, tables, kind: "event")
        for (type, table) in objectTypes {
            let columns = try table.map { try db.columns($0) } ?? []
            try builder.declareObjectType(type, attributes: columns.filter { !Self.reservedColumns.contains($0.name) })
        }
        for (type, table) in eventTypes {
            let columns = try table.map { try db.columns($0) } ?? []
            builder.declareEventType(type, attributes: columns.filter { !Self.reservedColumns.contains($0.name) })
        }

        // Objects, then their attribute values and links.
        let objects = try db.inFileOrder("SELECT ocel_id, ocel_type FROM object")
        var row = 0
        while try db.step(objects) {
            row += 1
            let id = objects.optionalText(0)
            try builder.object(
                id: id, type: objects.optionalText(1), location: id.map { "object \($0)" } ?? "object row \(row)")
        }
        for (_, table) in objectTypes {
            guard let table else { continue }
            try readObjectAttributes(db, table: table, builder)
        }
        if tables["object_object"] != nil {
            let links = try db.inFileOrder("SELECT ocel_source_id, ocel_target_id, ocel_qualifier FROM object_object")
            while try db.step(links) {
                let source = links.text(0)
                try builder.objectLink(
                    sourceID: source, targetID: links.optionalText(1), qualifier: links.optionalText(2),
                    location: "object \(source)")
            }
        }

        // Events: time and attributes from the type tables, relationships from event_object.
        var details: [String: EventDetails] = [:]
        for (type, table) in eventTypes {
            guard let table else {
                builder.warn("event types without an event_<type> table (their events have no time): \(type)")
                continue
            }
            try readEventDetails(db, table: table, into: &details)
        }
        var relationships: [String: [(objectID: String?, qualifier: String?)]] = [:]
        var relationshipOrder: [String] = []
        if tables["event_object"] != nil {
            let links = try db.inFileOrder("SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object")
            while try db.step(links) {
                let event = links.text(0)
                if relationships[event] == nil { relationshipOrder.append(event) }
                relationships[event, default: []].append((links.optionalText(1), links.optionalText(2)))
            }
        }
        let events = try db.inFileOrder("SELECT ocel_id, ocel_type FROM event")
        row = 0
        while try db.step(events) {
            row += 1
            let id = events.optionalText(0)
            let detail = id.flatMap { details[$0] }
            try builder.event(
                id: id, type: events.optionalText(1), time: detail?.time, attributes: detail?.attributes ?? [],
                relationships: id.flatMap { relationships.removeValue(forKey: $0) } ?? [],
                location: id.map { "event \($0)" } ?? "event row \(row)")
        }
        for event in relationshipOrder {
            for link in relationships[event] ?? [] {
                builder.rejectRow(
                    location: "event_object \(event) → \(link.objectID ?? "")", field: "relationship",
                    reason: "dangling event reference", value: event)
            }
        }
        try builder.finish()
    }

    /// The types of one kind (`event` or `object`) with their tables, in the map table's order.
    ///
    /// From `<kind>_map_type` if present, else from the distinct types used; a type whose table
    /// is absent maps to nil.
    private func typeTables(_ db: SourceDatabase, _ tables: [String: String], kind: String) throws
        -> [(type: String, table: String?)]
    {
        var pairs: [(type: String, suffix: String)] = []
        if let map = tables["\(kind)_map_type"] {
            for row in try db.rows("SELECT ocel_type, ocel_type_map FROM \(quote(map))") {
                guard let type = row[0].text else { continue }
                pairs.append((type, row[1].text ?? OCELSQLiteImporter.tableSuffix(type)))
            }
        }
        let known = Set(pairs.map(\.type))
        for row in try db.rows("SELECT DISTINCT ocel_type FROM \(kind)") {
            guard let type = row[0].text, !known.contains(type) else { continue }
            pairs.append((type, OCELSQLiteImporter.tableSuffix(type)))
        }
        return pairs.map { ($0.type, tables["\(kind)_\($0.suffix)".lowercased()]) }
    }

    /// PM4Py's table-name suffix for a type: its letters and digits.
    static func tableSuffix(_ type: String) -> String {
        String(type.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
    }

    /// Reads one `object_<Type>` table's attribute values.
    private func readObjectAttributes(_ db: SourceDatabase, table: String, _ builder: OCELBuilder) throws {
        let columns = try db.columns(table)
        guard columns.contains(where: { $0.name == "ocel_id" }) else {
            builder.warn("object tables without an ocel_id column (skipped): \(table)")
            return
        }
        let attributeColumns = columns.filter { !Self.reservedColumns.contains($0.name) }.map(\.name)
        guard !attributeColumns.isEmpty else { return }
        let hasTime = columns.contains { $0.name == "ocel_time" }
        let hasChanged = columns.contains { $0.name == "ocel_changed_field" }
        let selected =
            ["ocel_id", hasTime ? "ocel_time" : "NULL", hasChanged ? "ocel_changed_field" : "NULL"]
            + attributeColumns.map(quote)
        let statement = try db.inFileOrder("SELECT \(selected.joined(separator: ", ")) FROM \(quote(table))")
        var row = 0
        while try db.step(statement) {
            row += 1
            let id = statement.text(0)
            let time = statement.optionalText(1)
            let location = "\(table) row \(row) (object \(id))"
            let changed = statement.optionalText(2).flatMap { $0.isEmpty ? nil : $0 }
            if let changed {
                guard let k = attributeColumns.firstIndex(of: changed) else {
                    builder.rejectRow(
                        location: location, field: "ocel_changed_field", reason: "names no column of \(table)",
                        value: changed)
                    continue
                }
                let value = OCELSQLiteImporter.raw(statement, Int32(3 + k))
                if value == .null {
                    builder.rejectRow(location: location, field: changed, reason: "changed value is missing")
                    continue
                }
                try builder.objectAttribute(objectID: id, name: changed, time: time, value: value, location: location)
            } else {
                for (k, name) in attributeColumns.enumerated() {
                    let value = OCELSQLiteImporter.raw(statement, Int32(3 + k))
                    if value == .null { continue }
                    try builder.objectAttribute(objectID: id, name: name, time: time, value: value, location: location)
                }
            }
        }
    }

    /// Reads one `event_<Type>` table into `details`, by event id.
    private func readEventDetails(_ db: SourceDatabase, table: String, into details: inout [String: EventDetails])
        throws
    {
        let columns = try db.columns(table)
        guard columns.contains(where: { $0.name == "ocel_id" }) else { return }
        let attributeColumns = columns.filter { !Self.reservedColumns.contains($0.name) }.map(\.name)
        let hasTime = columns.contains { $0.name == "ocel_time" }
        let selected = ["ocel_id", hasTime ? "ocel_time" : "NULL"] + attributeColumns.map(quote)
        let statement = try db.prepare("SELECT \(selected.joined(separator: ", ")) FROM \(quote(table))")
        while try db.step(statement) {
            var attributes: [(name: String, value: OCELRawValue)] = []
            for (k, name) in attributeColumns.enumerated() {
                let value = OCELSQLiteImporter.raw(statement, Int32(2 + k))
                if value != .null { attributes.append((name, value)) }
            }
            details[statement.text(0)] = EventDetails(time: statement.optionalText(1), attributes: attributes)
        }
    }

    /// A column of the current row as a raw value (a blob as its hex text).
    static func raw(_ statement: SQLiteStatement, _ column: Int32) -> OCELRawValue {
        switch statement.value(Int(column)) {
        case .null: .null
        case .integer(let v): .int(v)
        case .real(let v): .double(v)
        case .text(let s): .text(s)
        case .blob(let bytes): .text(bytes.map { String($0, radix: 16) }.joined())
        }
    }
}

/// Quotes a SQL identifier.
private func quote(_ name: String) -> String {
    "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}

/// The OCEL 2.0 SQLite file being read, with its errors reported as `IngestionError`s.
///
/// Kept apart from the store's connection so that an error reading the input is never mistaken
/// for one writing the store.
///
/// - Complexity: each method is one SQLite query; `tables` and `columns` are O(tables) and
///   O(columns).
private struct SourceDatabase {
    let connection: SQLiteConnection
    let path: String

    init(path: String) throws {
        self.path = path
        do { connection = try SQLiteConnection(path: path, readOnly: true, create: false) } catch let error
            as StoreError
        {
            throw IngestionError(.unreadable, file: path, error.message)
        }
    }

    private func reading<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError {
            if error.message.contains("not a database") {
                throw IngestionError(
                    .wrongFormat, file: path, "is not a SQLite database, so not an OCEL 2.0 SQLite log")
            }
            throw IngestionError(.malformed, file: path, "cannot read the OCEL 2.0 tables: \(error.message)")
        }
    }

    /// The tables, keyed by lower-cased name (SQLite names are case-insensitive).
    func tables() throws -> [String: String] {
        try reading {
            var result: [String: String] = [:]
            for row in try connection.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')") {
                if let name = row[0].text { result[name.lowercased()] = name }
            }
            return result
        }
    }

    /// A table's columns with their declared types.
    func columns(_ table: String) throws -> [(name: String, type: String)] {
        try reading {
            try connection.rows("PRAGMA table_info(\(quote(table)))").map { row in
                let type = row[2].text ?? ""
                // `VARCHAR(255)` → `VARCHAR`.
                return (row[1].text ?? "", String(type.prefix { $0 != "(" }).trimmingSpaces)
            }
        }
    }

    func rows(_ sql: String) throws -> [[SQLiteValue]] { try reading { try connection.rows(sql) } }

    func prepare(_ sql: String) throws -> SQLiteStatement { try reading { try connection.prepare(sql) } }

    /// Prepares a query over one table that returns its rows in insertion (`rowid`) order, or
    /// in SQLite's order for a `WITHOUT ROWID` table. Without the `ORDER BY`, SQLite may scan a
    /// covering index instead and return the rows sorted by id.
    func inFileOrder(_ sql: String) throws -> SQLiteStatement {
        if let statement = try? connection.prepare(sql + " ORDER BY rowid") { return statement }
        return try prepare(sql)
    }

    func step(_ statement: SQLiteStatement) throws -> Bool { try reading { try statement.step() } }
}

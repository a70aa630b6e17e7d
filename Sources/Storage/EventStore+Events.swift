import _WaybillSupport

/// All events of a store as columns, with names resolved: what exports and ad-hoc queries read.
public struct StoredEventTable: Sendable {
    /// Per event: its store id.
    public var ids: [Int64] = []
    public var identity: [Int64] = []
    public var importID: [Int64] = []
    public var activity: [String] = []
    public var time: [Int64] = []
    /// `Int64.min` where absent.
    public var startTime: [Int64] = []
    public var resource: [String?] = []
    public var lifecycle: [String?] = []
    public var externalID: [String?] = []
    /// Attribute JSON, nil where absent.
    public var attributes: [String?] = []
    /// Event-to-object links: event id, object id, qualifier.
    public var links: [(event: Int64, object: Int64, qualifier: String)] = []
}

extension EventStore {
    /// Events in the store.
    public func eventCount() throws -> Int {
        Int(try db.scalarInt("SELECT coalesce(sum(event_count), 0) FROM event_segment") ?? 0)
    }

    /// Event-to-object links in the store.
    public func eventObjectLinkCount() throws -> Int {
        Int(try db.scalarInt("SELECT coalesce(sum(link_count), 0) FROM event_segment") ?? 0)
    }

    /// Names of an interned table (`activity`, `resource`, `lifecycle`, `qualifier`) by id.
    func names(_ table: String) throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        for row in try db.rows("SELECT id, name FROM \(table)") { out[row[0].integer!] = row[1].text! }
        return out
    }

    /// Calls `body` for every segment, in write order, with the id of its first event.
    ///
    /// - Complexity: O(size of the events).
    public func forEachSegment(_ body: (_ importID: Int64, _ firstEvent: Int64, EventSegment) throws -> Void) throws {
        let statement = try db.prepare("SELECT import_id, first_event, data FROM event_segment ORDER BY id")
        while try statement.step() {
            let segment = try statement.withBlob(2) { try EventSegment.decode($0) }
            try body(statement.int64(0), statement.int64(1), segment)
        }
    }

    /// Reads every event and link, in event id order (input order).
    ///
    /// - Complexity: O(*E* + *L*) time and memory.
    public func eventTable() throws -> StoredEventTable {
        let activities = try names("activity"), resources = try names("resource")
        let lifecycles = try names("lifecycle")
        var qualifiers = try names("qualifier")
        qualifiers[0] = ""
        var table = StoredEventTable()
        var rows: [(Int64, Int)] = []
        try forEachSegment { importID, first, s in
            for i in 0..<s.count {
                rows.append((first + Int64(i), table.ids.count))
                table.ids.append(first + Int64(i))
                table.identity.append(s.identity[i])
                table.importID.append(importID)
                table.activity.append(activities[Int64(s.activity[i])] ?? "")
                table.time.append(s.time[i])
                table.startTime.append(s.startTime[i])
                table.resource.append(s.resource[i] == 0 ? nil : resources[Int64(s.resource[i])])
                table.lifecycle.append(s.lifecycle[i] == 0 ? nil : lifecycles[Int64(s.lifecycle[i])])
                table.externalID.append(s.externalIDs.string(i))
                table.attributes.append(s.attributes.string(i))
            }
            for k in 0..<s.linkCount {
                table.links.append((first + Int64(s.linkEvent[k]), s.linkObject[k], qualifiers[Int64(s.linkQualifier[k])] ?? ""))
            }
        }
        // Segments are written in id order, so events already are; links are sorted for stable output.
        table.links.sort { ($0.event, $0.object, $0.qualifier) < ($1.event, $1.object, $1.qualifier) }
        return table
    }

    /// Creates the TEMP tables `event` and `event_object` from the segments, for SQL queries
    /// over events (debugging, tests, ad-hoc analysis); they vanish when the connection closes.
    ///
    /// - Complexity: O(*E* + *L*).
    public func materializeEventTables() throws {
        let table = try eventTable()
        try db.execute("""
            DROP TABLE IF EXISTS temp.event; DROP TABLE IF EXISTS temp.event_object;
            CREATE TEMP TABLE event (id INTEGER PRIMARY KEY, identity INTEGER, ext_id TEXT, activity TEXT, time INTEGER,
                start_time INTEGER, lifecycle TEXT, resource TEXT, import_id INTEGER, attrs TEXT);
            CREATE TEMP TABLE event_object (object_id INTEGER, event_id INTEGER, qualifier TEXT);
            """)
        let insert = try db.prepare("INSERT INTO temp.event VALUES (?,?,?,?,?,?,?,?,?,?)")
        for i in table.ids.indices {
            insert.bind(table.ids[i], at: 1)
            insert.bind(table.identity[i], at: 2)
            insert.bind(table.externalID[i], at: 3)
            insert.bind(table.activity[i], at: 4)
            insert.bind(table.time[i], at: 5)
            insert.bind(table.startTime[i] == Int64.min ? nil : table.startTime[i], at: 6)
            insert.bind(table.lifecycle[i], at: 7)
            insert.bind(table.resource[i], at: 8)
            insert.bind(table.importID[i], at: 9)
            insert.bind(table.attributes[i], at: 10)
            try insert.run()
        }
        let link = try db.prepare("INSERT INTO temp.event_object VALUES (?,?,?)")
        for l in table.links {
            link.bind(l.object, at: 1)
            link.bind(l.event, at: 2)
            link.bind(l.qualifier, at: 3)
            try link.run()
        }
    }
}

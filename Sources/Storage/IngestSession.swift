import _WaybillSupport

/// Writes one import into the store, inside the transaction `EventStore.ingest` opened.
///
/// Interns activity, resource and object-type names, keeps the ids of the objects it has seen,
/// and inserts events through prepared statements, so the per-event cost is a few SQLite steps.
///
/// Event identity: each event carries a 64-bit identity the importer derives from what the event
/// *is* (an OCEL event id, or a flat event's case, activity, time, resource and attributes). An
/// identity already in the store from an earlier import means the event is already there and it is
/// skipped; identical events repeated within one import are kept, each under the identity hashed
/// with its occurrence number, so re-importing the file still finds each of them.
public final class IngestSession {
    /// The import record's id.
    public let importID: Int64
    let db: SQLiteConnection

    /// Events offered by the importer.
    public private(set) var eventsRead = 0
    /// Events inserted.
    public private(set) var eventsAdded = 0
    /// Events skipped because an earlier import stored them.
    public private(set) var duplicates = 0
    /// Objects created.
    public private(set) var objectsAdded = 0
    /// Rejected rows, counted by the importer and recorded here.
    public var rejects = 0

    private var activityIDs: [String: Int64] = [:]
    private var resourceIDs: [String: Int64] = [:]
    private var typeIDs: [String: Int64] = [:]
    private var objectIDs: [Int64: [String: Int64]] = [:]
    /// Identities stored by earlier imports, loaded once per session: an in-memory set is far
    /// cheaper than a unique index, whose random-order B-tree inserts dominated ingest time.
    private var storedIdentities: Set<Int64> = []
    /// Identities this import inserted.
    private var insertedIdentities: Set<Int64> = []
    /// Earlier-import identities this import has matched once already.
    private var matchedEarlier: Set<Int64> = []

    private let insertEvent: SQLiteStatement
    private let insertLink: SQLiteStatement
    private let insertObject: SQLiteStatement
    private let findObject: SQLiteStatement
    private let insertObjectLink: SQLiteStatement
    private let insertObjectAttribute: SQLiteStatement
    private let readObjectAttrs: SQLiteStatement
    private let writeObjectAttrs: SQLiteStatement

    init(db: SQLiteConnection, importID: Int64) throws {
        self.db = db
        self.importID = importID
        insertEvent = try db.prepare(
            "INSERT INTO event (identity, ext_id, activity_id, time, start_time, lifecycle, resource_id, import_id, attrs) VALUES (?,?,?,?,?,?,?,?,?)")
        insertLink = try db.prepare("INSERT OR IGNORE INTO event_object (object_id, event_id, qualifier) VALUES (?,?,?)")
        insertObject = try db.prepare("INSERT INTO object (type_id, ext_id, import_id) VALUES (?,?,?)")
        findObject = try db.prepare("SELECT id FROM object WHERE type_id = ? AND ext_id = ?")
        insertObjectLink = try db.prepare("INSERT OR IGNORE INTO object_object (source_id, target_id, qualifier) VALUES (?,?,?)")
        insertObjectAttribute = try db.prepare(
            "INSERT OR REPLACE INTO object_attribute (object_id, name, time, value) VALUES (?,?,?,?)")
        readObjectAttrs = try db.prepare("SELECT attrs FROM object WHERE id = ?")
        writeObjectAttrs = try db.prepare("UPDATE object SET attrs = ? WHERE id = ?")
        for row in try db.rows("SELECT name, id FROM activity") { activityIDs[row[0].text!] = row[1].integer! }
        for row in try db.rows("SELECT name, id FROM resource") { resourceIDs[row[0].text!] = row[1].integer! }
        for row in try db.rows("SELECT name, id FROM object_type") { typeIDs[row[0].text!] = row[1].integer! }
        let identities = try db.prepare("SELECT identity FROM event")
        while try identities.step() { storedIdentities.insert(identities.int64(0)) }
    }

    private func intern(_ name: String, in table: String, cache: inout [String: Int64]) throws -> Int64 {
        if let id = cache[name] { return id }
        let statement = try db.prepare("INSERT INTO \(table) (name) VALUES (?)")
        statement.bind(name, at: 1)
        try statement.run()
        let id = db.lastInsertRowID
        cache[name] = id
        return id
    }

    /// The id of an object type, created if new.
    public func objectType(_ name: String) throws -> Int64 {
        try intern(name, in: "object_type", cache: &typeIDs)
    }

    /// The id of the object `externalID` of type `type`, created if new.
    ///
    /// - Complexity: amortised O(1) after the first look-up of an object.
    public func object(_ externalID: String, type: String) throws -> (id: Int64, isNew: Bool) {
        let typeID = try objectType(type)
        if let id = objectIDs[typeID]?[externalID] { return (id, false) }
        findObject.bind(typeID, at: 1)
        findObject.bind(externalID, at: 2)
        defer { findObject.reset() }
        if try findObject.step() {
            let id = findObject.int64(0)
            objectIDs[typeID, default: [:]][externalID] = id
            return (id, false)
        }
        findObject.reset()
        insertObject.bind(typeID, at: 1)
        insertObject.bind(externalID, at: 2)
        insertObject.bind(importID, at: 3)
        try insertObject.run()
        let id = db.lastInsertRowID
        objectIDs[typeID, default: [:]][externalID] = id
        objectsAdded += 1
        return (id, true)
    }

    /// Merges attributes into an object's static attributes; a key already present is overwritten.
    ///
    /// - Complexity: O(*a* + *b*) in the sizes of the two lists.
    public func mergeAttributes(object id: Int64, _ list: AttributeList, overwrite: Bool = true) throws {
        guard !list.isEmpty else { return }
        readObjectAttrs.bind(id, at: 1)
        var merged: AttributeList = []
        if try readObjectAttrs.step() { merged = try AttributeJSON.decode(readObjectAttrs.optionalText(0)) }
        readObjectAttrs.reset()
        var changed = false
        for item in list {
            if let index = merged.firstIndex(where: { $0.key == item.key }) {
                if overwrite && merged[index].value != item.value {
                    merged[index].value = item.value
                    changed = true
                }
            } else {
                merged.append(item)
                changed = true
            }
        }
        guard changed else { return }
        writeObjectAttrs.bind(AttributeJSON.encode(merged), at: 1)
        writeObjectAttrs.bind(id, at: 2)
        try writeObjectAttrs.run()
    }

    /// Records an object attribute's value from a given time on (OCEL 2.0 attribute changes).
    public func setObjectAttribute(object id: Int64, name: String, time: Microseconds, value: AttributeValue) throws {
        insertObjectAttribute.bind(id, at: 1)
        insertObjectAttribute.bind(name, at: 2)
        insertObjectAttribute.bind(time, at: 3)
        insertObjectAttribute.bind(AttributeJSON.encode([("v", value)])!, at: 4)
        try insertObjectAttribute.run()
    }

    /// The result of offering an event.
    public enum EventOutcome: Equatable {
        /// Inserted under this row id.
        case added(Int64)
        /// Already stored by an earlier import.
        case alreadyStored
        /// Its identity repeats within this import and repeats are not allowed (an OCEL event id
        /// used twice).
        case repeatedInImport
    }

    /// Offers one event to the store.
    ///
    /// - Parameters:
    ///   - identity: the importer's identity hash of the event.
    ///   - allowRepeats: true for flat logs, where identical rows are legitimate repeats.
    /// - Complexity: amortised O(1) set look-ups plus one append to the event table.
    public func addEvent(
        identity: Int64, externalID: String?, activity: String, time: Microseconds, startTime: Microseconds?,
        lifecycle: String?, resource: String?, attributes: String?, allowRepeats: Bool
    ) throws -> EventOutcome {
        eventsRead += 1
        let activityID = try intern(activity, in: "activity", cache: &activityIDs)
        let resourceID = try resource.map { try intern($0, in: "resource", cache: &resourceIDs) }
        var candidate = identity
        var occurrence: Int64 = 0
        while true {
            if insertedIdentities.contains(candidate) || matchedEarlier.contains(candidate) {
                // A repeat within this import: the next occurrence gets its own identity.
                if !allowRepeats { return .repeatedInImport }
                occurrence += 1
                var next = StableHash()
                next.combine(identity)
                next.combine(occurrence)
                candidate = next.value
                continue
            }
            if storedIdentities.contains(candidate) {
                matchedEarlier.insert(candidate)
                duplicates += 1
                return .alreadyStored
            }
            insertEvent.bind(candidate, at: 1)
            insertEvent.bind(externalID, at: 2)
            insertEvent.bind(activityID, at: 3)
            insertEvent.bind(time, at: 4)
            insertEvent.bind(startTime, at: 5)
            insertEvent.bind(lifecycle, at: 6)
            insertEvent.bind(resourceID, at: 7)
            insertEvent.bind(importID, at: 8)
            insertEvent.bind(attributes, at: 9)
            try insertEvent.run()
            insertedIdentities.insert(candidate)
            eventsAdded += 1
            return .added(db.lastInsertRowID)
        }
    }

    /// Links an event to an object with a qualifier (`""` when the source gives none).
    @inline(__always)
    public func link(event: Int64, object: Int64, qualifier: String = "") throws {
        insertLink.bind(object, at: 1)
        insertLink.bind(event, at: 2)
        insertLink.bind(qualifier, at: 3)
        try insertLink.run()
    }

    /// Links two objects with a qualifier.
    public func linkObjects(source: Int64, target: Int64, qualifier: String = "") throws {
        insertObjectLink.bind(source, at: 1)
        insertObjectLink.bind(target, at: 2)
        insertObjectLink.bind(qualifier, at: 3)
        try insertObjectLink.run()
    }

    /// Records a log-level attribute (XES log attributes, extensions, globals, classifiers).
    public func setLogAttribute(scope: String, name: String, value: String?) throws {
        let statement = try db.prepare(
            "INSERT OR REPLACE INTO log_attribute (import_id, scope, name, value) VALUES (?,?,?,?)")
        try statement.bind([.integer(importID), .text(scope), .text(name), value.map { .text($0) } ?? .null])
        try statement.run()
    }

    /// Reads an extraction watermark.
    public func watermark(mapping: String, entry: String) throws -> String? {
        try db.rows("SELECT value FROM watermark WHERE mapping = ? AND entry = ?", [.text(mapping), .text(entry)]).first?[0].text
    }

    /// Sets an extraction watermark.
    public func setWatermark(mapping: String, entry: String, value: String) throws {
        let statement = try db.prepare("INSERT OR REPLACE INTO watermark (mapping, entry, value) VALUES (?,?,?)")
        try statement.bind([.text(mapping), .text(entry), .text(value)])
        try statement.run()
    }

    func finish() throws {
        let statement = try db.prepare(
            "UPDATE import_record SET events_read = ?, events_added = ?, duplicates = ?, objects_added = ?, rejects = ? WHERE id = ?")
        try statement.bind([
            .integer(Int64(eventsRead)), .integer(Int64(eventsAdded)), .integer(Int64(duplicates)),
            .integer(Int64(objectsAdded)), .integer(Int64(rejects)), .integer(importID),
        ])
        try statement.run()
    }
}

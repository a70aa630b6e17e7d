import _WaybillSupport

/// Writes one import into the store, inside the transaction `EventStore.ingest` opened.
///
/// Interns activity, resource, lifecycle, qualifier and object-type names, keeps the ids of the
/// objects it has seen, and buffers events as columns, writing an `EventSegment` (one BLOB) per
/// 65,536 events: the per-event cost is a few array appends and set look-ups.
///
/// Event identity: each event carries a 64-bit identity the importer derives from what the event
/// *is* (an OCEL event id, or a flat event's case, activity, time, resource and attributes). An
/// identity already in the store from an earlier import means the event is already there and it is
/// skipped; identical events repeated within one import are kept, each under the identity hashed
/// with its occurrence number, so re-importing the file still finds each of them.
///
/// The hot stored properties opt out of dynamic exclusivity checks (`swift_beginAccess` showed in
/// ingest profiles): a session is used by one thread, and no method holds an `inout` access to a
/// property across a call that could reach the same property.
public final class IngestSession {
    /// The import record's id.
    public let importID: Int64
    let db: SQLiteConnection

    /// Events offered by the importer.
    @exclusivity(unchecked) public private(set) var eventsRead = 0
    /// Events inserted.
    @exclusivity(unchecked) public private(set) var eventsAdded = 0
    /// Events skipped because an earlier import stored them.
    @exclusivity(unchecked) public private(set) var duplicates = 0
    /// Objects created.
    @exclusivity(unchecked) public internal(set) var objectsAdded = 0
    /// Rejected rows, counted by the importer and recorded here.
    public var rejects = 0

    @exclusivity(unchecked) private var activityIDs: [String: Int64] = [:]
    @exclusivity(unchecked) private var resourceIDs: [String: Int64] = [:]
    @exclusivity(unchecked) private var lifecycleIDs: [String: Int64] = [:]
    @exclusivity(unchecked) private var qualifierIDs: [String: Int64] = ["": 0]
    /// The events buffered for the next segment, and the id of its first event.
    let pending = SegmentBuffer()
    @exclusivity(unchecked) private var pendingFirstEvent: Int64
    /// Links to events of segments already written (OCEL links resolved at the end of a file).
    private var lateLinks = EventSegment()
    private var lateLinkSet: Set<LinkKey> = []
    /// The bytes of the segment being written, reused from segment to segment.
    private var encodeBuffer: [UInt8] = []
    /// Starts the writeback of the store's pages as the import grows it (set by `EventStore.ingest`
    /// when the import writes the database file itself, not a write-ahead log).
    var writeback: WritebackPacer?
    /// Event-to-object links written.
    @exclusivity(unchecked) public private(set) var linksAdded = 0

    private struct LinkKey: Hashable {
        var event: Int64
        var object: Int64
        var qualifier: Int32
    }
    @exclusivity(unchecked) private var typeIDs: [String: Int64] = [:]
    @exclusivity(unchecked) private var objectIDs: [Int64: [String: Int64]] = [:]
    private var typeHadObjectsAtStart: [Int64: Bool] = [:]
    /// Identities stored by earlier imports, loaded once per session: an in-memory set is far
    /// cheaper than a unique index, whose random-order B-tree inserts dominated ingest time.
    @exclusivity(unchecked) private var storedIdentities = IdentitySet()
    /// Identities this import has met: the ones it inserted, and the earlier-import ones it has
    /// matched once already. Either way a second meeting is a repeat within this import.
    @exclusivity(unchecked) var seenIdentities = IdentitySet(capacity: 1 << 16)
    /// Events of `pending` from this index on carry their importer identity unchecked: their
    /// check against `seenIdentities` is deferred to `resolvePending()` (see `addEvent`).
    @exclusivity(unchecked) var unresolved = 0
    /// True while every event of the session has been added with its repeat check put off
    /// (see `addEvent`): the identities of the events in written segments are then in
    /// `deferred`, checked when the session ends or, should an event need the check at once,
    /// then (`stopDeferring()`).
    @exclusivity(unchecked) var deferring = true
    /// The identities of the events of this session's written segments while `deferring` (the
    /// events from `deferredFirstEvent` on), gathered for one check for repeats at the end; the
    /// segments keep them in order.
    let deferred = IdentityRuns()
    let deferredFirstEvent: Int64
    /// Where `resolvePending()` puts the slots it loads ahead, so that the loads are kept.
    var touched: Int64 = 0

    /// Objects `newObject` created whose rows wait to be inserted together, and the id the next
    /// one gets (nil: to be read from the table); see `queueNewObject`.
    var queuedObjects: [(id: Int64, type: Int64, externalID: Range<Int>, attributes: Range<Int>?)] = []
    var queuedObjectBytes: [UInt8] = []
    var nextObjectID: Int64?
    /// `INSERT INTO object` of `IngestSession.objectBatch` rows, made when first needed.
    var insertObjectBatch: SQLiteStatement?

    private let insertSegment: SQLiteStatement
    private let insertObject: SQLiteStatement
    private let findObject: SQLiteStatement
    private let insertObjectLink: SQLiteStatement
    private let insertObjectAttribute: SQLiteStatement
    private let readObjectAttrs: SQLiteStatement
    private let writeObjectAttrs: SQLiteStatement

    init(db: SQLiteConnection, importID: Int64) throws {
        self.db = db
        self.importID = importID
        insertSegment = try db.prepare(
            "INSERT INTO event_segment (import_id, first_event, event_count, link_count, min_time, max_time, data) VALUES (?,?,?,?,?,?,?)")
        insertObject = try db.prepare("INSERT INTO object (type_id, ext_id, import_id, attrs) VALUES (?,?,?,?)")
        findObject = try db.prepare("SELECT id FROM object WHERE type_id = ? AND ext_id = ?")
        insertObjectLink = try db.prepare("INSERT OR IGNORE INTO object_object (source_id, target_id, qualifier) VALUES (?,?,?)")
        insertObjectAttribute = try db.prepare(
            "INSERT OR REPLACE INTO object_attribute (object_id, name, time, value) VALUES (?,?,?,?)")
        readObjectAttrs = try db.prepare("SELECT attrs FROM object WHERE id = ?")
        writeObjectAttrs = try db.prepare("UPDATE object SET attrs = ? WHERE id = ?")
        for row in try db.rows("SELECT name, id FROM activity") { activityIDs[row[0].text!] = row[1].integer! }
        for row in try db.rows("SELECT name, id FROM resource") { resourceIDs[row[0].text!] = row[1].integer! }
        for row in try db.rows("SELECT name, id FROM object_type") { typeIDs[row[0].text!] = row[1].integer! }
        for row in try db.rows("SELECT name, id FROM lifecycle") { lifecycleIDs[row[0].text!] = row[1].integer! }
        for row in try db.rows("SELECT name, id FROM qualifier") { qualifierIDs[row[0].text!] = row[1].integer! }
        pendingFirstEvent = try db.scalarInt("SELECT max(first_event + event_count) FROM event_segment") ?? 1
        deferredFirstEvent = pendingFirstEvent
        let segments = try db.prepare("SELECT data FROM event_segment WHERE event_count > 0")
        while try segments.step() {
            try segments.withBlob(0) { storedIdentities.formUnion(try EventSegment.identities($0)) }
        }
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
    ///
    /// - Complexity: O(1); the last type asked for is answered by a string comparison, without
    ///   hashing the name (importers ask for the same type for every new object).
    public func objectType(_ name: String) throws -> Int64 {
        if let last = lastObjectType, last.name == name { return last.id }
        let id = try intern(name, in: "object_type", cache: &typeIDs)
        lastObjectType = (name, id)
        return id
    }

    /// The last answer of `objectType(_:)`.
    private var lastObjectType: (name: String, id: Int64)?

    /// The id of the object `externalID` of type `type`, created if new.
    ///
    /// - Complexity: amortised O(1) after the first look-up of an object.
    public func object(_ externalID: String, type: String) throws -> (id: Int64, isNew: Bool) {
        try object(externalID, type: type, newAttributes: nil)
    }

    /// The id of the object `externalID` of type `type` with `attributes` merged into its static
    /// attributes, as `object(_:type:)` then `mergeAttributes(object:_:isNew:)` would do, but with
    /// one insert for a new object where those take an insert and an update.
    ///
    /// - Complexity: amortised O(1) after the first look-up of an object, plus O(*a*²) in the
    ///   number of attributes for a new object.
    public func object(
        _ externalID: String, type: String, attributes: AttributeList
    ) throws -> (id: Int64, isNew: Bool) {
        var merged: AttributeList = []
        for item in attributes {
            if let index = merged.firstIndex(where: { $0.key == item.key }) {
                merged[index].value = item.value
            } else {
                merged.append(item)
            }
        }
        let json = merged.isEmpty ? nil : AttributeJSON.encode(merged)
        let object = try object(externalID, type: type, newAttributes: json)
        if !object.isNew { try mergeAttributes(object: object.id, attributes) }
        return object
    }

    /// The id of the object `externalID` of type `type`: a new object is created with the
    /// attribute JSON `newAttributeJSON` (which must be `AttributeJSON.encode` of `attributes()`
    /// with no key repeated); into an existing one `attributes()` is merged.
    ///
    /// - Complexity: as `object(_:type:attributes:)`, without encoding for a new object.
    public func object(
        _ externalID: String, type: String, newAttributeJSON: String?, attributes: () -> AttributeList
    ) throws -> (id: Int64, isNew: Bool) {
        let object = try object(externalID, type: type, newAttributes: newAttributeJSON)
        if !object.isNew { try mergeAttributes(object: object.id, attributes()) }
        return object
    }

    /// The id of an object the caller has not asked this session for before (an importer that
    /// interns its ids itself, as the CSV importer does its case ids), from bytes: a new object is
    /// made from them (its row inserted with others), with the attribute JSON
    /// `newAttributeJSON`; an object an earlier import stored gets `attributes()` merged, as
    /// `object(_:type:newAttributeJSON:attributes:)` does.
    ///
    /// The session does not remember the object: asking for it again, here or through
    /// `object(_:type:)`, would try to insert it twice, which the store's unique index refuses.
    ///
    /// - Complexity: amortised O(1) for an object of a type the store held none of before the
    ///   session, whose row is inserted with others (see `queueNewObject`); otherwise as
    ///   `object(_:type:newAttributeJSON:attributes:)`.
    public func newObject(
        _ externalID: UnsafeBufferPointer<UInt8>, type: String, newAttributeJSON: UnsafeBufferPointer<UInt8>?,
        attributes: () -> AttributeList
    ) throws -> Int64 {
        let typeID = try objectType(type)
        // Bytes that are not ASCII take the `String` path, which replaces invalid UTF-8 the way
        // every other path into the store does.
        guard try !typeHadObjects(typeID), IngestSession.isASCII(externalID), IngestSession.isASCII(newAttributeJSON) else {
            return try object(
                String(decoding: externalID, as: UTF8.self), type: type,
                newAttributeJSON: newAttributeJSON.map { String(decoding: $0, as: UTF8.self) }, attributes: attributes
            ).id
        }
        return try queueNewObject(typeID: typeID, externalID: externalID, attributeJSON: newAttributeJSON)
    }

    /// True when every byte is ASCII (nil counts as ASCII).
    ///
    /// - Complexity: O(*n*), eight bytes a step.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let bytes, let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var high: UInt64 = 0
        while i &+ 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        while i < bytes.count {
            high |= UInt64(base[i])
            i &+= 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// The id of the object `externalID` of type `type`, created with the attribute JSON
    /// `newAttributes` if new.
    ///
    /// - Complexity: amortised O(1) after the first look-up of an object; a new object of a type
    ///   the store held no objects of before this session is inserted without a look-up.
    private func object(_ externalID: String, type: String, newAttributes: String?) throws -> (id: Int64, isNew: Bool) {
        // Queued objects first: this path reads the table and inserts with SQLite's own ids, so
        // the next queued object's id is read from the table again.
        try flushNewObjects()
        nextObjectID = nil
        let typeID = try objectType(type)
        if let id = objectIDs[typeID]?[externalID] { return (id, false) }
        if try typeHadObjects(typeID) {
            findObject.bind(typeID, at: 1)
            findObject.bind(externalID, at: 2)
            defer { findObject.reset() }
            if try findObject.step() {
                let id = findObject.int64(0)
                objectIDs[typeID, default: [:]][externalID] = id
                return (id, false)
            }
            findObject.reset()
        }
        insertObject.bind(typeID, at: 1)
        insertObject.bind(externalID, at: 2)
        insertObject.bind(importID, at: 3)
        insertObject.bind(newAttributes, at: 4)
        try insertObject.run()
        let id = db.lastInsertRowID
        objectIDs[typeID, default: [:]][externalID] = id
        objectsAdded += 1
        return (id, true)
    }

    /// Whether the store held objects of a type when this session first used the type: if not,
    /// every object of that type the session meets is either in `objectIDs` or new.
    private func typeHadObjects(_ typeID: Int64) throws -> Bool {
        if let known = typeHadObjectsAtStart[typeID] { return known }
        let had = try db.scalarInt("SELECT 1 FROM object WHERE type_id = ? LIMIT 1", [.integer(typeID)]) != nil
        typeHadObjectsAtStart[typeID] = had
        return had
    }

    /// Merges attributes into an object's static attributes; a key already present is overwritten.
    ///
    /// Pass `isNew` for an object this session just created: it has no attributes to read.
    ///
    /// - Complexity: O(*a* + *b*) in the sizes of the two lists.
    public func mergeAttributes(object id: Int64, _ list: AttributeList, overwrite: Bool = true, isNew: Bool = false) throws {
        guard !list.isEmpty else { return }
        try flushNewObjects()
        var merged: AttributeList = []
        if !isNew {
            readObjectAttrs.bind(id, at: 1)
            if try readObjectAttrs.step() { merged = try AttributeJSON.decode(readObjectAttrs.optionalText(0)) }
            readObjectAttrs.reset()
        }
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
        let activityCode = try activityID(activity)
        let resourceCode = try resource.map { try self.resourceID($0) }
        let lifecycleCode = try lifecycle.map { try self.lifecycleID($0) }
        guard var attributes else {
            return try addEvent(
                identity: identity, externalID: externalID, activityID: activityCode, time: time, startTime: startTime,
                lifecycleID: lifecycleCode, resourceID: resourceCode, attributes: nil, allowRepeats: allowRepeats)
        }
        return try attributes.withUTF8 {
            try addEvent(
                identity: identity, externalID: externalID, activityID: activityCode, time: time, startTime: startTime,
                lifecycleID: lifecycleCode, resourceID: resourceCode, attributes: $0, allowRepeats: allowRepeats)
        }
    }

    /// The id of an activity name, interned if new.
    /// Records the imported file's content hash on this import's record (for a hash computed
    /// while the file was read); the caller has checked no other import has it.
    ///
    /// - Throws: `StoreError` (the unique constraint, should another import have it).
    public func recordContentHash(_ contentHash: String) throws {
        let update = try db.prepare("UPDATE import_record SET content_hash = ? WHERE id = ?")
        try update.bind([.text(contentHash), .integer(importID)])
        try update.run()
    }

    public func activityID(_ name: String) throws -> Int64 { try intern(name, in: "activity", cache: &activityIDs) }
    /// The id of a resource name, interned if new.
    public func resourceID(_ name: String) throws -> Int64 { try intern(name, in: "resource", cache: &resourceIDs) }
    /// The id of a lifecycle transition, interned if new.
    public func lifecycleID(_ name: String) throws -> Int64 { try intern(name, in: "lifecycle", cache: &lifecycleIDs) }

    /// Offers one event whose names are already interned and whose attributes are JSON bytes:
    /// the allocation-free form the CSV importer's hot path uses.
    ///
    /// - Complexity: amortised O(1) set look-ups plus appends to the segment's columns.
    @inline(__always)
    public func addEvent(
        identity: Int64, externalID: String?, activityID: Int64, time: Microseconds, startTime: Microseconds?,
        lifecycleID: Int64?, resourceID: Int64?, attributes: UnsafeBufferPointer<UInt8>?, allowRepeats: Bool
    ) throws -> EventOutcome {
        eventsRead += 1
        if allowRepeats && storedIdentities.count == 0 {
            // Nothing was stored before, and repeats are kept: the event is added whatever its
            // identity turns out to be. Only its occurrence number (and so its stored identity)
            // depends on the identities before it. While `deferring`, that waits for the end of
            // the session, where one pass finds whether any identity repeats at all (in a log
            // without identical rows, none does, and every identity stands as it is); otherwise
            // it is settled for a whole segment at once in `resolvePending()`, in the same order,
            // where the table's cache misses overlap.
            if pending.isFull { try flushPending() }
            appendPending(identity, activityID, time, startTime, resourceID, lifecycleID, externalID, attributes)
            return .added(pendingFirstEvent + Int64(pending.count - 1))
        }
        try stopDeferring()
        resolvePending()
        var candidate = identity
        var occurrence: Int64 = 0
        // One probe sequence decides the common case: a new identity is inserted as it is looked up.
        while !seenIdentities.insert(candidate) {
            // A repeat within this import: the next occurrence gets its own identity.
            if !allowRepeats { return .repeatedInImport }
            occurrence += 1
            candidate = IngestSession.repeatIdentity(identity, occurrence: occurrence)
        }
        if storedIdentities.count > 0 && storedIdentities.contains(candidate) {
            duplicates += 1
            return .alreadyStored
        }
        if pending.isFull { try flushPending() }
        appendPending(candidate, activityID, time, startTime, resourceID, lifecycleID, externalID, attributes)
        unresolved = pending.count
        return .added(pendingFirstEvent + Int64(pending.count - 1))
    }

    /// `addEvent` then `link(event:object:)` with no qualifier, for an importer whose events
    /// each belong to one object (a flat log's case): one call instead of two, and no look for
    /// the link among the event's links, since a new event has none yet.
    ///
    /// - Complexity: as `addEvent`.
    @inline(__always)
    public func addEvent(
        identity: Int64, activityID: Int64, time: Microseconds, startTime: Microseconds?, lifecycleID: Int64?,
        resourceID: Int64?, attributes: UnsafeBufferPointer<UInt8>?, allowRepeats: Bool, object: Int64
    ) throws -> EventOutcome {
        let outcome = try addEvent(
            identity: identity, externalID: nil, activityID: activityID, time: time, startTime: startTime,
            lifecycleID: lifecycleID, resourceID: resourceID, attributes: attributes, allowRepeats: allowRepeats)
        if case .added(let event) = outcome {
            // An added event is the pending segment's last one, after every link so far.
            pending.appendLink(event: Int32(event - pendingFirstEvent), object: object, qualifier: 0)
            linksAdded += 1
        }
        return outcome
    }

    @inline(__always)
    private func appendPending(
        _ identity: Int64, _ activityID: Int64, _ time: Microseconds, _ startTime: Microseconds?, _ resourceID: Int64?,
        _ lifecycleID: Int64?, _ externalID: String?, _ attributes: UnsafeBufferPointer<UInt8>?
    ) {
        @inline(__always) func append(_ externalID: UnsafeBufferPointer<UInt8>?) {
            pending.append(
                identity: identity, activity: Int32(activityID), time: time, startTime: startTime ?? Int64.min,
                resource: Int32(resourceID ?? 0), lifecycle: Int32(lifecycleID ?? 0), externalID: externalID,
                attributes: attributes)
        }
        if var externalID { externalID.withUTF8 { append($0) } } else { append(nil) }
        eventsAdded += 1
    }

    /// Sizes the identity table for about `count` events in all (an estimate from the importer),
    /// so that it does not grow, re-inserting every identity, as they arrive.
    public func expectEvents(_ count: Int) {
        // Capped (2^25 events: a 512 MiB table, or 256 MiB of deferred identities) so that a
        // wrong estimate cannot take much memory up front; past the cap they grow as events come.
        let expected = min(count, 1 << 25)
        if deferring && storedIdentities.count == 0 {
            deferred.reserve(expected)
        } else {
            seenIdentities.reserve(expected)
        }
    }

    /// Links an event to an object with a qualifier (`""` when the source gives none); a link
    /// given twice is kept once.
    ///
    /// - Complexity: O(1) for an event of the current segment (links come right after their
    ///   event), a set look-up otherwise.
    @inline(__always)
    public func link(event: Int64, object: Int64, qualifier: String = "") throws {
        let qualifierID = Int32(qualifier.isEmpty ? 0 : try intern(qualifier, in: "qualifier", cache: &qualifierIDs))
        if event >= pendingFirstEvent {
            let offset = Int32(event - pendingFirstEvent)
            var k = pending.linkCount - 1
            while k >= 0 && pending.link(k).event == offset {
                let link = pending.link(k)
                if link.object == object && link.qualifier == qualifierID { return }
                k -= 1
            }
            if k >= 0 && pending.link(k).event > offset {
                // Out of order within the segment: keep the links sorted by event.
                addLateLink(event: event, object: object, qualifier: qualifierID)
                return
            }
            pending.appendLink(event: offset, object: object, qualifier: qualifierID)
            linksAdded += 1
            return
        }
        addLateLink(event: event, object: object, qualifier: qualifierID)
    }

    /// Keeps a link that cannot join the pending segment in order, once.
    private func addLateLink(event: Int64, object: Int64, qualifier: Int32) {
        guard lateLinkSet.insert(LinkKey(event: event, object: object, qualifier: qualifier)).inserted else { return }
        lateLinks.linkObject.append(object)
        lateLinks.linkQualifier.append(qualifier)
        lateEventIDs.append(event)
        linksAdded += 1
    }

    /// The global event ids of `lateLinks`, whose `linkEvent` column is left empty: offsets are
    /// computed per link-only segment when written.
    private var lateEventIDs: [Int64] = []

    /// Writes the buffered events as one segment.
    private func flushPending() throws {
        if deferring {
            deferred.append(UnsafeBufferPointer(start: pending.identity, count: pending.count))
        } else {
            resolvePending()
        }
        guard pending.count > 0 || pending.linkCount > 0 else { return }
        pending.encode(into: &encodeBuffer)
        let times = pending.timeRange
        try insertEncodedSegment(
            firstEvent: pendingFirstEvent, count: pending.count, linkCount: pending.linkCount, minTime: times?.min,
            maxTime: times?.max)
        pendingFirstEvent += Int64(pending.count)
        pending.removeAll()
        unresolved = 0
    }

    private func writeSegment(_ segment: EventSegment, firstEvent: Int64) throws {
        segment.encode(into: &encodeBuffer)
        try insertEncodedSegment(
            firstEvent: firstEvent, count: segment.count, linkCount: segment.linkCount, minTime: segment.time.min(),
            maxTime: segment.time.max())
    }

    /// Inserts the segment encoded in `encodeBuffer` as a row of `event_segment`.
    private func insertEncodedSegment(firstEvent: Int64, count: Int, linkCount: Int, minTime: Int64?, maxTime: Int64?) throws {
        insertSegment.bind(importID, at: 1)
        insertSegment.bind(firstEvent, at: 2)
        insertSegment.bind(Int64(count), at: 3)
        insertSegment.bind(Int64(linkCount), at: 4)
        insertSegment.bind(minTime, at: 5)
        insertSegment.bind(maxTime, at: 6)
        try encodeBuffer.withUnsafeBytes { try insertSegment.run(bindingBlob: $0, at: 7) }
        writeback?.fileMayHaveGrown()
    }

    /// Writes links that could not join their event's segment as link-only segments, one per
    /// run of links whose events fit an Int32 offset from the run's first event id.
    private func flushLateLinks() throws {
        guard !lateEventIDs.isEmpty else { return }
        let order = lateEventIDs.indices.sorted { lateEventIDs[$0] < lateEventIDs[$1] }
        var segment = EventSegment()
        var base = lateEventIDs[order[0]]
        for i in order {
            let event = lateEventIDs[i]
            if event - base > Int64(Int32.max) {
                try writeSegment(segment, firstEvent: base)
                segment.removeAll()
                base = event
            }
            segment.linkEvent.append(Int32(event - base))
            segment.linkObject.append(lateLinks.linkObject[i])
            segment.linkQualifier.append(lateLinks.linkQualifier[i])
        }
        try writeSegment(segment, firstEvent: base)
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
        try flushNewObjects()
        try flushPending()
        if deferring && deferred.containsRepeat() { try stopDeferring() }
        try flushLateLinks()
        let statement = try db.prepare(
            "UPDATE import_record SET events_read = ?, events_added = ?, duplicates = ?, objects_added = ?, rejects = ? WHERE id = ?")
        try statement.bind([
            .integer(Int64(eventsRead)), .integer(Int64(eventsAdded)), .integer(Int64(duplicates)),
            .integer(Int64(objectsAdded)), .integer(Int64(rejects)), .integer(importID),
        ])
        try statement.run()
    }
}

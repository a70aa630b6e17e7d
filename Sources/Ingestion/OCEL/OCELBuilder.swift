import Storage
import _WaybillSupport

/// The declared type of an OCEL 2.0 attribute (`string`, `integer`, `float`, `boolean`, `time`).
///
/// The OCEL 2.0 specification names five types; exporters also write `int`, `double`, `date` and
/// SQL column types (`TEXT`, `REAL`, `TIMESTAMP`), which are read as their OCEL equivalents. An
/// attribute with no declaration is `undeclared` and typed by its value.
///
/// - Complexity: O(1) per value converted, O(*n*) in the text for timestamps and numbers.
enum OCELAttributeType: Equatable {
    case string, integer, float, boolean, time, undeclared

    /// The type named by an OCEL `type` declaration or a SQLite column's declared type; nil for
    /// a name that is none of these.
    init?(declared name: String) {
        switch name.lowercased() {
        case "string", "text", "varchar", "char", "id": self = .string
        case "integer", "int", "long", "bigint", "int64": self = .integer
        case "float", "double", "real", "number", "numeric", "decimal": self = .float
        case "boolean", "bool": self = .boolean
        case "time", "date", "datetime", "timestamp": self = .time
        default: return nil
        }
    }

    /// The OCEL 2.0 name of the type, for reject messages.
    var name: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .time: "time"
        case .undeclared: "undeclared"
        }
    }
}

/// An attribute value as a layout holds it, before it is typed by its declaration.
///
/// XML gives text only; JSON gives strings, numbers and booleans; SQLite gives its storage
/// classes. Typing all three through `OCELBuilder.convert` makes the layouts agree.
///
/// - Complexity: O(1) to create; `text` is O(*n*) in the value's length.
enum OCELRawValue: Equatable {
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case null

    /// The value as the text a file would show, for reject records.
    var text: String {
        switch self {
        case .text(let s): s
        case .int(let v): String(v)
        case .double(let v): AttributeValue.format(v)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }
}

/// Writes an OCEL 2.0 log, as the JSON, XML and SQLite importers parse it, into an ingest session.
///
/// The three layouts hold the same model (OCEL 2.0 standard, Berti et al., 2023): typed objects
/// whose attribute values change over time, events with a type, a time and typed attributes, and
/// qualified event-to-object and object-to-object relationships. Each importer only parses; this
/// type types the values, checks references and writes, so the three give the same store.
///
/// - Objects are keyed by their OCEL id, which the standard makes unique across types.
/// - An event's identity is `StableHash("ocel", id)`, so the same event read from another layout
///   of the same log, or a second time, is recognised and not stored twice; an id repeated in one
///   file is a reject ("duplicate event id").
/// - A relationship to an object not (yet) defined waits until the end of the file, so objects
///   may follow the events that use them; one still undefined then is a reject ("dangling object
///   reference"), and its event or object stays.
/// - An event linked to one object under two qualifiers keeps both links (PM4Py's JSON reader
///   keeps one).
/// - Naive timestamps are read in `options.timeZone`; without it they stop the import with
///   `.ambiguousTimeZone`, never guessed.
///
/// `rejects.rowsRead` counts objects, events, relationships and object attribute values: the
/// rows of the SQLite layout and the elements of the JSON and XML ones.
///
/// - Complexity: O(1) amortised per object, event, link and value, plus one SQLite write each;
///   memory O(objects + forward references).
final class OCELBuilder {
    private let session: IngestSession
    private let path: String
    private let timestamps: TimestampReader
    /// The rejects, warnings and row count of the import so far.
    private(set) var rejects: RejectLog

    /// An object the file defines: its store row and type.
    ///
    /// - Complexity: O(1).
    private struct ObjectEntry {
        var rowID: Int64
        var type: String
    }

    /// An event-to-object relationship waiting for its object to be defined.
    ///
    /// - Complexity: O(1).
    private struct PendingEventLink {
        var event: Int64
        var objectID: String
        var qualifier: String
        var location: String
    }

    /// An object-to-object relationship waiting for one of its objects to be defined.
    ///
    /// - Complexity: O(1).
    private struct PendingObjectLink {
        var sourceID: String
        var targetID: String
        var qualifier: String
        var location: String
    }

    private var objects: [String: ObjectEntry] = [:]
    private var objectAttributeTypes: [String: [String: OCELAttributeType]] = [:]
    private var eventAttributeTypes: [String: [String: OCELAttributeType]] = [:]
    private var declaredObjectTypes: Set<String> = []
    private var declaredEventTypes: Set<String> = []
    private var pendingEventLinks: [PendingEventLink] = []
    private var pendingObjectLinks: [PendingObjectLink] = []
    private var attributes: AttributeList = []

    /// - Throws: `IngestionError.invalidOption` for an unknown `options.timeZone`.
    init(session: IngestSession, path: String, options: ImportOptions, rejects: RejectLog) throws {
        self.session = session
        self.path = path
        self.rejects = rejects
        timestamps = try TimestampReader(format: nil, timeZone: options.timeZone)
    }

    // MARK: - Types

    /// Declares an object type and its attributes' types; the type is created in the store even
    /// if no object has it.
    func declareObjectType(_ name: String, attributes: [(name: String, type: String)]) throws {
        _ = try session.objectType(name)
        declaredObjectTypes.insert(name)
        objectAttributeTypes[name, default: [:]].merge(typed(attributes, of: "object type \(name)")) { $1 }
    }

    /// Declares an event type and its attributes' types.
    func declareEventType(_ name: String, attributes: [(name: String, type: String)]) {
        declaredEventTypes.insert(name)
        eventAttributeTypes[name, default: [:]].merge(typed(attributes, of: "event type \(name)")) { $1 }
    }

    private func typed(_ attributes: [(name: String, type: String)], of owner: String) -> [String: OCELAttributeType] {
        var types: [String: OCELAttributeType] = [:]
        for attribute in attributes {
            if let type = OCELAttributeType(declared: attribute.type) {
                types[attribute.name] = type
            } else {
                types[attribute.name] = .undeclared
                rejects.warnings[
                    "attribute type not known to OCEL 2.0 (values typed by their text): '\(attribute.type)'", default: 0
                ] += 1
            }
        }
        return types
    }

    // MARK: - Objects

    /// Defines an object; false (after recording a reject) when it cannot be.
    ///
    /// An id defined twice with the same type is one object (a warning); with another type, the
    /// second definition is rejected.
    @discardableResult
    func object(id: String?, type: String?, location: String) throws -> Bool {
        rejects.rowsRead += 1
        guard let id, !id.isEmpty else {
            rejects.add(Reject(file: path, location: location, field: "id", reason: "missing object id"))
            return false
        }
        guard let type, !type.isEmpty else {
            rejects.add(Reject(file: path, location: location, field: "type", reason: "missing object type", value: id))
            return false
        }
        if let existing = objects[id] {
            if existing.type == type {
                rejects.warnings["objects defined more than once (definitions merged)", default: 0] += 1
                return true
            }
            rejects.add(
                Reject(
                    file: path, location: location, field: "id",
                    reason: "object id already defined with type '\(existing.type)'", value: id))
            return false
        }
        if !declaredObjectTypes.contains(type) {
            declaredObjectTypes.insert(type)
            rejects.warnings["object types used but not declared: \(type)", default: 0] += 1
        }
        let row = try session.object(id, type: type)
        objects[id] = ObjectEntry(rowID: row.id, type: type)
        return true
    }

    /// True when the file defines an object with this id (so far).
    func hasObject(_ id: String) -> Bool { objects[id] != nil }

    /// Records one value of an object's attribute from `time` on.
    ///
    /// A missing time is the OCEL convention for an initial value (1970-01-01T00:00:00Z), taken
    /// with a warning; an unreadable time or a value that does not fit the declared type is a
    /// reject of this value only.
    func objectAttribute(objectID: String, name: String, time: String?, value: OCELRawValue, location: String) throws {
        rejects.rowsRead += 1
        guard !name.isEmpty else {
            rejects.add(Reject(file: path, location: location, field: "attribute", reason: "missing attribute name"))
            return
        }
        guard let object = objects[objectID] else {
            rejects.add(
                Reject(
                    file: path, location: location, field: "attribute \(name)", reason: "dangling object reference",
                    value: objectID))
            return
        }
        let micros: Microseconds
        if let time, !time.isEmpty {
            guard let t = try readTime(time, field: "attribute \(name) time", location: location) else { return }
            micros = t
        } else {
            micros = 0
            rejects.warnings[
                "object attribute values without time (taken as initial values, 1970-01-01)", default: 0] += 1
        }
        let type = objectAttributeTypes[object.type]?[name] ?? undeclared(name, of: "object")
        guard let typedValue = try typed(value, as: type, field: "attribute \(name)", location: location) else {
            return
        }
        try session.setObjectAttribute(object: object.rowID, name: name, time: micros, value: typedValue)
    }

    /// Links two objects; a target not yet defined waits for `finish()`.
    func objectLink(sourceID: String, targetID: String?, qualifier: String?, location: String) throws {
        rejects.rowsRead += 1
        guard let targetID, !targetID.isEmpty else {
            rejects.add(Reject(file: path, location: location, field: "relationship", reason: "missing object id"))
            return
        }
        if let source = objects[sourceID], let target = objects[targetID] {
            try session.linkObjects(source: source.rowID, target: target.rowID, qualifier: qualifier ?? "")
        } else {
            pendingObjectLinks.append(
                PendingObjectLink(
                    sourceID: sourceID, targetID: targetID, qualifier: qualifier ?? "", location: location))
        }
    }

    // MARK: - Events

    /// Adds one event with its attributes and relationships.
    ///
    /// A missing id, type or time, or an unreadable time, rejects the event; an attribute value
    /// that does not fit its declared type rejects that value only.
    ///
    /// - Throws: `IngestionError.ambiguousTimeZone` for a naive time without `--timezone`.
    func event(
        id: String?, type: String?, time: String?, attributes raw: [(name: String, value: OCELRawValue)],
        relationships: [(objectID: String?, qualifier: String?)], location: String
    ) throws {
        rejects.rowsRead += 1
        guard let id, !id.isEmpty else {
            rejects.add(Reject(file: path, location: location, field: "id", reason: "missing event id"))
            return
        }
        guard let type, !type.isEmpty else {
            rejects.add(Reject(file: path, location: location, field: "type", reason: "missing event type", value: id))
            return
        }
        guard let time, !time.isEmpty else {
            rejects.add(Reject(file: path, location: location, field: "time", reason: "missing timestamp", value: id))
            return
        }
        guard let micros = try readTime(time, field: "time", location: location) else { return }
        if !declaredEventTypes.contains(type) {
            declaredEventTypes.insert(type)
            rejects.warnings["event types used but not declared: \(type)", default: 0] += 1
        }
        attributes.removeAll(keepingCapacity: true)
        let types = eventAttributeTypes[type]
        // OCEL 2.0 has no fields for a start time, resource or lifecycle transition; attributes under
        // their XES names (what Waybill's OCEL export writes) fill those fields.
        var startTime: Microseconds? = nil
        var resource: String? = nil
        var lifecycle: String? = nil
        for (name, value) in raw {
            let attributeType = types?[name] ?? undeclared(name, of: "event")
            if let v = try typed(value, as: attributeType, field: "attribute \(name)", location: location) {
                switch (name, v) {
                case ("start_timestamp", .date(let t)): startTime = t
                case ("org:resource", .string(let r)): resource = r
                case ("lifecycle:transition", .string(let l)): lifecycle = l
                default: attributes.append((name, v))
                }
            }
        }
        var hash = StableHash()
        hash.combine("ocel")
        hash.combine(id)
        let outcome = try session.addEvent(
            identity: hash.value, externalID: id, activity: type, time: micros, startTime: startTime, lifecycle: lifecycle,
            resource: resource, attributes: AttributeJSON.encode(attributes), allowRepeats: false)
        rejects.rowsRead += relationships.count
        switch outcome {
        case .added(let event):
            for (objectID, qualifier) in relationships {
                guard let objectID, !objectID.isEmpty else {
                    rejects.add(
                        Reject(file: path, location: location, field: "relationship", reason: "missing object id"))
                    continue
                }
                if let object = objects[objectID] {
                    try session.link(event: event, object: object.rowID, qualifier: qualifier ?? "")
                } else {
                    pendingEventLinks.append(
                        PendingEventLink(
                            event: event, objectID: objectID, qualifier: qualifier ?? "", location: location))
                }
            }
        case .alreadyStored:
            // Stored by an earlier import together with its relationships.
            break
        case .repeatedInImport:
            rejects.add(Reject(file: path, location: location, field: "id", reason: "duplicate event id", value: id))
        }
    }

    /// Records a row that cannot be used at all (a relationship to an event the file does not
    /// have, a value column that does not exist), counting it as read.
    func rejectRow(location: String, field: String, reason: String, value: String = "") {
        rejects.rowsRead += 1
        rejects.add(Reject(file: path, location: location, field: field, reason: reason, value: value))
    }

    /// Counts a warning.
    func warn(_ message: String, count: Int = 1) {
        rejects.warnings[message, default: 0] += count
    }

    // MARK: - End of file

    /// Resolves the relationships that referred forward; those still undefined are rejects.
    ///
    /// - Complexity: O(forward references).
    func finish() throws {
        for link in pendingObjectLinks {
            guard let source = objects[link.sourceID] else {
                rejectDanglingReference(link.sourceID, at: link.location)
                continue
            }
            guard let target = objects[link.targetID] else {
                rejectDanglingReference(link.targetID, at: link.location)
                continue
            }
            try session.linkObjects(source: source.rowID, target: target.rowID, qualifier: link.qualifier)
        }
        pendingObjectLinks = []
        for link in pendingEventLinks {
            guard let object = objects[link.objectID] else {
                rejectDanglingReference(link.objectID, at: link.location)
                continue
            }
            try session.link(event: link.event, object: object.rowID, qualifier: link.qualifier)
        }
        pendingEventLinks = []
    }

    /// Records a relationship to an object the file never defines.
    private func rejectDanglingReference(_ objectID: String, at location: String) {
        rejects.add(
            Reject(file: path, location: location, field: "relationship", reason: "dangling object reference", value: objectID))
    }

    // MARK: - Values

    private func undeclared(_ name: String, of owner: String) -> OCELAttributeType {
        rejects.warnings["\(owner) attributes without a declared type (typed by their value)", default: 0] += 1
        return .undeclared
    }

    /// Reads a timestamp; nil after recording a reject.
    private func readTime(_ text: String, field: String, location: String) throws -> Microseconds? {
        switch timestamps.read(text) {
        case .success(let t): return t
        case .failure(.noZone):
            throw IngestionError(
                .ambiguousTimeZone, file: path, location: location,
                "\(field) '\(text)' has no time zone; pass --timezone (UTC, +01:00 or a zone name such as Europe/Amsterdam) to say which zone the log was written in"
            )
        case .failure(.invalid):
            rejects.add(
                Reject(file: path, location: location, field: field, reason: "unreadable timestamp", value: text))
            return nil
        }
    }

    /// Types a raw value by its declared type; nil (after a reject, or for a null) when it does not fit.
    private func typed(_ raw: OCELRawValue, as type: OCELAttributeType, field: String, location: String) throws
        -> AttributeValue?
    {
        if case .null = raw {
            rejects.warnings["null attribute values (left out)", default: 0] += 1
            return nil
        }
        if type == .time {
            if case .text(let text) = raw {
                guard let t = try readTime(text, field: field, location: location) else { return nil }
                return .date(t)
            }
        } else if let value = OCELBuilder.convert(raw, to: type) {
            return value
        }
        rejects.add(
            Reject(
                file: path, location: location, field: field,
                reason: "value does not fit the declared type \(type.name)",
                value: raw.text))
        return nil
    }

    /// Converts a raw value to a declared type other than `time`; nil when it does not fit.
    ///
    /// Strings keep their text; integers accept integral floats; floats accept integers; booleans
    /// accept `true`/`false`/`1`/`0`; an undeclared value keeps its JSON or SQLite type, and text
    /// is typed as a CSV cell is (`AttributeValue.infer`).
    ///
    /// - Complexity: O(*n*) in the text's length.
    static func convert(_ raw: OCELRawValue, to type: OCELAttributeType) -> AttributeValue? {
        switch (type, raw) {
        case (_, .null), (.time, _): return nil
        case (.string, _): return .string(raw.text)
        case (.integer, .int(let v)): return .int(v)
        case (.integer, .double(let v)):
            return v.rounded() == v && abs(v) < 9.2e18 ? .int(Int64(v)) : nil
        case (.integer, .text(let s)):
            return Int64(s.trimmingSpaces).map { .int($0) }
        case (.integer, .bool): return nil
        case (.float, .double(let v)): return .double(v)
        case (.float, .int(let v)): return .double(Double(v))
        case (.float, .text(let s)): return AttributeValue.parse(xesType: "float", text: s.trimmingSpaces)
        case (.float, .bool): return nil
        case (.boolean, .bool(let b)): return .bool(b)
        case (.boolean, .int(let v)): return v == 0 || v == 1 ? .bool(v == 1) : nil
        case (.boolean, .text(let s)): return AttributeValue.parse(xesType: "boolean", text: s.trimmingSpaces)
        case (.boolean, .double): return nil
        case (.undeclared, .int(let v)): return .int(v)
        case (.undeclared, .double(let v)): return .double(v)
        case (.undeclared, .bool(let b)): return .bool(b)
        case (.undeclared, .text(let s)): return AttributeValue.infer(s)
        }
    }
}

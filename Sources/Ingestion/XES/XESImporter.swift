import Storage
import _WaybillSupport

/// Imports an XES (IEEE 1849-2016) event log, plain or gzip, streaming.
///
/// Log attributes, extensions, globals and classifiers are recorded as log attributes (scopes
/// `log`, `extension`, `global:trace`, `global:event`, `classifier`). A trace's `concept:name`
/// is its case id and its other attributes become case attributes; an event's `concept:name`,
/// `time:timestamp`, `org:resource` and `lifecycle:transition` fill the event's fields, and a
/// `date` attribute named `start_timestamp` or `time:start` its start time. Every XES type is
/// read (`string`, `date`, `int`, `float`, `boolean`, `id`); `list` and `container` values and
/// nested attributes are flattened into path keys (`parent/child`) and counted in a warning.
///
/// An event without activity or a readable timestamp, or in a trace without case id, is
/// rejected with its line; malformed XML stops the import with the line of the fault.
///
/// - Complexity: O(*n*) in the uncompressed size; memory holds one trace at a time.
public struct XESImporter: LogImporter {
    public var formatName: String { "xes" }
    let path: String
    let options: ImportOptions

    public init(path: String, options: ImportOptions) {
        self.path = path
        self.options = options
    }

    private enum Owner { case log, trace, event, global(String), other }

    private struct PendingEvent {
        var line: Int
        var activity: String?
        var time: Microseconds?
        var timeText: String?
        var start: Microseconds?
        var resource: String?
        var lifecycle: String?
        var attributes: AttributeList = []
    }

    /// The XES elements the importer tells apart; `other` for anything else.
    enum ElementKind: Equatable {
        case log, trace, event, global, extensionElement, classifier
        case string, date, int, float, boolean, id, list, container
        case other

        /// True for the XES attribute elements.
        var isAttribute: Bool {
            switch self {
            case .string, .date, .int, .float, .boolean, .id, .list, .container: true
            default: false
            }
        }

        /// The XES type name of an attribute element (its element name).
        var xesType: String {
            switch self {
            case .string: "string"
            case .date: "date"
            case .int: "int"
            case .float: "float"
            case .boolean: "boolean"
            case .id: "id"
            case .list: "list"
            case .container: "container"
            default: ""
            }
        }
    }

    /// The kind of an element by its name without namespace prefix (`xes:event` is `event`).
    ///
    /// Compares bytes by length first: a `switch` over `String`s cost a string comparison per
    /// case per element, several per attribute of every event.
    ///
    /// - Complexity: O(*n*) in the name's length.
    static func kind(_ rawName: String) -> ElementKind {
        if let kind = rawName.utf8.withContiguousStorageIfAvailable({ kind(bytes: $0) }) { return kind }
        var name = rawName
        return name.withUTF8 { kind(bytes: $0) }
    }

    @inline(__always)
    private static func kind(bytes all: UnsafeBufferPointer<UInt8>) -> ElementKind {
        var start = 0
        var i = all.count &- 1
        while i >= 0 {
            if all[i] == 0x3A {
                start = i &+ 1
                break
            }
            i &-= 1
        }
        let b = UnsafeBufferPointer(rebasing: all[start...])
        func equals(_ word: StaticString) -> Bool {
            guard b.count == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for i in 0..<b.count where b[i] != w[i] { return false }
            return true
        }
        switch b.count {
        case 2: return equals("id") ? .id : .other
        case 3: return equals("int") ? .int : equals("log") ? .log : .other
        case 4: return equals("date") ? .date : equals("list") ? .list : .other
        case 5: return equals("event") ? .event : equals("trace") ? .trace : equals("float") ? .float : .other
        case 6: return equals("string") ? .string : equals("global") ? .global : .other
        case 7: return equals("boolean") ? .boolean : .other
        case 9: return equals("extension") ? .extensionElement : equals("container") ? .container : .other
        case 10: return equals("classifier") ? .classifier : .other
        default: return .other
        }
    }

    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let source: ByteSource
        do { source = try ByteSource(path: path) } catch { throw IngestionError(.unreadable, file: path, "\(error)") }
        let progress = Progress(label: "reading \(path)", total: source.fileSize)
        defer { progress.finish() }
        var tokenizer = XMLTokenizer(source: source.next)
        let timestamps = try TimestampReader(format: "iso", timeZone: options.timeZone)

        // Element context stack: the owner of attributes at each depth, and attribute key paths.
        var owners: [Owner] = []
        var keyPath: [String] = []
        var sawLog = false
        var caseID: String? = nil
        var traceLine = 0
        var caseAttributes: AttributeList = []
        var events: [PendingEvent] = []
        var current: PendingEvent? = nil
        var nested = 0
        var badValues = 0
        var json: [UInt8] = []
        json.reserveCapacity(1024)

        func owner() -> Owner {
            for o in owners.reversed() {
                switch o {
                case .other: continue
                default: return o
                }
            }
            return .other
        }

        func flushTrace() throws {
            defer {
                events.removeAll(keepingCapacity: true)
                caseAttributes.removeAll(keepingCapacity: true)
                caseID = nil
            }
            guard let caseID, !caseID.isEmpty else {
                for e in events {
                    rejects.rowsRead += 1
                    rejects.add(Reject(
                        file: path, location: "line \(e.line)", field: "concept:name",
                        reason: "the event's trace (line \(traceLine)) has no concept:name (case id)"))
                }
                return
            }
            let object = try session.object(caseID, type: options.caseType, attributes: caseAttributes)
            for e in events {
                rejects.rowsRead += 1
                guard let activity = e.activity, !activity.isEmpty else {
                    rejects.add(Reject(file: path, location: "line \(e.line)", field: "concept:name", reason: "missing activity"))
                    continue
                }
                guard let time = e.time else {
                    rejects.add(Reject(
                        file: path, location: "line \(e.line)", field: "time:timestamp",
                        reason: e.timeText == nil ? "missing timestamp" : "unreadable timestamp", value: e.timeText ?? ""))
                    continue
                }
                json.removeAll(keepingCapacity: true)
                AttributeJSON.encode(e.attributes, into: &json)
                var hash = StableHash()
                hash.combine(caseID)
                hash.combine(activity)
                hash.combine(time)
                hash.combine(e.start ?? Int64.min)
                hash.combine(e.resource ?? "")
                hash.combine(e.lifecycle ?? "")
                let identity = json.withUnsafeBufferPointer { bytes in
                    hash.combine(bytes: bytes)
                    return hash.value
                }
                let activityID = try session.activityID(activity)
                let resourceID = try e.resource.map { try session.resourceID($0) }
                let lifecycleID = try e.lifecycle.map { try session.lifecycleID($0) }
                let outcome = try json.withUnsafeBufferPointer { bytes in
                    try session.addEvent(
                        identity: identity, externalID: nil, activityID: activityID, time: time, startTime: e.start,
                        lifecycleID: lifecycleID, resourceID: resourceID, attributes: bytes.isEmpty ? nil : bytes,
                        allowRepeats: true)
                }
                if case .added(let id) = outcome { try session.link(event: id, object: object.id) }
            }
        }

        func readDate(_ text: String, line: Int) throws -> Microseconds? {
            switch timestamps.read(text) {
            case .success(let t): return t
            case .failure(.invalid): return nil
            case .failure(.noZone):
                throw IngestionError(
                    .ambiguousTimeZone, file: path, location: "line \(line)",
                    "date '\(text)' has no time zone; pass --timezone (UTC, +01:00 or a zone name)")
            }
        }

        var tokens = 0
        while true {
            let token: XMLToken?
            do { token = try tokenizer.next() } catch let error as XMLError {
                throw IngestionError(.malformed, file: path, location: "line \(error.line)", "invalid XML: \(error.message)")
            } catch let error as ByteSource.ReadError {
                throw IngestionError(.unreadable, file: path, error.reason)
            }
            guard let token else { break }
            tokens += 1
            if tokens & 0xFFF == 0 { progress.update(source.bytesRead) }
            switch token {
            case .startElement(let rawName, let attributes, let selfClosing):
                let kind = XESImporter.kind(rawName)
                func attr(_ n: String) -> String? { attributes.first { $0.name == n }?.value }
                if !sawLog {
                    guard kind == .log else {
                        throw IngestionError(.wrongFormat, file: path, location: "line \(tokenizer.line)", "the root element is <\(rawName)>, not <log>: not an XES file")
                    }
                    sawLog = true
                    owners.append(.log)
                    continue
                }
                var pushed: Owner = .other
                switch kind {
                case .trace:
                    traceLine = tokenizer.line
                    pushed = .trace
                case .event:
                    current = PendingEvent(line: tokenizer.line)
                    pushed = .event
                case .global:
                    pushed = .global("global:" + (attr("scope") ?? "event"))
                case .extensionElement:
                    try session.setLogAttribute(scope: "extension", name: attr("prefix") ?? attr("name") ?? "", value: attr("uri"))
                case .classifier:
                    try session.setLogAttribute(scope: "classifier", name: attr("name") ?? "", value: attr("keys"))
                case .string, .date, .int, .float, .boolean, .id, .list, .container:
                    let key = attr("key") ?? ""
                    let isNested = !keyPath.isEmpty
                    let fullKey = isNested ? keyPath.joined(separator: "/") + "/" + key : key
                    if isNested { nested += 1 }
                    if !selfClosing { keyPath.append(key) }
                    guard kind != .list && kind != .container else { break }
                    let text = attr("value") ?? ""
                    var value: AttributeValue?
                    switch kind {
                    case .string: value = .string(text)
                    case .date: value = try readDate(text, line: tokenizer.line).map { .date($0) }
                    default: value = AttributeValue.parse(xesType: kind.xesType, text: text)
                    }
                    if value == nil {
                        badValues += 1
                        value = .string(text)
                    }
                    switch owner() {
                    case .event where !isNested:
                        switch (key, value!) {
                        case ("concept:name", _): current?.activity = text
                        case ("time:timestamp", .date(let t)): current?.time = t
                        case ("time:timestamp", _): current?.timeText = text
                        case ("org:resource", _): current?.resource = text
                        case ("lifecycle:transition", _): current?.lifecycle = text
                        case ("start_timestamp", .date(let t)), ("time:start", .date(let t)): current?.start = t
                        default: current?.attributes.append((fullKey, value!))
                        }
                    case .event: current?.attributes.append((fullKey, value!))
                    case .trace:
                        if key == "concept:name" && !isNested { caseID = text } else { caseAttributes.append((fullKey, value!)) }
                    case .log: try session.setLogAttribute(scope: "log", name: fullKey, value: AttributeJSON.encode([("v", value!)]))
                    case .global(let scope): try session.setLogAttribute(scope: scope, name: fullKey, value: AttributeJSON.encode([("v", value!)]))
                    case .other: break
                    }
                case .log, .other:
                    break
                }
                if !selfClosing {
                    if kind.isAttribute {
                        owners.append(.other)
                    } else {
                        owners.append(pushed)
                    }
                } else if kind == .event, let e = current {
                    events.append(e)
                    current = nil
                } else if kind == .trace {
                    try flushTrace()
                }
            case .endElement(let rawName):
                let kind = XESImporter.kind(rawName)
                owners.removeLast()
                switch kind {
                case .string, .date, .int, .float, .boolean, .id, .list, .container:
                    if !keyPath.isEmpty { keyPath.removeLast() }
                case .event:
                    if let e = current {
                        if case .trace = owner() { events.append(e) } else {
                            rejects.rowsRead += 1
                            rejects.add(Reject(file: path, location: "line \(e.line)", field: "", reason: "event outside a trace"))
                        }
                    }
                    current = nil
                case .trace:
                    try flushTrace()
                default: break
                }
            case .text:
                break
            }
        }
        guard sawLog else { throw IngestionError(.wrongFormat, file: path, "holds no <log> element: not an XES file") }
        if nested > 0 { rejects.warnings["nested or list attributes flattened to parent/child keys", default: 0] += nested }
        if badValues > 0 { rejects.warnings["attribute values that did not fit their XES type, kept as strings", default: 0] += badValues }
    }
}

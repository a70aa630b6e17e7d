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

    /// The element name without a namespace prefix (`xes:event` -> `event`).
    @inline(__always)
    static func localName(_ name: String) -> String {
        guard let colon = name.utf8.lastIndex(of: 0x3A) else { return name }
        return String(name[name.utf8.index(after: colon)...])
    }

    /// True for the XES attribute elements.
    @inline(__always)
    static func isAttributeElement(_ name: String) -> Bool {
        switch name {
        case "string", "date", "int", "float", "boolean", "id", "list", "container": true
        default: false
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
            let object = try session.object(caseID, type: options.caseType)
            if object.isNew || !caseAttributes.isEmpty { try session.mergeAttributes(object: object.id, caseAttributes) }
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
                let json = AttributeJSON.encode(e.attributes)
                var hash = StableHash()
                hash.combine(caseID)
                hash.combine(activity)
                hash.combine(time)
                hash.combine(e.start ?? Int64.min)
                hash.combine(e.resource ?? "")
                hash.combine(e.lifecycle ?? "")
                hash.combine(json ?? "")
                let outcome = try session.addEvent(
                    identity: hash.value, externalID: nil, activity: activity, time: time, startTime: e.start,
                    lifecycle: e.lifecycle, resource: e.resource, attributes: json, allowRepeats: true)
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
                let name = XESImporter.localName(rawName)
                func attr(_ n: String) -> String? { attributes.first { $0.name == n }?.value }
                if !sawLog {
                    guard name == "log" else {
                        throw IngestionError(.wrongFormat, file: path, location: "line \(tokenizer.line)", "the root element is <\(rawName)>, not <log>: not an XES file")
                    }
                    sawLog = true
                    owners.append(.log)
                    continue
                }
                var pushed: Owner = .other
                switch name {
                case "trace":
                    traceLine = tokenizer.line
                    pushed = .trace
                case "event":
                    current = PendingEvent(line: tokenizer.line)
                    pushed = .event
                case "global":
                    pushed = .global("global:" + (attr("scope") ?? "event"))
                case "extension":
                    try session.setLogAttribute(scope: "extension", name: attr("prefix") ?? attr("name") ?? "", value: attr("uri"))
                case "classifier":
                    try session.setLogAttribute(scope: "classifier", name: attr("name") ?? "", value: attr("keys"))
                case "string", "date", "int", "float", "boolean", "id", "list", "container":
                    let key = attr("key") ?? ""
                    let isNested = !keyPath.isEmpty
                    let fullKey = isNested ? keyPath.joined(separator: "/") + "/" + key : key
                    if isNested { nested += 1 }
                    if !selfClosing { keyPath.append(key) }
                    guard name != "list" && name != "container" else { break }
                    let text = attr("value") ?? ""
                    var value = AttributeValue.parse(xesType: name, text: text)
                    if name == "date" {
                        value = try readDate(text, line: tokenizer.line).map { .date($0) }
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
                default:
                    break
                }
                if !selfClosing {
                    if XESImporter.isAttributeElement(name) {
                        owners.append(.other)
                    } else {
                        owners.append(pushed)
                    }
                } else if name == "event", let e = current {
                    events.append(e)
                    current = nil
                } else if name == "trace" {
                    try flushTrace()
                }
            case .endElement(let rawName):
                let name = XESImporter.localName(rawName)
                owners.removeLast()
                switch name {
                case "string", "date", "int", "float", "boolean", "id", "list", "container":
                    if !keyPath.isEmpty { keyPath.removeLast() }
                case "event":
                    if let e = current {
                        if case .trace = owner() { events.append(e) } else {
                            rejects.rowsRead += 1
                            rejects.add(Reject(file: path, location: "line \(e.line)", field: "", reason: "event outside a trace"))
                        }
                    }
                    current = nil
                case "trace":
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

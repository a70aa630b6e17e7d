import Storage
import _WaybillSupport

@testable import Ingestion

/// The XES importer as it was before the byte-level reader (commit `d489620`): every attribute
/// read through `XMLTokenizer.next()` as `String`s, typed with `AttributeValue.parse`, and
/// encoded with `AttributeJSON`. The simple reference `XESImporter` is compared with: both must
/// leave the same store, rejects and warnings on every input. (Progress reporting left out.)
struct XESReferenceImporter: LogImporter {
    var formatName: String { "xes" }
    let path: String
    let options: ImportOptions

    init(path: String, options: ImportOptions) {
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

    func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let source: ByteSource
        do { source = try ByteSource(path: path) } catch { throw IngestionError(.unreadable, file: path, "\(error)") }
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

        while true {
            let token: XMLToken?
            do { token = try tokenizer.next() } catch let error as XMLError {
                throw IngestionError(.malformed, file: path, location: "line \(error.line)", "invalid XML: \(error.message)")
            } catch let error as ByteSource.ReadError {
                throw IngestionError(.unreadable, file: path, error.reason)
            }
            guard let token else { break }
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

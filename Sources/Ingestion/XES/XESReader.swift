import Storage
import _WaybillSupport

/// What `XESImporter` knows between two tokens: whose attributes the open elements hold, the
/// attribute key path, the trace being read, and the names met so far, all as bytes.
///
/// Its rules are those of IEEE 1849-2016 as the importer documents them; each start and end tag
/// is handed in as the tokenizer's raw token and read without making `String`s, except for the
/// log-level elements (extensions, classifiers, globals, log attributes), which are few.
///
/// - Complexity: O(1) amortised per attribute byte; memory O(one trace + distinct names).
struct XESReader {
    /// Whose attributes the elements at a depth hold: the nearest enclosing log, trace, event or
    /// global (by its index in `globalScopes`), or nobody.
    private enum Owner: Equatable {
        case log, trace, event
        case global(Int)
        case other
    }

    /// The event attributes that fill an event's own fields.
    private enum EventField { case activity, time, start, resource, lifecycle }

    let path: String
    let options: ImportOptions
    let timestamps: TimestampReader
    /// True once the root `<log>` has been read.
    private(set) var sawLog = false
    /// The owner in effect at each open element's depth.
    private var owners: [Owner] = []
    private var globalScopes: [String] = []
    /// The keys of the open attribute elements, each followed by `/`, and each part's length.
    private var keyPrefix: [UInt8] = []
    private var keyLengths: [Int] = []
    /// `keyPrefix` followed by a nested attribute's own key.
    private var fullKey: [UInt8] = []
    private var trace = XESTraceBuffer()
    private var nested = 0
    private var badValues = 0

    init(path: String, options: ImportOptions, timestamps: TimestampReader) {
        self.path = path
        self.options = options
        self.timestamps = timestamps
    }

    private var owner: Owner { owners.last ?? .other }

    // MARK: Tags

    /// Reads a start tag; what the store needs of it goes to `batch`.
    mutating func start(
        _ tokenizer: inout XMLTokenizer, selfClosing: Bool, batch: inout XESBatch, rejects: inout RejectLog
    ) throws {
        let kind = XESImporter.kind(bytes: tokenizer.elementName)
        if !sawLog {
            guard kind == .log else {
                throw IngestionError(
                    .wrongFormat, file: path, location: "line \(tokenizer.line)",
                    "the root element is <\(tokenizer.elementNameString)>, not <log>: not an XES file")
            }
            sawLog = true
            owners.append(.log)
            return
        }
        var pushed = Owner.other
        switch kind {
        case .trace:
            trace.line = tokenizer.line
            pushed = .trace
        case .event:
            trace.startEvent(line: tokenizer.line)
            pushed = .event
        case .global:
            pushed = .global(globalScopes.count)
            globalScopes.append("global:" + (Self.attribute("scope", of: tokenizer) ?? "event"))
        case .extensionElement:
            let attributes = tokenizer.attributes
            func attr(_ n: String) -> String? { attributes.first { $0.name == n }?.value }
            batch.setLogAttribute(
                scope: "extension", name: attr("prefix") ?? attr("name") ?? "", value: attr("uri"),
                rejectsBefore: rejects.rejects.count)
        case .classifier:
            batch.setLogAttribute(
                scope: "classifier", name: Self.attribute("name", of: tokenizer) ?? "",
                value: Self.attribute("keys", of: tokenizer), rejectsBefore: rejects.rejects.count)
        case .string, .date, .int, .float, .boolean, .id, .list, .container:
            try attribute(kind, &tokenizer, selfClosing: selfClosing, batch: &batch, rejectCount: rejects.rejects.count)
        case .log, .other:
            break
        }
        if !selfClosing {
            owners.append(pushed == .other ? owner : pushed)
        } else if kind == .event, let e = trace.finishEvent() {
            trace.append(e)
        } else if kind == .trace {
            flushTrace(&batch, &rejects)
        }
    }

    /// Reads an end tag.
    mutating func end(_ kind: XESImporter.ElementKind, batch: inout XESBatch, rejects: inout RejectLog) {
        owners.removeLast()
        switch kind {
        case .string, .date, .int, .float, .boolean, .id, .list, .container:
            if let last = keyLengths.popLast() { keyPrefix.removeLast(last) }
        case .event:
            if let e = trace.finishEvent() {
                if owner == .trace {
                    trace.append(e)
                } else {
                    rejects.rowsRead += 1
                    rejects.add(
                        Reject(file: path, location: "line \(e.line)", field: "", reason: "event outside a trace"))
                }
            }
        case .trace:
            flushTrace(&batch, &rejects)
        default:
            break
        }
    }

    /// Records the warnings of the whole import.
    func finish(_ rejects: inout RejectLog) {
        if nested > 0 {
            rejects.warnings["nested or list attributes flattened to parent/child keys", default: 0] += nested
        }
        if badValues > 0 {
            rejects.warnings["attribute values that did not fit their XES type, kept as strings", default: 0] +=
                badValues
        }
    }

    /// The value of the current tag's attribute `name` as a `String` (for the rare log-level tags).
    private static func attribute(_ name: String, of tokenizer: XMLTokenizer) -> String? {
        tokenizer.attributes.first { $0.name == name }?.value
    }

    // MARK: Attributes

    /// Reads an attribute element (`<string key=… value=…>` and the other types).
    private mutating func attribute(
        _ kind: XESImporter.ElementKind, _ tokenizer: inout XMLTokenizer, selfClosing: Bool, batch: inout XESBatch,
        rejectCount: Int
    ) throws {
        var key = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var text = key
        for i in 0..<tokenizer.attributeCount {
            let name = tokenizer.attributeName(at: i)
            if name.count == 3 && name[0] == 0x6B && name[1] == 0x65 && name[2] == 0x79 {  // key
                key = tokenizer.attributeValue(at: i)
            } else if name.count == 5 && name.equals("value") {
                text = tokenizer.attributeValue(at: i)
            }
        }
        if Self.isValidUTF8(key) && Self.isValidUTF8(text) {
            try attribute(
                kind, key: key, text: text, selfClosing: selfClosing, tokenizer: &tokenizer, batch: &batch,
                rejectCount: rejectCount)
            return
        }
        // Bytes that are not UTF-8 are read as the `String`s the text would make (U+FFFD for
        // each bad sequence), as the string-based reader did.
        let repairedKey = Array(String(decoding: key, as: UTF8.self).utf8)
        let repairedText = Array(String(decoding: text, as: UTF8.self).utf8)
        try repairedKey.withUnsafeBufferPointer { key in
            try repairedText.withUnsafeBufferPointer { text in
                try attribute(
                    kind, key: key, text: text, selfClosing: selfClosing, tokenizer: &tokenizer, batch: &batch,
                    rejectCount: rejectCount)
            }
        }
    }

    private mutating func attribute(
        _ kind: XESImporter.ElementKind, key: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>,
        selfClosing: Bool, tokenizer: inout XMLTokenizer, batch: inout XESBatch, rejectCount: Int
    ) throws {
        let isNested = !keyLengths.isEmpty
        if isNested {
            nested += 1
            fullKey.removeAll(keepingCapacity: true)
            fullKey.append(contentsOf: keyPrefix)
            fullKey.append(contentsOf: key)
        }
        if !selfClosing {
            keyPrefix.append(contentsOf: key)
            keyPrefix.append(0x2F)
            keyLengths.append(key.count + 1)
        }
        guard kind != .list && kind != .container else { return }
        var date: Microseconds?
        if kind == .date { date = try readDate(text, tokenizer: &tokenizer) }
        let fits: Bool
        switch owner {
        case .event:
            if !isNested, let field = Self.eventField(key) {
                fits = kind == .date ? date != nil : XESValueWriter.fits(kind, text)
                guard trace.current != nil else { break }
                switch field {
                case .activity: trace.current!.activity = trace.keep(text)
                case .resource: trace.current!.resource = trace.keep(text)
                case .lifecycle: trace.current!.lifecycle = trace.keep(text)
                case .time:
                    if let date { trace.current!.time = date } else { trace.current!.timeText = trace.keep(text) }
                case .start:
                    if let date { trace.current!.start = date } else { _ = appendEventAttribute(key, kind, text, date) }
                }
            } else if isNested {
                fits = fullKey.withUnsafeBufferPointer { appendEventAttribute($0, kind, text, date) }
            } else {
                fits = appendEventAttribute(key, kind, text, date)
            }
        case .trace:
            if !isNested && key.equals("concept:name") {
                fits = kind == .date ? date != nil : XESValueWriter.fits(kind, text)
                trace.setCaseID(text)
            } else if isNested {
                fits = fullKey.withUnsafeBufferPointer { appendCaseAttribute($0, kind, text, date) }
            } else {
                fits = appendCaseAttribute(key, kind, text, date)
            }
        case .log, .global:
            let (value, valid) = Self.value(kind, text, date)
            fits = valid
            let name = isNested ? String(decoding: fullKey, as: UTF8.self) : String(decoding: key, as: UTF8.self)
            let scope: String
            if case .global(let index) = owner { scope = globalScopes[index] } else { scope = "log" }
            batch.setLogAttribute(
                scope: scope, name: name, value: AttributeJSON.encode([("v", value)]), rejectsBefore: rejectCount)
        case .other:
            fits = kind == .date ? date != nil : XESValueWriter.fits(kind, text)
        }
        if !fits { badValues += 1 }
    }

    /// Appends `"key":value` to the current event's attribute JSON (if an event is open);
    /// returns whether the value fits its type.
    @inline(__always)
    private mutating func appendEventAttribute(
        _ key: UnsafeBufferPointer<UInt8>, _ kind: XESImporter.ElementKind, _ text: UnsafeBufferPointer<UInt8>,
        _ date: Microseconds?
    ) -> Bool {
        guard trace.current != nil else { return kind == .date ? date != nil : XESValueWriter.fits(kind, text) }
        trace.appendEventKey(key)
        return trace.appendEventValue { Self.appendValue(kind, text, date, to: &$0) }
    }

    /// Appends `"key":value` to the case attributes' JSON; returns whether the value fits its type.
    @inline(__always)
    private mutating func appendCaseAttribute(
        _ key: UnsafeBufferPointer<UInt8>, _ kind: XESImporter.ElementKind, _ text: UnsafeBufferPointer<UInt8>,
        _ date: Microseconds?
    ) -> Bool {
        trace.appendCaseKey(key)
        return trace.appendCaseValue { Self.appendValue(kind, text, date, to: &$0) }
    }

    @inline(__always)
    private static func appendValue(
        _ kind: XESImporter.ElementKind, _ text: UnsafeBufferPointer<UInt8>, _ date: Microseconds?,
        to out: inout [UInt8]
    ) -> Bool {
        guard kind == .date else { return XESValueWriter.append(kind, text, to: &out) }
        if let date {
            XESValueWriter.appendDate(date, to: &out)
            return true
        }
        AttributeJSON.appendString(bytes: text, to: &out)
        return false
    }

    /// The attribute's value as an `AttributeValue` (the text as a string when it does not fit
    /// its type), and whether it fit.
    private static func value(
        _ kind: XESImporter.ElementKind, _ text: UnsafeBufferPointer<UInt8>, _ date: Microseconds?
    ) -> (AttributeValue, Bool) {
        let string = String(decoding: text, as: UTF8.self)
        switch kind {
        case .string: return (.string(string), true)
        case .date: return date.map { (.date($0), true) } ?? (.string(string), false)
        default:
            if let value = AttributeValue.parse(xesType: kind.xesType, text: string) { return (value, true) }
            return (.string(string), false)
        }
    }

    /// Which event field a (top-level) key fills, if any.
    @inline(__always)
    private static func eventField(_ key: UnsafeBufferPointer<UInt8>) -> EventField? {
        switch key.count {
        case 10: return key.equals("time:start") ? .start : nil
        case 12:
            if key.equals("concept:name") { return .activity }
            return key.equals("org:resource") ? .resource : nil
        case 14: return key.equals("time:timestamp") ? .time : nil
        case 15: return key.equals("start_timestamp") ? .start : nil
        case 20: return key.equals("lifecycle:transition") ? .lifecycle : nil
        default: return nil
        }
    }

    private func readDate(_ text: UnsafeBufferPointer<UInt8>, tokenizer: inout XMLTokenizer) throws -> Microseconds? {
        switch timestamps.read(text) {
        case .success(let t): return t
        case .failure(.invalid): return nil
        case .failure(.noZone):
            throw IngestionError(
                .ambiguousTimeZone, file: path, location: "line \(tokenizer.line)",
                "date '\(String(decoding: text, as: UTF8.self))' has no time zone; pass --timezone (UTC, +01:00 or a zone name)"
            )
        }
    }

    /// Whether the bytes are valid UTF-8 (ASCII checked eight bytes at a time).
    @inline(__always)
    private static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var high: UInt64 = 0
        while i + 8 <= b.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        var tail: UInt8 = 0
        while i < b.count {
            tail |= b[i]
            i += 1
        }
        if high & 0x8080_8080_8080_8080 == 0 && tail & 0x80 == 0 { return true }
        return String(validating: b, as: UTF8.self) != nil
    }

    // MARK: Traces

    /// Hands the trace's valid events to the store writer in `batch` under its case, rejecting
    /// those without activity or readable timestamp, or all of them when it has no case id.
    ///
    /// Every reject is decided here, on the parser's thread, in document order; the batch records
    /// how many came before each trace and event, so that on a store error the rejects file holds
    /// what a single thread would have written.
    ///
    /// - Complexity: O(bytes of the trace).
    private mutating func flushTrace(_ batch: inout XESBatch, _ rejects: inout RejectLog) {
        defer { trace.reset() }
        let events = trace.events
        guard !trace.caseID.isNone, trace.caseID.count > 0 else {
            for e in events {
                rejects.rowsRead += 1
                rejects.add(
                    Reject(
                        file: path, location: "line \(e.line)", field: "concept:name",
                        reason: "the event's trace (line \(trace.line)) has no concept:name (case id)"))
            }
            return
        }
        let rejectsBefore = rejects.rejects.count
        trace.withClosedCase { id, caseJSON, repeats in
            batch.startTrace(caseID: id, caseJSON: caseJSON, repeatsCaseKey: repeats, rejectsBefore: rejectsBefore)
        }
        let text = trace.text
        let json = trace.json
        text.withUnsafeBufferPointer { text in
            json.withUnsafeBufferPointer { json in
                for e in events {
                    rejects.rowsRead += 1
                    guard e.activity.count > 0 else {
                        rejects.add(
                            Reject(
                                file: path, location: "line \(e.line)", field: "concept:name",
                                reason: "missing activity"))
                        continue
                    }
                    guard let time = e.time else {
                        let value =
                            e.timeText.isNone
                            ? ""
                            : String(
                                decoding: UnsafeBufferPointer(
                                    rebasing: text[e.timeText.start..<e.timeText.start + e.timeText.count]),
                                as: UTF8.self)
                        rejects.add(
                            Reject(
                                file: path, location: "line \(e.line)", field: "time:timestamp",
                                reason: e.timeText.isNone ? "missing timestamp" : "unreadable timestamp",
                                value: value))
                        continue
                    }
                    batch.appendEvent(e, time: time, text: text, json: json, rejectsBefore: rejects.rejects.count)
                }
            }
        }
    }
}

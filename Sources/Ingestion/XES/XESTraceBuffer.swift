import Storage
import _WaybillSupport

/// The trace being read, as bytes: its case id, its case attributes as attribute JSON, and its
/// events (names, times and attribute JSON) until the trace's end tag says whose they are.
///
/// Everything is kept in three byte arenas reused from trace to trace, so reading an event makes
/// no `String` and no `AttributeValue`: at the trace's end `XESReader` copies the valid events
/// into an `XESBatch` for the store writer's thread.
///
/// - Complexity: memory O(size of one trace).
struct XESTraceBuffer {
    /// A run of bytes in `text`; `start < 0` for none.
    struct Span {
        var start: Int
        var count: Int
        static let none = Span(start: -1, count: 0)
        var isNone: Bool { start < 0 }
    }

    /// One event of the trace.
    struct Event {
        var line: Int
        var activity = Span.none
        var time: Microseconds?
        var timeText = Span.none
        var start: Microseconds?
        var resource = Span.none
        var lifecycle = Span.none
        /// The event's attribute JSON in `json`: `{…}`, or empty for no attributes.
        var jsonStart: Int
        var jsonCount = 0
        var attributeCount = 0
    }

    /// Names, case id and timestamp texts of the trace.
    private(set) var text: [UInt8] = []
    /// The events' attribute JSON, one after the other.
    private(set) var json: [UInt8] = []
    /// The case attributes' JSON (`{…}` once closed), and where each key literal is in it.
    private var caseJSON: [UInt8] = []
    private var caseKeys: [Span] = []
    private(set) var caseID = Span.none
    private(set) var events: [Event] = []
    /// The event being read, if any.
    var current: Event?
    /// The line of the trace's start tag.
    var line = 0

    init() {
        text.reserveCapacity(4096)
        json.reserveCapacity(16384)
        caseJSON.reserveCapacity(1024)
    }

    /// The bytes of a span (valid until the buffer changes).
    @inline(__always)
    func withBytes<R>(_ span: Span, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try text.withUnsafeBufferPointer { all in
            try body(
                span.isNone
                    ? UnsafeBufferPointer(start: nil, count: 0)
                    : UnsafeBufferPointer(rebasing: all[span.start..<span.start + span.count]))
        }
    }

    /// The text of a span as a `String`; nil for none.
    func string(_ span: Span) -> String? {
        span.isNone ? nil : withBytes(span) { String(decoding: $0, as: UTF8.self) }
    }

    /// Keeps bytes in the text arena.
    @inline(__always)
    mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Span {
        let span = Span(start: text.count, count: bytes.count)
        text.append(contentsOf: bytes)
        return span
    }

    /// Sets the case id.
    mutating func setCaseID(_ bytes: UnsafeBufferPointer<UInt8>) {
        caseID = keep(bytes)
    }

    /// Starts an event (an unfinished one before it is dropped, as a nested start replaces it).
    mutating func startEvent(line: Int) {
        current = Event(line: line, jsonStart: json.count)
    }

    /// Appends a `"key":` to the current event's attribute JSON; the caller then appends the
    /// value to `json` with ``appendEventValue(_:)``.
    @inline(__always)
    mutating func appendEventKey(_ key: UnsafeBufferPointer<UInt8>) {
        json.append(current!.attributeCount == 0 ? 0x7B : 0x2C)
        current!.attributeCount += 1
        AttributeJSON.appendString(bytes: key, to: &json)
        json.append(0x3A)
    }

    /// Appends to the current event's attribute JSON through `body`.
    @inline(__always)
    mutating func appendEventValue<R>(_ body: (inout [UInt8]) throws -> R) rethrows -> R {
        try body(&json)
    }

    /// Closes the current event's JSON and returns the event, leaving no current event.
    mutating func finishEvent() -> Event? {
        guard var e = current else { return nil }
        current = nil
        if e.attributeCount > 0 { json.append(0x7D) }
        e.jsonCount = json.count - e.jsonStart
        return e
    }

    /// Adds a finished event to the trace.
    mutating func append(_ event: Event) {
        events.append(event)
    }

    /// Appends a case attribute's `"key":`; the caller then appends the value with
    /// ``appendCaseValue(_:)``.
    @inline(__always)
    mutating func appendCaseKey(_ key: UnsafeBufferPointer<UInt8>) {
        caseJSON.append(caseKeys.isEmpty ? 0x7B : 0x2C)
        let start = caseJSON.count
        AttributeJSON.appendString(bytes: key, to: &caseJSON)
        caseKeys.append(Span(start: start, count: caseJSON.count - start))
        caseJSON.append(0x3A)
    }

    /// Appends to the case attributes' JSON through `body`.
    @inline(__always)
    mutating func appendCaseValue<R>(_ body: (inout [UInt8]) throws -> R) rethrows -> R {
        try body(&caseJSON)
    }

    /// Forgets the trace, keeping the arenas' storage and the event being read, if any (a
    /// self-closing `<trace/>` inside an event ends a trace, not the event).
    mutating func reset() {
        let open = current.map { e in
            (e, [e.activity, e.timeText, e.resource, e.lifecycle].map { string($0) }, Array(json[e.jsonStart...]))
        }
        text.removeAll(keepingCapacity: true)
        json.removeAll(keepingCapacity: true)
        caseJSON.removeAll(keepingCapacity: true)
        caseKeys.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        caseID = .none
        current = nil
        guard let (open, texts, eventJSON) = open else { return }
        var e = open
        func restore(_ text: String?) -> Span {
            guard var text else { return .none }
            return text.withUTF8 { keep($0) }
        }
        e.activity = restore(texts[0])
        e.timeText = restore(texts[1])
        e.resource = restore(texts[2])
        e.lifecycle = restore(texts[3])
        e.jsonStart = 0
        json = eventJSON
        current = e
    }

    /// Calls `body` with the case id's bytes, the case attributes' JSON closed (`{…}`; nil for no
    /// case attributes) and whether a key repeats in it (the writer then merges them as a list, as
    /// `IngestSession.object(_:type:attributes:)` does).
    ///
    /// - Complexity: O(*a*²) key comparisons for *a* case attributes.
    mutating func withClosedCase<R>(
        _ body: (_ caseID: UnsafeBufferPointer<UInt8>, _ json: UnsafeBufferPointer<UInt8>?, _ repeats: Bool) throws -> R
    ) rethrows -> R {
        var repeats = false
        if !caseKeys.isEmpty {
            caseJSON.append(0x7D)  // closed for good: the next change is the trace's reset
            repeats = hasRepeatedCaseKey()
        }
        return try withBytes(caseID) { id in
            if caseKeys.isEmpty { return try body(id, nil, false) }
            return try caseJSON.withUnsafeBufferPointer { try body(id, $0, repeats) }
        }
    }

    private func hasRepeatedCaseKey() -> Bool {
        caseJSON.withUnsafeBufferPointer { b in
            for i in 1..<max(caseKeys.count, 1) {
                let a = caseKeys[i]
                for j in 0..<i where caseKeys[j].count == a.count {
                    let c = caseKeys[j]
                    var same = true
                    for k in 0..<a.count where b[a.start + k] != b[c.start + k] {
                        same = false
                        break
                    }
                    if same { return true }
                }
            }
            return false
        }
    }
}

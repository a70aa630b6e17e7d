import Storage
import _WaybillSupport

/// Parsed traces on their way from the XES parser's thread to the store writer's: their case ids,
/// case attribute JSON and valid events as bytes in three arenas, and the log-level attributes met
/// between them, in document order.
///
/// The parser (`XESReader`) decides everything that needs no store: which events are rejected,
/// which attributes fit their type, each event's fields. The writer (``write(into:)``) does all
/// that touches the session, in the order one thread would: per trace its case object, then per
/// event its identity hash, its names' ids and `addEvent`, so the store is the same whichever
/// thread did the parsing.
///
/// - Complexity: memory O(the batch's bytes); reused from batch to batch.
struct XESBatch: Sendable {
    /// A run of bytes in an arena; `start < 0` for none.
    typealias Span = XESTraceBuffer.Span

    /// One trace with a case id.
    struct Trace: Sendable {
        var caseID: Span
        /// The case attributes' JSON, closed (`{…}`) in `caseJSON`; none for no attributes.
        var caseJSON: Span
        var repeatsCaseKey: Bool
        /// Its events, `events[firstEvent..<endEvent]`.
        var firstEvent: Int
        var endEvent: Int
        /// The rejects recorded before the trace was flushed (for the rejects file on an error).
        var rejectsBefore: Int
    }

    /// One event that has an activity and a timestamp.
    struct Event: Sendable {
        var activity: Span
        var time: Microseconds
        var start: Microseconds?
        var resource: Span
        var lifecycle: Span
        /// Its attribute JSON in `json` (none or empty for no attributes).
        var json: Span
        /// The rejects recorded before it (earlier events of the trace may have been rejected).
        var rejectsBefore: Int
    }

    /// A log-level attribute (log, extension, global, classifier), set before trace `beforeTrace`.
    struct LogAttribute: Sendable {
        var beforeTrace: Int
        var scope: String
        var name: String
        var value: String?
        var rejectsBefore: Int
    }

    /// Case ids, activity, resource and lifecycle names.
    private(set) var text: [UInt8] = []
    /// The events' attribute JSON.
    private(set) var json: [UInt8] = []
    /// The case attributes' JSON.
    private(set) var caseJSON: [UInt8] = []
    private(set) var traces: [Trace] = []
    private(set) var events: [Event] = []
    private(set) var logAttributes: [LogAttribute] = []

    /// Bytes held, to tell when the batch is worth handing over.
    var byteCount: Int { text.count + json.count + caseJSON.count }

    /// Forgets everything, keeping the storage.
    mutating func removeAll() {
        text.removeAll(keepingCapacity: true)
        json.removeAll(keepingCapacity: true)
        caseJSON.removeAll(keepingCapacity: true)
        traces.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        logAttributes.removeAll(keepingCapacity: true)
    }

    /// Records a log-level attribute, set before the next trace.
    mutating func setLogAttribute(scope: String, name: String, value: String?, rejectsBefore: Int) {
        logAttributes.append(
            LogAttribute(
                beforeTrace: traces.count, scope: scope, name: name, value: value, rejectsBefore: rejectsBefore))
    }

    @inline(__always)
    private static func copy(_ span: Span, from source: UnsafeBufferPointer<UInt8>, to arena: inout [UInt8]) -> Span {
        guard !span.isNone else { return .none }
        let start = arena.count
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: source[span.start..<span.start + span.count]))
        return Span(start: start, count: span.count)
    }

    /// Starts a trace: copies its case id and closed case attribute JSON; its events follow
    /// through ``appendEvent(_:from:rejectsBefore:)``.
    mutating func startTrace(
        caseID: UnsafeBufferPointer<UInt8>, caseJSON closed: UnsafeBufferPointer<UInt8>?, repeatsCaseKey: Bool,
        rejectsBefore: Int
    ) {
        let id = Span(start: text.count, count: caseID.count)
        text.append(contentsOf: caseID)
        var attributes = Span.none
        if let closed {
            attributes = Span(start: caseJSON.count, count: closed.count)
            caseJSON.append(contentsOf: closed)
        }
        traces.append(
            Trace(
                caseID: id, caseJSON: attributes, repeatsCaseKey: repeatsCaseKey, firstEvent: events.count,
                endEvent: events.count, rejectsBefore: rejectsBefore))
    }

    /// Adds a valid event of the trace being read, copying its names from the trace's `text` and
    /// its attribute JSON from the trace's `json`.
    @inline(__always)
    mutating func appendEvent(
        _ e: XESTraceBuffer.Event, time: Microseconds, text source: UnsafeBufferPointer<UInt8>,
        json sourceJSON: UnsafeBufferPointer<UInt8>, rejectsBefore: Int
    ) {
        let activity = Self.copy(e.activity, from: source, to: &text)
        let resource = Self.copy(e.resource, from: source, to: &text)
        let lifecycle = Self.copy(e.lifecycle, from: source, to: &text)
        let attributes = Self.copy(Span(start: e.jsonStart, count: e.jsonCount), from: sourceJSON, to: &json)
        events.append(
            Event(
                activity: activity, time: time, start: e.start, resource: resource, lifecycle: lifecycle,
                json: attributes, rejectsBefore: rejectsBefore))
        traces[traces.count - 1].endEvent = events.count
    }
}

import Storage
import _WaybillSupport

/// The store writer's side of the XES pipeline: stores `XESBatch`es through the session, keeping
/// the ids of the activity, resource and lifecycle names it has met (by their bytes) and where it
/// stopped.
///
/// - Complexity: O(1) amortised per event besides hashing its bytes and the session's work.
struct XESBatchWriter {
    let caseType: String
    private var activities = ByteNameTable()
    private var resources = ByteNameTable()
    private var lifecycles = ByteNameTable()
    /// The rejects the parser had recorded when the writer reached the step it is at: on a store
    /// error, the rejects a single thread would have recorded by then.
    private(set) var rejectsBefore = 0

    init(caseType: String) {
        self.caseType = caseType
    }

    /// Stores a batch's log attributes and traces in document order.
    ///
    /// - Complexity: O(bytes of the batch) plus the session's work.
    mutating func write(_ batch: XESBatch, into session: IngestSession) throws {
        var nextAttribute = 0
        func setLogAttributes(before trace: Int) throws {
            while nextAttribute < batch.logAttributes.count && batch.logAttributes[nextAttribute].beforeTrace <= trace {
                let a = batch.logAttributes[nextAttribute]
                rejectsBefore = a.rejectsBefore
                try session.setLogAttribute(scope: a.scope, name: a.name, value: a.value)
                nextAttribute += 1
            }
        }
        try batch.text.withUnsafeBufferPointer { text in
            try batch.json.withUnsafeBufferPointer { json in
                try batch.caseJSON.withUnsafeBufferPointer { caseJSON in
                    @inline(__always) func bytes(_ span: XESBatch.Span) -> UnsafeBufferPointer<UInt8> {
                        span.isNone
                            ? UnsafeBufferPointer(start: nil, count: 0)
                            : UnsafeBufferPointer(rebasing: text[span.start..<span.start + span.count])
                    }
                    for (index, trace) in batch.traces.enumerated() {
                        try setLogAttributes(before: index)
                        rejectsBefore = trace.rejectsBefore
                        let caseIDBytes = bytes(trace.caseID)
                        let caseID = String(decoding: caseIDBytes, as: UTF8.self)
                        let object = try Self.object(
                            caseID, type: caseType, trace: trace, caseJSON: caseJSON, in: session)
                        var caseHash = StableHash()
                        caseHash.combine(caseID)
                        for e in batch.events[trace.firstEvent..<trace.endEvent] {
                            rejectsBefore = e.rejectsBefore
                            let activity = bytes(e.activity)
                            let attributes =
                                e.json.isNone
                                ? UnsafeBufferPointer(start: nil, count: 0)
                                : UnsafeBufferPointer(rebasing: json[e.json.start..<e.json.start + e.json.count])
                            var hash = caseHash
                            hash.combine(bytes: activity)
                            hash.combine(e.time)
                            hash.combine(e.start ?? Int64.min)
                            hash.combine(bytes: bytes(e.resource))
                            hash.combine(bytes: bytes(e.lifecycle))
                            hash.combine(bytes: attributes)
                            let activityID = try activities.id(of: activity) { try session.activityID($0) }
                            let resourceID =
                                try e.resource.isNone
                                ? nil : resources.id(of: bytes(e.resource)) { try session.resourceID($0) }
                            let lifecycleID =
                                try e.lifecycle.isNone
                                ? nil : lifecycles.id(of: bytes(e.lifecycle)) { try session.lifecycleID($0) }
                            let outcome = try session.addEvent(
                                identity: hash.value, externalID: nil, activityID: activityID, time: e.time,
                                startTime: e.start, lifecycleID: lifecycleID, resourceID: resourceID,
                                attributes: attributes.isEmpty ? nil : attributes, allowRepeats: true)
                            if case .added(let id) = outcome { try session.link(event: id, object: object.id) }
                        }
                    }
                    try setLogAttributes(before: Int.max)
                }
            }
        }
    }

    /// The case's object, created with the case attributes if new, merged into them if not: what
    /// `session.object(_:type:attributes:)` does with the attributes as a list, without making the
    /// list unless a key repeats or the object exists already.
    ///
    /// - Complexity: O(bytes of the case attributes) plus the session's work.
    private static func object(
        _ caseID: String, type: String, trace: XESBatch.Trace, caseJSON: UnsafeBufferPointer<UInt8>,
        in session: IngestSession
    ) throws -> (id: Int64, isNew: Bool) {
        let span = trace.caseJSON
        if span.isNone { return try session.object(caseID, type: type, attributes: []) }
        let closed = UnsafeBufferPointer(rebasing: caseJSON[span.start..<span.start + span.count])
        let list = { try AttributeJSON.decode(bytes: closed) }
        if trace.repeatsCaseKey { return try session.object(caseID, type: type, attributes: try list()) }
        let encoded = String(decoding: closed, as: UTF8.self)
        var decodeError: (any Error)?
        let object = try session.object(caseID, type: type, newAttributeJSON: encoded) {
            do { return try list() } catch {
                decodeError = error
                return []
            }
        }
        if let decodeError { throw decodeError }
        return object
    }
}

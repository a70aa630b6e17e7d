import _WaybillSupport

/// The segment an ingest session is filling: `EventSegment`'s columns in memory the buffer
/// manages, appended to through pointers.
///
/// An `EventSegment` is a dozen Swift arrays; appending an event to it was a dozen appends, each
/// a uniqueness check (a runtime call) and a capacity check, a tenth of the CSV importer's time.
/// Here the event columns are allocated once for `EventSegment.capacity` events, so an append is
/// a store per column; the byte and link columns grow by doubling. `encode(into:)` writes them
/// with `EventSegment`'s encoder.
///
/// A class, so that it owns its memory; its hot properties skip dynamic exclusivity checks (a
/// buffer belongs to one session, used by one thread).
final class SegmentBuffer {
    /// Events buffered.
    @exclusivity(unchecked) private(set) var count = 0
    /// Links buffered.
    @exclusivity(unchecked) private(set) var linkCount = 0

    let identity = UnsafeMutablePointer<Int64>.allocate(capacity: EventSegment.capacity)
    private let activity = UnsafeMutablePointer<Int32>.allocate(capacity: EventSegment.capacity)
    private let time = UnsafeMutablePointer<Int64>.allocate(capacity: EventSegment.capacity)
    private let startTime = UnsafeMutablePointer<Int64>.allocate(capacity: EventSegment.capacity)
    private let resource = UnsafeMutablePointer<Int32>.allocate(capacity: EventSegment.capacity)
    private let lifecycle = UnsafeMutablePointer<Int32>.allocate(capacity: EventSegment.capacity)
    /// Row *i*'s bytes are `bytes[offsets[i] ..< offsets[i + 1]]`.
    private let externalOffsets = UnsafeMutablePointer<UInt32>.allocate(capacity: EventSegment.capacity + 1)
    private let attributeOffsets = UnsafeMutablePointer<UInt32>.allocate(capacity: EventSegment.capacity + 1)
    @exclusivity(unchecked) private var externalBytes = GrowableBuffer<UInt8>()
    @exclusivity(unchecked) private var attributeBytes = GrowableBuffer<UInt8>()
    @exclusivity(unchecked) private var linkEvents = GrowableBuffer<Int32>()
    @exclusivity(unchecked) private var linkObjects = GrowableBuffer<Int64>()
    @exclusivity(unchecked) private var linkQualifiers = GrowableBuffer<Int32>()

    init() {
        externalOffsets[0] = 0
        attributeOffsets[0] = 0
    }

    deinit {
        identity.deallocate()
        activity.deallocate()
        time.deallocate()
        startTime.deallocate()
        resource.deallocate()
        lifecycle.deallocate()
        externalOffsets.deallocate()
        attributeOffsets.deallocate()
        externalBytes.deallocate()
        attributeBytes.deallocate()
        linkEvents.deallocate()
        linkObjects.deallocate()
        linkQualifiers.deallocate()
    }

    /// True when no more events fit.
    var isFull: Bool { count == EventSegment.capacity }

    /// Appends an event (the buffer must not be full); ids of 0 and a start of `Int64.min`
    /// mean none, empty or nil bytes mean none.
    ///
    /// - Complexity: amortised O(1) plus the bytes copied.
    @inline(__always)
    func append(
        identity: Int64, activity: Int32, time: Int64, startTime: Int64, resource: Int32, lifecycle: Int32,
        externalID: UnsafeBufferPointer<UInt8>?, attributes: UnsafeBufferPointer<UInt8>?
    ) {
        let i = count
        self.identity[i] = identity
        self.activity[i] = activity
        self.time[i] = time
        self.startTime[i] = startTime
        self.resource[i] = resource
        self.lifecycle[i] = lifecycle
        if let externalID { externalBytes.append(contentsOf: externalID) }
        externalOffsets[i + 1] = UInt32(externalBytes.count)
        if let attributes { attributeBytes.append(contentsOf: attributes) }
        attributeOffsets[i + 1] = UInt32(attributeBytes.count)
        count = i + 1
    }

    /// Appends an event-to-object link; links must come in order of event.
    @inline(__always)
    func appendLink(event: Int32, object: Int64, qualifier: Int32) {
        linkEvents.append(event)
        linkObjects.append(object)
        linkQualifiers.append(qualifier)
        linkCount += 1
    }

    /// Link *k*: its event's index in the segment, its object and qualifier ids.
    @inline(__always)
    func link(_ k: Int) -> (event: Int32, object: Int64, qualifier: Int32) {
        (linkEvents.base[k], linkObjects.base[k], linkQualifiers.base[k])
    }

    /// The least and greatest event time, nil when empty.
    var timeRange: (min: Int64, max: Int64)? {
        guard count > 0 else { return nil }
        var low = time[0]
        var high = time[0]
        for i in 1..<count {
            low = Swift.min(low, time[i])
            high = Swift.max(high, time[i])
        }
        return (low, high)
    }

    /// Removes every event and link, keeping the memory.
    func removeAll() {
        count = 0
        linkCount = 0
        externalBytes.removeAll()
        attributeBytes.removeAll()
        linkEvents.removeAll()
        linkObjects.removeAll()
        linkQualifiers.removeAll()
    }

    /// Replaces the contents of `out` with the segment's bytes in `EventSegment`'s layout.
    ///
    /// - Complexity: O(*n* + *m* + bytes of the text columns).
    func encode(into out: inout [UInt8]) {
        let n = count
        let m = linkCount
        EventSegment.encode(
            EventSegment.Columns(
                identity: UnsafeBufferPointer(start: identity, count: n),
                activity: UnsafeBufferPointer(start: activity, count: n),
                time: UnsafeBufferPointer(start: time, count: n),
                startTime: UnsafeBufferPointer(start: startTime, count: n),
                resource: UnsafeBufferPointer(start: resource, count: n),
                lifecycle: UnsafeBufferPointer(start: lifecycle, count: n),
                externalOffsets: UnsafeBufferPointer(start: externalOffsets, count: n + 1),
                externalBytes: externalBytes.elements,
                attributeOffsets: UnsafeBufferPointer(start: attributeOffsets, count: n + 1),
                attributeBytes: attributeBytes.elements,
                linkEvent: UnsafeBufferPointer(start: linkEvents.base, count: m),
                linkObject: UnsafeBufferPointer(start: linkObjects.base, count: m),
                linkQualifier: UnsafeBufferPointer(start: linkQualifiers.base, count: m)),
            into: &out)
    }
}

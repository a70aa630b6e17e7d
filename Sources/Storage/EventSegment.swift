import _WaybillSupport

/// A block of consecutive events stored as columns in one SQLite BLOB.
///
/// The event store keeps events in segments of up to `EventSegment.capacity` events rather than
/// one table row each: a row per event costs several B-tree inserts and a trip through SQLite's
/// virtual machine, which capped ingest near 150,000 events per second, while a segment is
/// written with one insert and read back with a few `memcpy`s. This is the column-chunk idea of
/// Parquet's row groups, kept inside the one SQLite file so that a write is still one transaction.
///
/// Layout (little-endian): magic `WBS1`, event count *n*, link count *m* (UInt32 each); then the
/// columns identity (*n* × Int64), activity id (*n* × Int32), time (*n* × Int64), start time
/// (*n* × Int64, `Int64.min` = none), resource id (*n* × Int32, 0 = none), lifecycle id
/// (*n* × Int32, 0 = none), external ids and attributes (each *n*+1 UInt32 offsets, then UTF-8
/// bytes; empty = none), and the event-to-object links (*m* × (event index Int32, object id
/// Int64, qualifier id Int32)), sorted by event index.
public struct EventSegment: Equatable, Sendable {
    /// Events per segment: large enough that per-segment costs vanish, small enough to keep the
    /// writer's buffer at a few MB.
    public static let capacity = 65_536

    public var identity: [Int64] = []
    public var activity: [Int32] = []
    public var time: [Int64] = []
    public var startTime: [Int64] = []
    public var resource: [Int32] = []
    public var lifecycle: [Int32] = []
    public var externalIDs = ByteColumn()
    public var attributes = ByteColumn()
    public var linkEvent: [Int32] = []
    public var linkObject: [Int64] = []
    public var linkQualifier: [Int32] = []

    /// Events in the segment.
    public var count: Int { identity.count }
    /// Event-to-object links in the segment.
    public var linkCount: Int { linkEvent.count }

    public init() {}

    /// Removes every event and link, keeping capacity.
    public mutating func removeAll() {
        identity.removeAll(keepingCapacity: true)
        activity.removeAll(keepingCapacity: true)
        time.removeAll(keepingCapacity: true)
        startTime.removeAll(keepingCapacity: true)
        resource.removeAll(keepingCapacity: true)
        lifecycle.removeAll(keepingCapacity: true)
        externalIDs.removeAll()
        attributes.removeAll()
        linkEvent.removeAll(keepingCapacity: true)
        linkObject.removeAll(keepingCapacity: true)
        linkQualifier.removeAll(keepingCapacity: true)
    }

    static let magic: [UInt8] = Array("WBS1".utf8)
    /// Where the identity column starts in a segment's bytes (after the magic and the counts).
    static let identityOffset = 12

    /// The segment's bytes.
    ///
    /// - Complexity: O(*n* + *m* + bytes of the text columns).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Replaces the contents of `out` with the segment's bytes, reusing its storage: the ingest
    /// session encodes every segment into one buffer rather than a fresh multi-megabyte array.
    ///
    /// - Complexity: O(*n* + *m* + bytes of the text columns).
    public func encode(into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(16 + count * 40 + linkCount * 16 + externalIDs.bytes.count + attributes.bytes.count)
        out += EventSegment.magic
        append(UInt32(count), to: &out)
        append(UInt32(linkCount), to: &out)
        appendArray(identity, to: &out)
        appendArray(activity, to: &out)
        appendArray(time, to: &out)
        appendArray(startTime, to: &out)
        appendArray(resource, to: &out)
        appendArray(lifecycle, to: &out)
        appendArray(externalIDs.offsets, to: &out)
        out += externalIDs.bytes
        appendArray(attributes.offsets, to: &out)
        out += attributes.bytes
        appendArray(linkEvent, to: &out)
        appendArray(linkObject, to: &out)
        appendArray(linkQualifier, to: &out)
    }

    /// Reads a segment from its bytes.
    ///
    /// - Throws: `StoreError.notAStore` for bytes that are not a segment (a damaged store).
    /// - Complexity: O(size).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> EventSegment {
        var reader = Reader(bytes: bytes)
        guard bytes.count >= 12, Array(bytes.prefix(4)) == magic else {
            throw StoreError(.notAStore, "an event segment is damaged (bad header)")
        }
        reader.position = 4
        let n = Int(try reader.scalar(UInt32.self))
        let m = Int(try reader.scalar(UInt32.self))
        var s = EventSegment()
        s.identity = try reader.array(Int64.self, n)
        s.activity = try reader.array(Int32.self, n)
        s.time = try reader.array(Int64.self, n)
        s.startTime = try reader.array(Int64.self, n)
        s.resource = try reader.array(Int32.self, n)
        s.lifecycle = try reader.array(Int32.self, n)
        s.externalIDs.offsets = try reader.array(UInt32.self, n + 1)
        s.externalIDs.bytes = try reader.array(UInt8.self, Int(s.externalIDs.offsets.last ?? 0))
        s.attributes.offsets = try reader.array(UInt32.self, n + 1)
        s.attributes.bytes = try reader.array(UInt8.self, Int(s.attributes.offsets.last ?? 0))
        s.linkEvent = try reader.array(Int32.self, m)
        s.linkObject = try reader.array(Int64.self, m)
        s.linkQualifier = try reader.array(Int32.self, m)
        guard reader.position == bytes.count else { throw StoreError(.notAStore, "an event segment is damaged (trailing bytes)") }
        return s
    }

    /// Reads only the identity column of a segment's bytes.
    ///
    /// - Complexity: O(*n*).
    public static func identities(_ bytes: UnsafeRawBufferPointer) throws -> [Int64] {
        guard bytes.count >= 12, Array(bytes.prefix(4)) == magic else {
            throw StoreError(.notAStore, "an event segment is damaged (bad header)")
        }
        var reader = Reader(bytes: bytes)
        reader.position = 4
        let n = Int(try reader.scalar(UInt32.self))
        reader.position = identityOffset
        return try reader.array(Int64.self, n)
    }

    private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private func appendArray<T: FixedWidthInteger>(_ values: [T], to out: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { out += $0 }
        #else
        for v in values { append(v, to: &out) }
        #endif
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func scalar<T: FixedWidthInteger>(_: T.Type) throws -> T {
            try array(T.self, 1)[0]
        }

        mutating func array<T: FixedWidthInteger>(_: T.Type, _ count: Int) throws -> [T] {
            let size = count * MemoryLayout<T>.size
            guard count >= 0, position + size <= bytes.count else {
                throw StoreError(.notAStore, "an event segment is damaged (truncated)")
            }
            var out = [T](repeating: 0, count: count)
            out.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<position + size])) }
            position += size
            #if !_endian(little)
            out = out.map { T(littleEndian: $0) }
            #endif
            return out
        }
    }
}

/// A column of optional byte strings: offsets into one byte array (empty string = none).
public struct ByteColumn: Equatable, Sendable {
    /// `offsets[i] ..< offsets[i+1]` are row *i*'s bytes.
    public var offsets: [UInt32] = [0]
    public var bytes: [UInt8] = []

    public init() {}

    mutating func removeAll() {
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends a row (nil and "" are both stored as empty).
    @inline(__always)
    public mutating func append(_ text: String?) {
        if var text {
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }
        offsets.append(UInt32(bytes.count))
    }

    /// Appends a row from bytes (nil or empty = none).
    @inline(__always)
    public mutating func append(bytes row: UnsafeBufferPointer<UInt8>?) {
        if let row { bytes.append(contentsOf: row) }
        offsets.append(UInt32(bytes.count))
    }

    /// Row `i` as a string, nil when empty.
    public func string(_ i: Int) -> String? {
        let start = Int(offsets[i]), end = Int(offsets[i + 1])
        guard end > start else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

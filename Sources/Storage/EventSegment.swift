import _WaybillSupport

/// A block of consecutive events stored as columns in one SQLite BLOB.
///
/// The event store keeps events in segments of up to `EventSegment.capacity` events rather than
/// one table row each: a row per event costs several B-tree inserts and a trip through SQLite's
/// virtual machine, which capped ingest near 150,000 events per second, while a segment is
/// written with one insert and read back with a few `memcpy`s. This is the column-chunk idea of
/// Parquet's row groups, kept inside the one SQLite file so that a write is still one transaction.
///
/// Layout (little-endian): magic `WBS2`, event count *n*, link count *m* and a bit set of the
/// optional columns present (UInt32 each); then the columns identity (*n* × Int64), activity id
/// (*n* × Int32), time (*n* × Int64), and where present (`Layout`) start time (*n* × Int64,
/// `Int64.min` = none), resource id (*n* × Int32, 0 = none), lifecycle id (*n* × Int32,
/// 0 = none), external ids and attributes (each *n*+1 UInt32 offsets, then UTF-8 bytes; empty =
/// none), and the event-to-object links (*m* × event index Int32, *m* × object id Int64,
/// *m* × qualifier id Int32), sorted by event index. An absent column holds its "none" value for
/// every event; absent link event indices are 0, 1, 2... (link *k* belongs to event *k*, as in a
/// flat log, where a case's one link per event makes every event index its own). A flat CSV log
/// has no start times, lifecycles, external ids or qualifiers: leaving them out is a fifth of
/// its bytes.
///
/// Segments written before schema version 3 have the magic `WBS1`, a 12-byte header and every
/// column; they are read as they are.
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

    /// The magic of the layout written now, and of the one before schema version 3.
    static let magic: [UInt8] = Array("WBS2".utf8)
    static let legacyMagic: [UInt8] = Array("WBS1".utf8)
    /// Where the identity column starts in a segment written now (after the magic, the counts
    /// and the layout).
    static let identityOffset = 16

    /// The optional columns a segment stores (`WBS2`); an absent one is all "none".
    struct Layout: OptionSet {
        let rawValue: UInt32
        static let startTime = Layout(rawValue: 1 << 0)
        static let resource = Layout(rawValue: 1 << 1)
        static let lifecycle = Layout(rawValue: 1 << 2)
        static let externalIDs = Layout(rawValue: 1 << 3)
        static let attributes = Layout(rawValue: 1 << 4)
        /// Link event indices other than 0, 1, 2...
        static let linkEvent = Layout(rawValue: 1 << 5)
        static let linkQualifier = Layout(rawValue: 1 << 6)
        /// Every column: the `WBS1` layout.
        static let all = Layout(rawValue: (1 << 7) - 1)
    }

    /// A segment's columns, as arrays (`EventSegment`) or as pointers (the ingest session's
    /// `SegmentBuffer`): what `encode(_:into:)` writes, so the layout is spelled once.
    struct Columns<
        I64: RandomAccessCollection<Int64>, I32: RandomAccessCollection<Int32>, U32: RandomAccessCollection<UInt32>,
        U8: RandomAccessCollection<UInt8>
    > {
        var identity: I64
        var activity: I32
        var time: I64
        var startTime: I64
        var resource: I32
        var lifecycle: I32
        /// *n* + 1 offsets into the bytes.
        var externalOffsets: U32
        var externalBytes: U8
        var attributeOffsets: U32
        var attributeBytes: U8
        var linkEvent: I32
        var linkObject: I64
        var linkQualifier: I32

        /// The optional columns that hold anything but "none".
        ///
        /// - Complexity: O(*n* + *m*), stopping at the first value that is not "none".
        var layout: Layout {
            var layout: Layout = []
            if startTime.contains(where: { $0 != Int64.min }) { layout.insert(.startTime) }
            if resource.contains(where: { $0 != 0 }) { layout.insert(.resource) }
            if lifecycle.contains(where: { $0 != 0 }) { layout.insert(.lifecycle) }
            if !externalBytes.isEmpty { layout.insert(.externalIDs) }
            if !attributeBytes.isEmpty { layout.insert(.attributes) }
            if linkEvent.enumerated().contains(where: { $0.element != Int32(truncatingIfNeeded: $0.offset) }) {
                layout.insert(.linkEvent)
            }
            if linkQualifier.contains(where: { $0 != 0 }) { layout.insert(.linkQualifier) }
            return layout
        }
    }

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
        EventSegment.encode(
            Columns(
                identity: identity, activity: activity, time: time, startTime: startTime, resource: resource,
                lifecycle: lifecycle, externalOffsets: externalIDs.offsets, externalBytes: externalIDs.bytes,
                attributeOffsets: attributes.offsets, attributeBytes: attributes.bytes, linkEvent: linkEvent,
                linkObject: linkObject, linkQualifier: linkQualifier),
            into: &out)
    }

    /// Replaces the contents of `out` with the bytes of a segment of `columns` (*n* events,
    /// *m* links), leaving out the optional columns that are all "none".
    ///
    /// - Complexity: O(*n* + *m* + bytes of the text columns).
    static func encode<I64, I32, U32, U8>(_ columns: Columns<I64, I32, U32, U8>, into out: inout [UInt8]) {
        let n = columns.identity.count
        let m = columns.linkObject.count
        let layout = columns.layout
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(16 + n * 48 + m * 16 + columns.externalBytes.count + columns.attributeBytes.count)
        out += magic
        appendScalar(UInt32(n), to: &out)
        appendScalar(UInt32(m), to: &out)
        appendScalar(layout.rawValue, to: &out)
        appendColumn(columns.identity, to: &out)
        appendColumn(columns.activity, to: &out)
        appendColumn(columns.time, to: &out)
        if layout.contains(.startTime) { appendColumn(columns.startTime, to: &out) }
        if layout.contains(.resource) { appendColumn(columns.resource, to: &out) }
        if layout.contains(.lifecycle) { appendColumn(columns.lifecycle, to: &out) }
        if layout.contains(.externalIDs) {
            appendColumn(columns.externalOffsets, to: &out)
            appendColumn(columns.externalBytes, to: &out)
        }
        if layout.contains(.attributes) {
            appendColumn(columns.attributeOffsets, to: &out)
            appendColumn(columns.attributeBytes, to: &out)
        }
        if layout.contains(.linkEvent) { appendColumn(columns.linkEvent, to: &out) }
        appendColumn(columns.linkObject, to: &out)
        if layout.contains(.linkQualifier) { appendColumn(columns.linkQualifier, to: &out) }
    }

    /// Reads a segment from its bytes, in either layout.
    ///
    /// - Throws: `StoreError.notAStore` for bytes that are not a segment (a damaged store).
    /// - Complexity: O(size).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> EventSegment {
        var reader = try Reader(segment: bytes)
        let n = reader.eventCount
        let m = reader.linkCount
        let layout = reader.layout
        var s = EventSegment()
        s.identity = try reader.array(Int64.self, n)
        s.activity = try reader.array(Int32.self, n)
        s.time = try reader.array(Int64.self, n)
        s.startTime =
            layout.contains(.startTime) ? try reader.array(Int64.self, n) : Array(repeating: Int64.min, count: n)
        s.resource = layout.contains(.resource) ? try reader.array(Int32.self, n) : Array(repeating: 0, count: n)
        s.lifecycle = layout.contains(.lifecycle) ? try reader.array(Int32.self, n) : Array(repeating: 0, count: n)
        for (column, present) in [(\EventSegment.externalIDs, Layout.externalIDs), (\.attributes, .attributes)] {
            if layout.contains(present) {
                s[keyPath: column].offsets = try reader.array(UInt32.self, n + 1)
                s[keyPath: column].bytes = try reader.array(UInt8.self, Int(s[keyPath: column].offsets.last ?? 0))
            } else {
                s[keyPath: column].offsets = Array(repeating: 0, count: n + 1)
            }
        }
        s.linkEvent = layout.contains(.linkEvent) ? try reader.array(Int32.self, m) : (0..<Int32(m)).map { $0 }
        s.linkObject = try reader.array(Int64.self, m)
        s.linkQualifier =
            layout.contains(.linkQualifier) ? try reader.array(Int32.self, m) : Array(repeating: 0, count: m)
        guard reader.position == bytes.count else {
            throw StoreError(.notAStore, "an event segment is damaged (trailing bytes)")
        }
        return s
    }

    /// Reads only the identity column of a segment's bytes, in either layout.
    ///
    /// - Complexity: O(*n*).
    public static func identities(_ bytes: UnsafeRawBufferPointer) throws -> [Int64] {
        var reader = try Reader(segment: bytes)
        return try reader.array(Int64.self, reader.eventCount)
    }

    private static func appendScalar<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    /// Appends a column's integers, little-endian (arrays and buffers copy theirs whole).
    private static func appendColumn<C: RandomAccessCollection>(_ values: C, to out: inout [UInt8])
    where C.Element: FixedWidthInteger {
        #if _endian(little)
            let copied: Void? = values.withContiguousStorageIfAvailable {
                out.append(contentsOf: UnsafeRawBufferPointer($0))
            }
            if copied != nil { return }
        #endif
        for v in values { appendScalar(v, to: &out) }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        var eventCount = 0
        var linkCount = 0
        var layout = Layout.all

        /// A reader past a segment's header (either layout), at its identity column.
        init(segment bytes: UnsafeRawBufferPointer) throws {
            self.bytes = bytes
            let magic = Array(bytes.prefix(4))
            guard magic == EventSegment.magic || magic == EventSegment.legacyMagic else {
                throw StoreError(.notAStore, "an event segment is damaged (bad header)")
            }
            position = 4
            eventCount = Int(try scalar(UInt32.self))
            linkCount = Int(try scalar(UInt32.self))
            if magic == EventSegment.magic {
                layout = Layout(rawValue: try scalar(UInt32.self))
                guard Layout.all.isSuperset(of: layout) else {
                    throw StoreError(.notAStore, "an event segment is damaged (unknown columns)")
                }
            }
        }

        mutating func scalar<T: FixedWidthInteger>(_: T.Type) throws -> T {
            try array(T.self, 1)[0]
        }

        mutating func array<T: FixedWidthInteger>(_: T.Type, _ count: Int) throws -> [T] {
            let size = count * MemoryLayout<T>.size
            guard count >= 0, position + size <= bytes.count else {
                throw StoreError(.notAStore, "an event segment is damaged (truncated)")
            }
            var out = [T](repeating: 0, count: count)
            out.withUnsafeMutableBytes {
                $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<position + size]))
            }
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
        let start = Int(offsets[i])
        let end = Int(offsets[i + 1])
        guard end > start else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

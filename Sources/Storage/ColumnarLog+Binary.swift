import _WaybillSupport

/// A compact binary form of a case view, for the store's case-view cache.
///
/// Little-endian, versioned by a magic number: the columns are written as raw arrays so reading
/// them back is a handful of memory copies, not per-event decoding. Case attribute columns are
/// a tag byte and an 8-byte payload per case, with strings dictionary-encoded per column.
extension ColumnarLog {
    static let binaryMagic: UInt64 = 0x5742_4356_0000_0001  // "WBCV", version 1

    /// The log as bytes.
    ///
    /// - Complexity: O(*events* + *cases* × *attributes*).
    func binary() -> [UInt8] {
        var out = BinaryWriter()
        out.int(Self.binaryMagic)
        out.string(caseType)
        out.int(UInt64(activityNames.count))
        for name in activityNames { out.string(name) }
        out.int(UInt64(eventCount))
        out.int(UInt64(caseCount))
        out.array(activities)
        out.array(timestamps)
        out.array(startTimestamps)
        out.array(eventIDs)
        out.array(caseOffsets.map { Int64($0) })
        for id in caseIDs { out.string(id) }
        let names = caseAttributes.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        out.int(UInt64(names.count))
        for name in names {
            out.string(name)
            var tags = [UInt8](repeating: 0, count: caseCount)
            var payload = [Int64](repeating: 0, count: caseCount)
            var strings: [String] = []
            var stringIndex: [String: Int64] = [:]
            func intern(_ s: String) -> Int64 {
                if let i = stringIndex[s] { return i }
                stringIndex[s] = Int64(strings.count)
                strings.append(s)
                return Int64(strings.count - 1)
            }
            for (c, value) in caseAttributes[name]!.enumerated() {
                switch value {
                case nil: tags[c] = 0
                case .string(let s): (tags[c], payload[c]) = (1, intern(s))
                case .int(let v): (tags[c], payload[c]) = (2, v)
                case .double(let v): (tags[c], payload[c]) = (3, Int64(bitPattern: v.bitPattern))
                case .bool(let b): (tags[c], payload[c]) = (4, b ? 1 : 0)
                case .date(let t): (tags[c], payload[c]) = (5, t)
                case .id(let s): (tags[c], payload[c]) = (6, intern(s))
                }
            }
            out.array(tags)
            out.array(payload)
            out.int(UInt64(strings.count))
            for s in strings { out.string(s) }
        }
        return out.bytes
    }

    /// Where the sections of a binary case view lie: the head (magic, case type, activity names,
    /// counts), the event columns (activities, timestamps, start timestamps, event ids, case
    /// offsets: raw arrays), and the tail (case ids, then the case attribute columns).
    struct BinaryLayout {
        var caseType: String
        var activityNames: [String]
        var events: Int
        var cases: Int
        /// Where the event columns start, and where the tail starts, in the whole bytes.
        var columnsAt: Int
        var tailAt: Int

        /// The byte ranges of the event columns, in order.
        var columnRanges: [Range<Int>] {
            let sizes = [events * 4, events * 8, events * 8, events * 8, (cases + 1) * 8]
            var ranges: [Range<Int>] = []
            var at = columnsAt
            for size in sizes {
                ranges.append(at..<(at + size))
                at += size
            }
            return ranges
        }

        /// What reading a head gave.
        enum Head {
            case layout(BinaryLayout)
            /// The head goes on past the bytes given.
            case short
            /// Not a binary case view (another version, or corrupt).
            case invalid
        }

        /// Reads the head from the first bytes of an entry of `total` bytes.
        ///
        /// - Complexity: O(activities).
        static func read(_ head: UnsafeRawBufferPointer, total: Int) -> Head {
            var r = BinaryReader(bytes: head)
            guard let magic = r.int() else { return .short }
            guard magic == binaryMagic else { return .invalid }
            guard let caseType = r.string(), let activityCount = r.length() else {
                return head.count < total ? .short : .invalid
            }
            var activityNames: [String] = []
            for _ in 0..<min(activityCount, total) {
                guard let s = r.string() else { return head.count < total ? .short : .invalid }
                activityNames.append(s)
            }
            guard activityNames.count == activityCount else { return .invalid }
            guard let events = r.length(), let cases = r.length() else {
                return head.count < total ? .short : .invalid
            }
            // Counts no larger than the bytes themselves, so the sizes below cannot overflow.
            guard events <= total, cases <= total, r.offset + events * 28 + (cases + 1) * 8 <= total else {
                return .invalid
            }
            return .layout(
                BinaryLayout(
                    caseType: caseType, activityNames: activityNames, events: events, cases: cases,
                    columnsAt: r.offset, tailAt: r.offset + events * 28 + (cases + 1) * 8))
        }
    }

    /// The event columns of a binary case view, as arrays.
    struct EventColumns {
        var activities: [Int32]
        var timestamps: [Int64]
        var starts: [Int64]
        var ids: [Int64]
        var offsets: [Int64]
    }

    /// Reads bytes written by `binary()`; nil if they are not such bytes (another version,
    /// truncated).
    ///
    /// - Complexity: O(*events* + *cases* × *attributes*), spread over the cores.
    static func fromBinary(_ bytes: UnsafeRawBufferPointer) -> ColumnarLog? {
        guard case .layout(let layout) = BinaryLayout.read(bytes, total: bytes.count) else { return nil }
        var r = BinaryReader(bytes: bytes)
        r.offset = layout.columnsAt
        guard let activities: [Int32] = r.array(layout.events), let timestamps: [Int64] = r.array(layout.events),
            let starts: [Int64] = r.array(layout.events), let ids: [Int64] = r.array(layout.events),
            let offsets: [Int64] = r.array(layout.cases + 1)
        else { return nil }
        let columns = EventColumns(
            activities: activities, timestamps: timestamps, starts: starts, ids: ids, offsets: offsets)
        return fromBinary(
            layout: layout, columns: columns, tail: UnsafeRawBufferPointer(rebasing: bytes[layout.tailAt...]))
    }

    /// The log from its head's layout, its event columns, and the bytes of its tail (case ids and
    /// attributes); nil if they do not fit together. Only the case attributes named in
    /// `attributes` are decoded (nil: all); with `textsAsCodes`, a column of texts only goes to
    /// `codedCaseAttributes`, not to `caseAttributes`, and when `tailArray` (the tail's bytes as
    /// an array) is given the other columns go to `packedCaseAttributes`, read in place there.
    ///
    /// One quick pass finds where each attribute column starts (skipping the strings by their
    /// lengths); then the case ids and each wanted case attribute column are decoded as
    /// independent jobs on the free cores.
    ///
    /// - Complexity: O(*cases* × *attributes*), spread over the cores.
    static func fromBinary(
        layout: BinaryLayout, columns: EventColumns, tail: UnsafeRawBufferPointer,
        attributes wanted: Set<String>? = nil, textsAsCodes: Bool = false, packedFrom tailArray: [UInt8]? = nil
    ) -> ColumnarLog? {
        let cases = layout.cases
        guard columns.activities.count == layout.events, columns.timestamps.count == layout.events,
            columns.starts.count == columns.ids.count, columns.ids.isEmpty || columns.ids.count == layout.events,
            columns.offsets.count == cases + 1, cases <= tail.count
        else { return nil }
        var r = BinaryReader(bytes: tail)
        guard r.skipStrings(cases), let attributeCount = r.int() else { return nil }
        var attributes: [(name: String, at: Int, strings: Int)] = []
        for _ in 0..<attributeCount {
            guard let name = r.string(), let at = r.skip(cases * 9), let stringCount = r.length(),
                r.skipStrings(stringCount)
            else { return nil }
            if wanted?.contains(name) ?? true { attributes.append((name, at, stringCount)) }
        }
        guard r.atEnd else { return nil }

        enum Part: Sendable {
            case caseIDs([String])
            case attribute([AttributeValue?]?, TextCodes?)
            case packed(tagsAt: Int, payloadAt: Int, strings: [String])
        }
        let packing = textsAsCodes && tailArray?.count == tail.count
        let source = SendableBytes(bytes: tail)
        let sections = attributes
        let parts = Concurrently.map(1 + attributes.count) { job -> Part? in
            var r = BinaryReader(bytes: source.bytes)
            if job == 0 {
                var caseIDs: [String] = []
                caseIDs.reserveCapacity(cases)
                for _ in 0..<cases {
                    guard let s = r.string() else { return nil }
                    caseIDs.append(s)
                }
                return .caseIDs(caseIDs)
            }
            r.offset = sections[job - 1].at
            return Self.attributeColumn(
                &r, cases: cases, strings: sections[job - 1].strings, codesOnly: textsAsCodes, packing: packing
            ).map {
                switch $0 {
                case .values(let column, let codes): .attribute(column, codes)
                case .packed(let tagsAt, let payloadAt, let strings):
                    .packed(tagsAt: tagsAt, payloadAt: payloadAt, strings: strings)
                }
            }
        }
        guard case .caseIDs(let caseIDs)? = parts[0] else { return nil }
        var values: [String: [AttributeValue?]] = [:]
        var textCodes: [String: TextCodes] = [:]
        var codesOnly: [String: TextCodes] = [:]
        var packed: [String: PackedAttributeColumn] = [:]
        for (k, attribute) in attributes.enumerated() {
            switch parts[1 + k] {
            case .attribute(let column?, let codes)?:
                values[attribute.name] = column
                textCodes[attribute.name] = codes
            case .attribute(nil, let codes)?:
                codesOnly[attribute.name] = codes
            case .packed(let tagsAt, let payloadAt, let strings)?:
                packed[attribute.name] = PackedAttributeColumn(
                    bytes: tailArray!, tagsAt: tagsAt, payloadAt: payloadAt, strings: strings, count: cases)
            default: return nil
            }
        }
        return ColumnarLog(
            caseType: layout.caseType, activityNames: layout.activityNames, activities: columns.activities,
            timestamps: columns.timestamps, startTimestamps: columns.starts, eventIDs: columns.ids,
            caseOffsets: columns.offsets.map { Int($0) }, caseIDs: caseIDs, caseAttributes: values,
            knownTextCodes: textCodes, codedCaseAttributes: codesOnly, packedCaseAttributes: packed)
    }

    /// One case attribute column as `attributeColumn` reads it.
    private enum Column {
        /// Its values, and its codes when it holds texts only.
        case values([AttributeValue?]?, TextCodes?)
        /// Not texts only, to be read in place: where its tags and payloads are, and its texts.
        case packed(tagsAt: Int, payloadAt: Int, strings: [String])
    }

    /// One case attribute column: tags, payloads and its string table, read from `r`; and, for a
    /// column of texts only, its `TextCodes`, which are the payloads themselves (`binary()` interns
    /// the texts in case order, so the table is in order of first appearance, which is checked).
    /// With `codesOnly`, a column of texts only comes back as its codes alone (no values); with
    /// `packing`, any other column comes back as where it is (`.packed`), its values not made.
    ///
    /// - Complexity: O(*cases* + strings).
    private static func attributeColumn(
        _ r: inout BinaryReader, cases: Int, strings stringCount: Int, codesOnly: Bool, packing: Bool
    ) -> Column? {
        // Tags and payloads read where they are in the tail, not copied out first.
        guard let tagsAt = r.skip(cases), let payloadAt = r.skip(cases * 8), r.int() != nil else { return nil }
        let raw = r.bytes
        @inline(__always) func tag(_ c: Int) -> UInt8 { raw[tagsAt + c] }
        @inline(__always) func payload(_ c: Int) -> Int64 {
            Int64(littleEndian: raw.loadUnaligned(fromByteOffset: payloadAt + 8 * c, as: Int64.self))
        }
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            guard let s = r.string() else { return nil }
            strings.append(s)
        }
        // Whether the column is texts only, in order of first appearance, and valid.
        var textOnly = true
        var seen = 0  // texts met so far: the next new one must be strings[seen]
        for c in 0..<cases {
            let p = payload(c)
            switch tag(c) {
            case 0: break
            case 1, 6:
                guard p >= 0 && Int(p) < strings.count else { return nil }
                if Int(p) == seen { seen += 1 } else if Int(p) > seen { textOnly = false }
            case 2, 3, 4, 5: textOnly = false
            default: return nil
            }
        }
        textOnly = textOnly && seen == strings.count
        if !textOnly && packing { return .packed(tagsAt: tagsAt, payloadAt: payloadAt, strings: strings) }
        let coded =
            textOnly
            ? TextCodes(levels: strings, codes: (0..<cases).map { tag($0) == 0 ? -1 : Int32(payload($0)) }) : nil
        if codesOnly, coded != nil { return .values(nil, coded) }
        // Each value initialised once, not a column of nils overwritten.
        let column = [AttributeValue?](unsafeUninitializedCapacity: cases) { buffer, initialized in
            let values = buffer.baseAddress!
            for c in 0..<cases {
                let value = PackedAttributeColumn.value(tag: tag(c), payload: payload(c), strings: strings)
                (values + c).initialize(to: value)
            }
            initialized = cases
        }
        return .values(column, coded)
    }
}

/// Read-only bytes shared by `fromBinary`'s jobs, which all finish before the bytes are freed.
private struct SendableBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}

/// Appends little-endian values and raw arrays to a byte buffer.
struct BinaryWriter {
    var bytes: [UInt8] = []

    mutating func int(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            int(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Raw element bytes (the platforms Waybill runs on are little-endian).
    mutating func array<T: FixedWidthInteger>(_ values: [T]) {
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}

/// Reads what `BinaryWriter` wrote, failing softly on short input.
struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    mutating func int() -> UInt64? {
        guard offset + 8 <= bytes.count else { return nil }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: v)
    }

    /// A count or length: an `int()` that fits an `Int`.
    mutating func length() -> Int? { int().flatMap { Int(exactly: $0) } }

    mutating func string() -> String? {
        guard let n = length(), n <= bytes.count - offset else { return nil }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]), as: UTF8.self)
        offset += n
        return s
    }

    /// Skips `count` bytes, returning where they start; nil when fewer remain.
    mutating func skip(_ count: Int) -> Int? {
        guard count >= 0, count <= bytes.count - offset else { return nil }
        defer { offset += count }
        return offset
    }

    /// Skips `count` length-prefixed strings; false when they run past the end.
    mutating func skipStrings(_ count: Int) -> Bool {
        for _ in 0..<max(count, 0) {
            guard let n = length(), skip(n) != nil else { return false }
        }
        return count >= 0
    }

    mutating func array<T: FixedWidthInteger>(_ count: Int) -> [T]? {
        let size = count * MemoryLayout<T>.stride
        guard count >= 0, offset + size <= bytes.count else { return nil }
        let source = bytes.baseAddress.map { $0 + offset }
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if size > 0, let source { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source, byteCount: size) }
            initialized = count
        }
        offset += size
        return values
    }
}

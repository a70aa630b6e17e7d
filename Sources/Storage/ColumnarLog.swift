import _WaybillSupport

/// An event log as columns, the form every analytic runs on.
///
/// Activities are interned to `Int32` codes (`activityNames[code]`), timestamps are microseconds
/// since the epoch, and case *c*'s events are the index range `caseOffsets[c] ..< caseOffsets[c+1]`,
/// ordered by timestamp with ties in input order (PM4Py's rule: a stable sort by timestamp).
/// Thirteen million events take about 13 M × (4 + 8 + 8 + 8) bytes: a few hundred MB, no objects.
public struct ColumnarLog: Sendable {
    /// The object type the cases are (e.g. `orders`).
    public var caseType: String
    /// Activity names, indexed by code.
    public var activityNames: [String]
    /// Per event: activity code.
    public var activities: [Int32]
    /// Per event: completion timestamp.
    public var timestamps: [Microseconds]
    /// Per event: start timestamp, or `Int64.min` when the event has none. Empty, with
    /// `eventIDs`, in a view loaded without event details (`hasEventDetails`).
    public var startTimestamps: [Microseconds]
    /// Per event: the store's event id. Empty, with `startTimestamps`, in a view loaded without
    /// event details.
    public var eventIDs: [Int64]
    /// Case *c* spans `caseOffsets[c] ..< caseOffsets[c+1]`; `count == caseIDs.count + 1`.
    public var caseOffsets: [Int]
    /// Per case: its external id.
    public var caseIDs: [String]
    /// Case attributes by name: one value per case, nil where a case lacks it.
    public var caseAttributes: [String: [AttributeValue?]] {
        didSet { knownTextCodes = [:] }
    }
    /// Text codes of case attribute columns that came with the log (the case-view cache stores
    /// its text columns dictionary-coded), by name; emptied whenever `caseAttributes` changes.
    /// See `textCodes(_:)`.
    var knownTextCodes: [String: TextCodes] = [:]
    /// Text case attributes held only as codes, not in `caseAttributes`: a lean view's (see
    /// `EventStore.loadCaseView(objectType:attributes:eventDetails:textsAsCodes:)`), for stages
    /// that read texts only through `textCodes(_:)`, such as scoring. Kept when `caseAttributes`
    /// changes; a name in both is read from `caseAttributes`. `binary()` (the case-view cache)
    /// writes `caseAttributes` only: the cache is made from the full view, never a lean one.
    public internal(set) var codedCaseAttributes: [String: TextCodes] = [:]
    /// Case attributes of numbers, instants or mixed values held packed, not in `caseAttributes`:
    /// a lean view's, read from the case-view cache in place (see `PackedAttributeColumn`).
    /// Read them through `caseAttributeColumn(_:)`. Kept when `caseAttributes` changes; a name in
    /// both is read from `caseAttributes`; `binary()` ignores them, as `codedCaseAttributes`.
    public internal(set) var packedCaseAttributes: [String: PackedAttributeColumn] = [:]

    /// Whether the log has case attribute `name`, as values, packed, or only as codes.
    public func hasCaseAttribute(_ name: String) -> Bool {
        caseAttributes[name] != nil || packedCaseAttributes[name] != nil || codedCaseAttributes[name] != nil
    }

    /// The names of the case attributes, as values, packed, or only as codes, sorted.
    public var caseAttributeNames: [String] {
        Set(caseAttributes.keys).union(packedCaseAttributes.keys).union(codedCaseAttributes.keys).sorted()
    }

    /// Case attribute `name`'s values, held as values or packed; nil when the log lacks it or
    /// holds it only as codes (`textCodes(_:)` reads those).
    ///
    /// - Complexity: O(1).
    public func caseAttributeColumn(_ name: String) -> CaseAttributeColumn? {
        if let values = caseAttributes[name] { return .values(values) }
        return packedCaseAttributes[name].map(CaseAttributeColumn.packed)
    }

    /// Keeps only the case attribute values of the cases `kept` (indices into the current
    /// cases), in that order: for a log whose cases were just cut down to those. Values and
    /// packed columns come out as values, columns held as codes as codes (levels as they first
    /// appear among the kept cases, as `textCodes(_:)` gives them).
    ///
    /// - Complexity: O(`kept.count` × attributes).
    public mutating func keepCaseAttributes(ofCases kept: [Int]) {
        var values = caseAttributes.mapValues { column in kept.map { column[$0] } }
        for (name, column) in packedCaseAttributes where values[name] == nil {
            values[name] = kept.map { column[$0] }
        }
        caseAttributes = values
        packedCaseAttributes = [:]
        // Codes renumbered so the levels stay those present, in order of first appearance.
        codedCaseAttributes = codedCaseAttributes.mapValues { coded in
            var renumbered = [Int32](repeating: -1, count: coded.levels.count)
            var levels: [String] = []
            let codes = kept.map { c -> Int32 in
                let old = Int(coded.codes[c])
                guard old >= 0 else { return -1 }
                if renumbered[old] < 0 {
                    renumbered[old] = Int32(levels.count)
                    levels.append(coded.levels[old])
                }
                return renumbered[old]
            }
            return TextCodes(levels: levels, codes: codes)
        }
    }

    /// The number of cases.
    public var caseCount: Int { caseIDs.count }
    /// The number of events.
    public var eventCount: Int { activities.count }
    /// Whether the log holds the start timestamps and event ids: false for a view loaded
    /// without them (`EventStore.loadCaseView(objectType:attributes:eventDetails:)`), which is for
    /// the stages that read neither (scoring, backtests), not for mining.
    public var hasEventDetails: Bool { eventIDs.count == eventCount && startTimestamps.count == eventCount }
    /// True when any event has a start timestamp.
    public var hasStartTimestamps: Bool { startTimestamps.contains { $0 != Int64.min } }

    /// The event index range of case `c`.
    @inline(__always)
    public func events(ofCase c: Int) -> Range<Int> { caseOffsets[c]..<caseOffsets[c + 1] }

    /// Start activities with the number of cases starting with each, by activity name.
    ///
    /// - Complexity: O(*cases*).
    public func startActivities() -> [String: Int] {
        var counts: [String: Int] = [:]
        for c in 0..<caseCount where caseOffsets[c] < caseOffsets[c + 1] {
            counts[activityNames[Int(activities[caseOffsets[c]])], default: 0] += 1
        }
        return counts
    }

    /// End activities with the number of cases ending with each, by activity name.
    ///
    /// - Complexity: O(*cases*).
    public func endActivities() -> [String: Int] {
        var counts: [String: Int] = [:]
        for c in 0..<caseCount where caseOffsets[c] < caseOffsets[c + 1] {
            counts[activityNames[Int(activities[caseOffsets[c + 1] - 1])], default: 0] += 1
        }
        return counts
    }

    /// Checks the invariants: offsets monotone and covering every event, columns of equal length,
    /// codes in range, each case sorted by timestamp. Runs in debug builds and tests.
    ///
    /// - Complexity: O(*events*).
    public func checkInvariants() {
        precondition(caseOffsets.count == caseIDs.count + 1 && caseOffsets.first == 0 && caseOffsets.last == eventCount)
        precondition(timestamps.count == eventCount)
        precondition(hasEventDetails || (startTimestamps.isEmpty && eventIDs.isEmpty))
        for c in 0..<caseCount {
            precondition(caseOffsets[c] <= caseOffsets[c + 1])
            for i in events(ofCase: c).dropFirst() { precondition(timestamps[i - 1] <= timestamps[i]) }
        }
        for a in activities { precondition(a >= 0 && Int(a) < activityNames.count) }
        for column in caseAttributes.values { precondition(column.count == caseCount) }
        for column in packedCaseAttributes.values { precondition(column.count == caseCount) }
        for coded in codedCaseAttributes.values {
            precondition(coded.codes.count == caseCount && coded.codes.allSatisfy { $0 < coded.levels.count })
        }
    }
}

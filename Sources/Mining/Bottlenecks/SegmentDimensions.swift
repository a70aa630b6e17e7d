import Storage

/// What the bottleneck segment search can split an item's waits by: every case dimension
/// (`CaseDimensions`: channel, node, carrier, region, category, numeric attributes by quartile,
/// ...) and two per-wait dimensions taken from the earlier event's completion time, `weekday`
/// (Monday ... Sunday) and `hour_of_day` (00 ... 23, UTC).
///
/// Each dimension gives every wait a level code in `0 ..< levels.count`, or `levels.count` when
/// the wait has none (the case lacks the attribute): that "missing" code is never a segment of
/// its own, its waits only ever belong to the rest.
struct SegmentDimensions: Sendable {
    /// Where a dimension's level comes from.
    enum Source: Sendable {
        /// A case dimension: one level code per case, `levels.count` when missing (one byte per
        /// case, so the lookups of a wait's case stay in cache).
        case caseLevels([Int8])
        /// The weekday of the source event's completion.
        case weekday
        /// The hour of day of the source event's completion.
        case hourOfDay
    }

    /// One dimension.
    struct Dimension: Sendable {
        var name: String
        var levels: [String]
        var source: Source

        /// The level code of a wait, `levels.count` when it has none.
        ///
        /// - Complexity: O(1).
        @inline(__always)
        func code(case c: Int32, timeOfWeek: UInt8) -> Int8 {
            switch source {
            case .caseLevels(let codes): return codes[Int(c)]
            case .weekday: return Int8(timeOfWeek / 24)
            case .hourOfDay: return Int8(timeOfWeek % 24)
            }
        }
    }

    /// English weekday names, Monday first.
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// The dimensions: the case dimensions by name, then `weekday` and `hour_of_day`. A case
    /// attribute named `weekday` or `hour_of_day` is kept under its own name with a `case:` prefix.
    var dimensions: [Dimension]

    /// The dimensions of a log. Dimensions with fewer than two levels are left out, and so are
    /// case attributes with more than `maxLevels` distinct values (`CaseDimensions`).
    ///
    /// - Precondition: `maxLevels` is at most 120 (level codes are `Int8`).
    /// - Complexity: O(*cases* × *attributes*), see `CaseDimensions`.
    init(log: ColumnarLog, maxLevels: Int) {
        self.init(caseDimensions: CaseDimensions(log: log, maxLevels: maxLevels))
    }

    /// The dimensions from a log's case dimensions, already found (as `SLAReport` needs them too).
    ///
    /// - Precondition: `caseDimensions.maxLevels` is at most 120 (level codes are `Int8`).
    /// - Complexity: O(*cases* × *dimensions*) to copy the codes.
    init(caseDimensions: CaseDimensions) {
        precondition(
            caseDimensions.maxLevels >= 2 && caseDimensions.maxLevels <= 120, "maxLevels must be in 2...120")
        var dimensions: [Dimension] = []
        for d in caseDimensions.dimensions where d.levels.count >= 2 {
            let name = d.name == "weekday" || d.name == "hour_of_day" ? "case:" + d.name : d.name
            let missing = Int8(d.levels.count)
            let codes = d.codes.map { $0 < 0 ? missing : Int8(truncatingIfNeeded: $0) }
            dimensions.append(Dimension(name: name, levels: d.levels, source: .caseLevels(codes)))
        }
        dimensions.append(Dimension(name: "weekday", levels: Self.weekdayNames, source: .weekday))
        let hours = (0..<24).map { $0 < 10 ? "0\($0)" : "\($0)" }
        dimensions.append(Dimension(name: "hour_of_day", levels: hours, source: .hourOfDay))
        self.dimensions = dimensions
    }
}

import Storage
import _WaybillSupport

/// Which cases (and events) of a log an analysis runs on: a time window, case attribute values,
/// start and end activities, a throughput time range, and the top variants.
///
/// `apply(to:)` gives a filtered `ColumnarLog` with its own case offsets, so every analysis runs
/// the same way on a filtered log as on a whole one. The steps run in this order, each on what the
/// previous one kept:
/// 1. **Time window** [`from`, `to`): `casesStarting` keeps the cases whose first event completes
///    in it (whole cases); `events` keeps only the events that complete in it, and the cases that
///    still have one.
/// 2. **Case attributes**: every condition must hold (AND). A value matches its text, or the same
///    number (`35` matches `35.0`), truth value or instant.
/// 3. **Start and end activities**: the case's first (last) event's activity is in the set, after
///    the window (so in `events` mode, the first event inside the window).
/// 4. **Throughput time**: last completion − first completion within [min, max] seconds.
/// 5. **Variants**: the cases of the `k` most frequent variants, or of the fewest top variants
///    that cover at least a share of the cases, ranked as `VariantTable` ranks them on the log
///    left by steps 1 to 4.
///
/// An attribute, activity or value that the log does not have at all is an error (naming the ones
/// it does have) rather than an empty result, since it is almost always a typo.
public struct CaseFilter: Sendable, Equatable {
    /// What a time window keeps.
    public enum WindowMode: String, Sendable, CaseIterable {
        /// Whole cases whose first event is in the window.
        case casesStarting = "cases-starting"
        /// Only the events in the window.
        case events
    }

    /// A case attribute equality, `key=value`.
    public struct AttributeCondition: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        /// Reads `key=value` (the value may itself contain `=`).
        ///
        /// - Throws: `MiningError.invalidOption` when there is no `=` or the key is empty.
        public init(parsing text: String) throws {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw MiningError(
                    .invalidOption, "expected key=value, such as channel=web, not '\(text)'", location: "--where")
            }
            self.init(key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
        }
    }

    /// Which variants to keep.
    public enum VariantSelection: Sendable, Equatable {
        /// The `k` most frequent variants.
        case top(Int)
        /// The fewest top variants covering at least this share of the cases, in (0, 1].
        case coverage(Double)
    }

    /// The window's start (inclusive) and end (exclusive), in microseconds since the epoch.
    public var from: Microseconds?
    public var to: Microseconds?
    /// What the window keeps.
    public var windowMode: WindowMode = .casesStarting
    /// Case attribute conditions, all of which must hold.
    public var attributes: [AttributeCondition] = []
    /// Start activities to keep (empty: any).
    public var startActivities: [String] = []
    /// End activities to keep (empty: any).
    public var endActivities: [String] = []
    /// Throughput time range in seconds, inclusive.
    public var minThroughputSeconds: Double?
    public var maxThroughputSeconds: Double?
    /// Which variants to keep (nil: all).
    public var variants: VariantSelection?

    public init() {}

    /// True when the filter keeps everything.
    public var keepsEverything: Bool {
        from == nil && to == nil && attributes.isEmpty && startActivities.isEmpty && endActivities.isEmpty
            && minThroughputSeconds == nil && maxThroughputSeconds == nil && variants == nil
    }

    /// Reads an instant for `--from` or `--to`: ISO 8601 / RFC 3339, a date alone meaning
    /// midnight; UTC unless the text carries `Z` or an offset.
    ///
    /// - Throws: `MiningError.invalidOption` naming the option.
    public static func parseInstant(_ text: String, option: String) throws -> Microseconds {
        guard let parsed = Timestamp.parseISO(text) else {
            throw MiningError(
                .invalidOption,
                "cannot read '\(text)' as a date or time; use ISO 8601 such as 2026-01-05 or 2026-01-05T08:00:00Z (UTC unless an offset is given)",
                location: option)
        }
        return parsed.micros
    }

    /// Checks the options on their own (no log needed): a window that is not empty, ranges that
    /// are not reversed, a variant selection that makes sense.
    ///
    /// - Throws: `MiningError.invalidOption`.
    public func validate() throws {
        if let from, let to, from >= to {
            throw MiningError(
                .invalidOption,
                "the window is empty: --from \(Timestamp.format(from)) is not before --to \(Timestamp.format(to))",
                location: "--from")
        }
        for (value, option) in [
            (minThroughputSeconds, "--min-throughput-hours"), (maxThroughputSeconds, "--max-throughput-hours"),
        ] {
            if let value, !(value >= 0 && value.isFinite) {
                throw MiningError(.invalidOption, "give a number of hours of 0 or more", location: option)
            }
        }
        if let low = minThroughputSeconds, let high = maxThroughputSeconds, low > high {
            throw MiningError(
                .invalidOption, "the throughput range is empty: the minimum is above the maximum",
                location: "--min-throughput-hours")
        }
        switch variants {
        case .top(let k) where k < 1:
            throw MiningError(.invalidOption, "keep at least 1 variant", location: "--top-variants")
        case .coverage(let share) where !(share > 0 && share <= 1):
            throw MiningError(
                .invalidOption, "give a share of cases in (0, 1], such as 0.8 for 80%", location: "--variant-coverage")
        default: break
        }
    }

    /// The log restricted to what the filter keeps.
    ///
    /// - Throws: `MiningError` for invalid options and for attributes, values or activities the
    ///   log does not have.
    /// - Complexity: O(*events* + *cases* × *conditions*), plus a `VariantTable` of the filtered
    ///   log when variants are selected.
    public func apply(to log: ColumnarLog) throws -> ColumnarLog {
        try validate()
        if keepsEverything { return log }
        let columns = try attributes.map { condition in
            guard let column = log.caseAttributes[condition.key] else {
                throw MiningError(
                    .unknownAttribute,
                    "no case attribute '\(condition.key)'; the case attributes are: \(MiningError.list(log.caseAttributes.keys))",
                    location: "--where")
            }
            guard column.contains(where: { Self.matches($0, condition.value) }) else {
                let values = Set(column.compactMap { $0?.text })
                throw MiningError(
                    .unknownValue,
                    "no case has \(condition.key)=\(condition.value); its values are: \(MiningError.list(values))",
                    location: "--where")
            }
            return column
        }
        let startSet = try codes(startActivities, in: log, option: "--start-activity")
        let endSet = try codes(endActivities, in: log, option: "--end-activity")

        var keepCase = [Bool](repeating: false, count: log.caseCount)
        let trimEvents = windowMode == .events && (from != nil || to != nil)
        var keepEvent: [Bool]? = trimEvents ? [Bool](repeating: false, count: log.eventCount) : nil
        let low = from ?? Int64.min
        let high = to ?? Int64.max
        for c in 0..<log.caseCount {
            var range = log.events(ofCase: c)
            guard !range.isEmpty else { continue }
            if trimEvents {
                // A case's events are in completion order, so those in the window are one run.
                var first = range.lowerBound
                var last = range.upperBound
                while first < last && log.timestamps[first] < low { first += 1 }
                while last > first && log.timestamps[last - 1] >= high { last -= 1 }
                range = first..<last
                guard !range.isEmpty else { continue }
            } else if !(low..<high).contains(log.timestamps[range.lowerBound]) {
                continue
            }
            guard zip(attributes, columns).allSatisfy({ Self.matches($1[c], $0.value) }) else { continue }
            if let startSet, !startSet.contains(log.activities[range.lowerBound]) { continue }
            if let endSet, !endSet.contains(log.activities[range.upperBound - 1]) { continue }
            let seconds = Double(log.timestamps[range.upperBound - 1] - log.timestamps[range.lowerBound]) / 1e6
            if let minimum = minThroughputSeconds, seconds < minimum { continue }
            if let maximum = maxThroughputSeconds, seconds > maximum { continue }
            keepCase[c] = true
            if trimEvents { for i in range { keepEvent![i] = true } }
        }
        let filtered = log.subset(keepCase: keepCase, keepEvent: keepEvent)
        guard let variants else { return filtered }
        let table = VariantTable(log: filtered)
        let kept: Int
        switch variants {
        case .top(let k): kept = Swift.min(k, table.variants.count)
        case .coverage(let share): kept = table.count(covering: share)
        }
        return filtered.subset(keepCase: table.variantOfCase.map { Int($0) < kept })
    }

    /// The codes of activity names, or nil for an empty list (no condition).
    private func codes(_ names: [String], in log: ColumnarLog, option: String) throws -> Set<Int32>? {
        guard !names.isEmpty else { return nil }
        var codes = Set<Int32>()
        for name in names {
            guard let code = log.activityNames.firstIndex(of: name) else {
                throw MiningError(
                    .unknownActivity,
                    "no activity '\(name)'; the activities are: \(MiningError.list(Set(log.activities).map { log.activityNames[Int($0)] }))",
                    location: option)
            }
            codes.insert(Int32(code))
        }
        return codes
    }

    /// Whether a case attribute value matches the text of a `--where` condition.
    static func matches(_ value: AttributeValue?, _ expected: String) -> Bool {
        guard let value else { return false }
        if value.text == expected { return true }
        switch value {
        case .int, .double:
            guard let number = Double(expected) else { return false }
            return value.number == number
        case .bool(let b):
            return expected.lowercased() == (b ? "true" : "false")
        case .date(let t):
            return Timestamp.parseISO(expected)?.micros == t
        case .string, .id:
            return false
        }
    }
}

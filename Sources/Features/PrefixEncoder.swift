import Dispatch
import Learning
import Mining
import Storage
import _WaybillSupport

/// Turns prefix rows of a log into a feature matrix: case attributes, time features, the
/// aggregated prefix (activity counts, last activity, time since the last event, time to each
/// key milestone, rework) and the process context at the prefix time.
///
/// `fit` decides the schema from training rows; `encode` applies a schema to any rows of any log.
/// A row's values depend only on its case's first `eventCount` events, its case attributes and
/// promise, and other cases' events up to its prefix time.
public struct PrefixEncoder: Sendable {
    /// Settings of `fit`.
    public struct Options: Sendable, Equatable {
        /// A categorical level needs this many training cases to be kept (others are `(other)`).
        public var minLevelCases = 30
        /// A categorical attribute with more distinct values than this is not used (ids).
        public var maxDistinctLevels = 100
        /// Activities reached by at least this share of training cases get a `hours_to_` feature.
        public var timedActivityShare = 0.05
        /// At most this many timed activities (the most common).
        public var maxTimedActivities = 15
        /// Case attributes never used as features (the promise, used through `hours_to_promise`).
        public var excludedAttributes: Set<String> = []
        public var context = ProcessContext.Options()
        public init() {}
    }

    /// The fitted schema.
    public var schema: FeatureSchema

    public init(schema: FeatureSchema) { self.schema = schema }

    /// Decides the schema from the training rows' cases.
    ///
    /// - Complexity: O(*events* + *cases* × *attributes*).
    public static func fit(log: ColumnarLog, rows: PrefixRows, options: Options = Options()) -> PrefixEncoder {
        // Each training case and the longest prefix of it a row sees: activities are counted and
        // timed only as far as the rows see them (a milestone after every prefix would be a
        // constant, never-present feature).
        var longest: [Int32: Int32] = [:]
        for r in 0..<rows.count { longest[rows.caseIndex[r]] = max(longest[rows.caseIndex[r]] ?? 0, rows.eventCount[r]) }
        let cases = longest.keys.sorted().map(Int.init)
        func prefix(_ c: Int) -> Range<Int> {
            let range = log.events(ofCase: c)
            return range.lowerBound..<(range.lowerBound + Int(longest[Int32(c)]!))
        }

        var attributes: [FeatureSchema.CaseAttribute] = []
        for name in log.caseAttributes.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        where !options.excludedAttributes.contains(name) {
            let column = log.caseAttributes[name]!
            var numeric = true
            var isDate = false
            var counts: [String: Int] = [:]
            for c in cases {
                guard let value = column[c] else { continue }
                switch value {
                case .int, .double: break
                case .date: isDate = true
                default: numeric = false
                }
                counts[value.text, default: 0] += 1
            }
            guard !isDate, !counts.isEmpty else { continue }
            if numeric {
                attributes.append(.init(attribute: name, numeric: true, levels: []))
                continue
            }
            guard counts.count <= options.maxDistinctLevels else { continue }
            var kept = counts.filter { $0.value >= options.minLevelCases }.keys.sorted {
                $0.utf8.lexicographicallyPrecedes($1.utf8)
            }
            if kept.count < counts.count { kept.append(FeatureSchema.otherLevel) }
            guard kept.count >= 2 else { continue }
            attributes.append(.init(attribute: name, numeric: false, levels: kept))
        }

        // Activities by how many training cases reach them.
        var reach = [Int](repeating: 0, count: log.activityNames.count)
        var frequency = [Int](repeating: 0, count: log.activityNames.count)
        var seen = [Int](repeating: -1, count: log.activityNames.count)
        for c in cases {
            for i in prefix(c) {
                let a = Int(log.activities[i])
                frequency[a] += 1
                if seen[a] != c {
                    seen[a] = c
                    reach[a] += 1
                }
            }
        }
        let present = log.activityNames.indices.filter { frequency[$0] > 0 }
        let byName = present.sorted { log.activityNames[$0].utf8.lexicographicallyPrecedes(log.activityNames[$1].utf8) }
        let counted = byName.map { log.activityNames[$0] }
        // Activities that are the first event of every case reaching them (the start) are
        // always at hour 0: not worth a timing feature.
        var firsts = [Int](repeating: 0, count: log.activityNames.count)
        for c in cases { if let i = log.events(ofCase: c).first { firsts[Int(log.activities[i])] += 1 } }
        let timedKept = present.filter {
            Double(reach[$0]) >= options.timedActivityShare * Double(max(cases.count, 1)) && firsts[$0] < reach[$0]
        }
        .sorted { reach[$0] != reach[$1] ? reach[$0] > reach[$1] : log.activityNames[$0] < log.activityNames[$1] }
        .prefix(options.maxTimedActivities)
        .map { log.activityNames[$0] }

        var schema = FeatureSchema(
            caseAttributes: attributes, countedActivities: counted, timedActivities: timedKept,
            lastActivityLevels: counted, context: options.context, contextFeatures: [], features: [])
        var context: [String] = []
        let probe = log.caseAttributes
        if probe[options.context.nodeAttribute] != nil {
            context += ["node_wip", "node_recent_throughput"]
        }
        if probe[options.context.carrierAttribute] != nil { context.append("carrier_recent_late_rate") }
        if probe[options.context.channelAttribute] != nil,
            log.activityNames.contains(options.context.allocationFailedActivity),
            log.activityNames.contains(options.context.allocatedActivity)
        {
            context.append("channel_recent_allocation_failure_rate")
        }
        schema.contextFeatures = context
        schema.features = Self.features(of: schema)
        schema.checkInvariants()
        return PrefixEncoder(schema: schema)
    }

    /// The feature list a schema implies, in matrix order.
    static func features(of schema: FeatureSchema) -> [FeatureMatrix.Feature] {
        var features: [FeatureMatrix.Feature] = []
        var used = Set<String>()
        func add(_ name: String, _ kind: FeatureMatrix.Kind, _ levels: [String] = [], _ description: String) {
            var unique = name
            var k = 2
            while used.contains(unique) {
                unique = "\(name)_\(k)"
                k += 1
            }
            used.insert(unique)
            features.append(.init(name: unique, kind: kind, levels: levels, description: description))
        }
        for a in schema.caseAttributes {
            add(
                slug(a.attribute), a.numeric ? .numeric : .categorical, a.levels,
                a.numeric
                    ? "case attribute '\(a.attribute)' (number)"
                    : "case attribute '\(a.attribute)'\(a.levels.last == FeatureSchema.otherLevel ? ", rare values grouped as (other)" : "")")
        }
        add("hours_since_creation", .numeric, [], "hours from the case's first event to the prefix time")
        add("hours_to_promise", .numeric, [], "hours from the prefix time to the promised time (negative once overdue)")
        add("hour_of_day", .numeric, [], "hour (UTC) of the prefix time")
        add("weekday", .categorical, Timestamp.weekdayNames, "weekday (UTC) of the prefix time")
        add("events_so_far", .numeric, [], "events of the case up to the prefix time")
        add("rework_events", .numeric, [], "events that repeat an activity already in the prefix")
        add("hours_since_last_event", .numeric, [], "hours from the case's latest event to the prefix time")
        add(
            "last_activity", .categorical, schema.lastActivityLevels + [FeatureSchema.otherLevel],
            "activity of the case's latest event")
        for name in schema.countedActivities {
            add("count_" + slug(name), .numeric, [], "times '\(name)' occurred in the prefix")
        }
        for name in schema.timedActivities {
            add(
                "hours_to_" + slug(name), .numeric, [],
                "hours from the case's first event to its first '\(name)'; missing if not reached yet")
        }
        let descriptions = [
            "node_wip": "orders at the case's node started and neither fulfilled nor cancelled at the prefix time",
            "node_recent_throughput": "orders at the case's node fulfilled or cancelled in the 24 h before the prefix time",
            "carrier_recent_late_rate": "share of the carrier's orders fulfilled in the 7 days before the prefix time that were late",
            "channel_recent_allocation_failure_rate":
                "share of the channel's allocation attempts in the 24 h before the prefix time that failed",
        ]
        for name in schema.contextFeatures { add(name, .numeric, [], descriptions[name]!) }
        return features
    }

    /// A feature name from text: lowercase letters, digits and `_`.
    static func slug(_ text: String) -> String {
        var out = ""
        var lastUnderscore = false
        for ch in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
                out.unicodeScalars.append(ch)
                lastUnderscore = false
            } else if !lastUnderscore && !out.isEmpty {
                out += "_"
                lastUnderscore = true
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out.isEmpty ? "x" : out
    }
}

extension PrefixEncoder {
    /// Checks that `log` can be encoded with this schema: every case attribute the schema uses
    /// exists in the log with the same kind (number or text). A log from another system that lacks
    /// one would silently score every order as "missing" there, so it is refused instead.
    ///
    /// - Throws: `FeatureError.schemaMismatch` naming the attributes.
    /// - Complexity: O(*cases* × *schema attributes*).
    public func checkFits(_ log: ColumnarLog) throws {
        var missing: [String] = []
        var wrongKind: [String] = []
        for a in schema.caseAttributes {
            let numeric: Bool
            if let column = log.caseAttributeColumn(a.attribute) {
                guard let first = column.firstValue else { continue }
                numeric = first.number != nil
            } else if let coded = log.codedCaseAttributes[a.attribute] {
                guard !coded.levels.isEmpty else { continue }
                numeric = false  // texts only
            } else {
                missing.append(a.attribute)
                continue
            }
            if numeric != a.numeric { wrongKind.append("\(a.attribute) (\(a.numeric ? "a number" : "text") in training)") }
        }
        guard missing.isEmpty && wrongKind.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("the log has no case attribute " + missing.joined(separator: ", ")) }
            if !wrongKind.isEmpty { parts.append("these attributes have another type: " + wrongKind.joined(separator: ", ")) }
            throw FeatureError(
                .schemaMismatch,
                "the model's features do not fit this log: " + parts.joined(separator: "; ")
                    + "; score a log from the same kind of source, or retrain")
        }
    }
}

import Foundation
import Storage
import _WaybillSupport

/// What changed between two windows of the same log: the rows of `changes.csv`.
///
/// Compares a previous and a current `ProcessAnalysis` (typically last week and this week):
/// overall size and throughput, variants that appeared or vanished and those whose share moved
/// most, edges that appeared or vanished and those whose median wait moved most, activities
/// whose median waiting time moved most, and SLA attainment overall and per segment. Items are
/// matched by name (activity names, variant sequences, segment levels), so the two analyses may
/// come from different loads. Within a kind, rows are ordered by the size of the change (largest
/// first), then by item, so the output is deterministic.
public struct ProcessComparison: Sendable {
    /// One change.
    public struct Change: Sendable, Equatable {
        /// `summary`, `variant_new`, `variant_gone`, `variant_share`, `edge_new`, `edge_gone`,
        /// `edge_median_wait`, `activity_median_wait`, `sla_attainment`, `bottleneck_wait_hours`.
        public var kind: String
        /// What changed: a figure name, a variant (JSON array), `source -> target`, an activity, or
        /// `dimension=segment`.
        public var item: String
        /// The value before and now (nil when the item did not exist then or does not now).
        public var previous: Double?
        public var current: Double?
        /// A sentence for the report.
        public var description: String

        /// current − previous, nil unless both exist.
        public var delta: Double? { previous.flatMap { p in current.map { $0 - p } } }
    }

    /// The changes, kinds in the order listed on `Change.kind`.
    public var changes: [Change]

    /// Compares two analyses; each ranked kind keeps its `limit` largest changes.
    ///
    /// - Complexity: O(*variants* × *k* + *edges* + *activities* + SLA rows), plus sorting.
    public init(previous: ProcessAnalysis, current: ProcessAnalysis, limit: Int = 20) {
        var changes: [Change] = []
        func summary(_ item: String, _ p: Double?, _ c: Double?, _ text: (Double, Double) -> String) {
            changes.append(
                Change(kind: "summary", item: item, previous: p, current: c, description: p.flatMap { p in c.map { text(p, $0) } } ?? item))
        }
        summary("cases", Double(previous.caseCount), Double(current.caseCount)) { "Cases: \(Int($0)) -> \(Int($1))" }
        summary("events", Double(previous.eventCount), Double(current.eventCount)) { "Events: \(Int($0)) -> \(Int($1))" }
        summary("variants", Double(previous.variants.variants.count), Double(current.variants.variants.count)) {
            "Variants: \(Int($0)) -> \(Int($1))"
        }
        summary(
            "median_throughput_hours", previous.medianThroughputSeconds.map { $0 / 3600 },
            current.medianThroughputSeconds.map { $0 / 3600 }
        ) { "Median throughput: \(Self.hours($0)) -> \(Self.hours($1))" }
        if let p = previous.sla?.overall.attainment, let c = current.sla?.overall.attainment {
            summary("sla_attainment", p, c) { "SLA attainment: \(Self.percent($0)) -> \(Self.percent($1))" }
        }

        // Variants, by their activity sequence.
        let before = Self.variantShares(previous.variants)
        let after = Self.variantShares(current.variants)
        var appeared: [Change] = []
        var vanished: [Change] = []
        var moved: [Change] = []
        for (key, share) in after {
            if let old = before[key] {
                moved.append(
                    Change(
                        kind: "variant_share", item: key, previous: old.share, current: share.share,
                        description: "Variant share \(Self.percent(old.share)) -> \(Self.percent(share.share)) (\(share.cases) cases)"))
            } else {
                appeared.append(
                    Change(
                        kind: "variant_new", item: key, previous: nil, current: share.share,
                        description: "New variant: \(Self.cases(share.cases)) (\(Self.percent(share.share)))"))
            }
        }
        for (key, share) in before where after[key] == nil {
            vanished.append(
                Change(
                    kind: "variant_gone", item: key, previous: share.share, current: nil,
                    description: "Variant gone: had \(Self.cases(share.cases)) (\(Self.percent(share.share)))"))
        }
        changes += Self.top(appeared, limit) { $0.current! }
        changes += Self.top(vanished, limit) { $0.previous! }
        changes += Self.top(moved, limit) { abs($0.delta!) }

        // Edges, by source and target names.
        let edgesBefore = Self.edgeMedians(previous.directlyFollows)
        let edgesAfter = Self.edgeMedians(current.directlyFollows)
        var newEdges: [Change] = []
        var goneEdges: [Change] = []
        var waits: [Change] = []
        for (key, now) in edgesAfter {
            if let then = edgesBefore[key] {
                waits.append(
                    Change(
                        kind: "edge_median_wait", item: key, previous: then.medianHours, current: now.medianHours,
                        description: "\(key): median wait \(Self.hours(then.medianHours)) -> \(Self.hours(now.medianHours))"))
            } else {
                newEdges.append(
                    Change(
                        kind: "edge_new", item: key, previous: nil, current: Double(now.frequency),
                        description: "New edge \(key): \(now.frequency) times"))
            }
        }
        for (key, then) in edgesBefore where edgesAfter[key] == nil {
            goneEdges.append(
                Change(
                    kind: "edge_gone", item: key, previous: Double(then.frequency), current: nil,
                    description: "Edge gone \(key): was \(then.frequency) times"))
        }
        changes += Self.top(newEdges, limit) { $0.current! }
        changes += Self.top(goneEdges, limit) { $0.previous! }
        changes += Self.top(waits, limit) { abs($0.delta!) }

        // Waiting time before each activity.
        var activityWaits: [Change] = []
        let waitsBefore = Dictionary(
            previous.activities.rows.compactMap { r in
                r.waitingTime.map { (previous.activities.activityNames[Int(r.activity)], $0.median / 3600) }
            }, uniquingKeysWith: { a, _ in a })
        for r in current.activities.rows {
            let name = current.activities.activityNames[Int(r.activity)]
            guard let now = r.waitingTime?.median, let then = waitsBefore[name] else { continue }
            activityWaits.append(
                Change(
                    kind: "activity_median_wait", item: name, previous: then, current: now / 3600,
                    description: "Wait before \(name): median \(Self.hours(then)) -> \(Self.hours(now / 3600))"))
        }
        changes += Self.top(activityWaits, limit) { abs($0.delta!) }

        // SLA attainment per segment (all weeks together).
        if let p = previous.sla, let c = current.sla {
            var old: [String: Double] = [:]
            for row in p.rows where row.week == "all" && row.dimension != "all" {
                if let a = row.attainment { old["\(row.dimension)=\(row.segment)"] = a }
            }
            var sla: [Change] = []
            for row in c.rows where row.week == "all" && row.dimension != "all" {
                let key = "\(row.dimension)=\(row.segment)"
                guard let now = row.attainment, let then = old[key] else { continue }
                sla.append(
                    Change(
                        kind: "sla_attainment", item: key, previous: then, current: now,
                        description: "SLA attainment for \(key): \(Self.percent(then)) -> \(Self.percent(now))"))
            }
            changes += Self.top(sla, limit) { abs($0.delta!) }
        }
        self.changes = changes
    }

    /// The `limit` largest by `size`, ties by item name.
    /// Adds the bottleneck items (edges and activities of `bottlenecks.csv`) whose total waiting
    /// hours moved most, as `bottleneck_wait_hours` rows, matched by item name.
    ///
    /// - Complexity: O(*items* log *items*).
    public mutating func addBottlenecks(previous: BottleneckAnalysis, current: BottleneckAnalysis, limit: Int = 20) {
        var before: [String: Double] = [:]
        for item in previous.items { before["\(item.kind) \(item.name)"] = item.totalWaitHours }
        var moved: [Change] = []
        for item in current.items {
            guard let then = before["\(item.kind) \(item.name)"] else { continue }
            moved.append(
                Change(
                    kind: "bottleneck_wait_hours", item: item.name, previous: then, current: item.totalWaitHours,
                    description: "Total wait at \(item.name): \(Self.hours(then)) -> \(Self.hours(item.totalWaitHours))"))
        }
        changes += Self.top(moved, limit) { abs($0.delta!) }
    }

    static func top(_ items: [Change], _ limit: Int, by size: (Change) -> Double) -> [Change] {
        Array(
            items.sorted { a, b in
                let (x, y) = (size(a), size(b))
                return x != y ? x > y : a.item.utf8.lexicographicallyPrecedes(b.item.utf8)
            }.prefix(limit))
    }

    static func variantShares(_ table: VariantTable) -> [String: (share: Double, cases: Int)] {
        var result: [String: (share: Double, cases: Int)] = [:]
        for v in table.variants {
            result[ProcessAnalysis.jsonArray(table.names(v))] = (v.share, v.cases)
        }
        return result
    }

    static func edgeMedians(_ dfg: DirectlyFollowsGraph) -> [String: (medianHours: Double, frequency: Int)] {
        var result: [String: (medianHours: Double, frequency: Int)] = [:]
        for e in dfg.edges { result["\(dfg.name(e.source)) -> \(dfg.name(e.target))"] = (e.duration.median / 3600, e.frequency) }
        return result
    }

    static func cases(_ n: Int) -> String { n == 1 ? "1 case" : "\(n) cases" }
    static func hours(_ h: Double) -> String { String(format: "%.1f h", h) }
    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}

extension ProcessComparison {
    /// The text of `changes.csv` (columns in `DataDictionary`), cells escaped with `CSVCell`.
    ///
    /// - Complexity: O(*changes*).
    public func csv() -> String {
        ProcessAnalysis.csv(
            "changes.csv",
            changes.map { c in
                [
                    c.kind, CSVCell.escape(c.item), c.previous.map(ProcessAnalysis.decimal) ?? "",
                    c.current.map(ProcessAnalysis.decimal) ?? "", c.delta.map(ProcessAnalysis.decimal) ?? "",
                    CSVCell.escape(c.description),
                ]
            })
    }
}

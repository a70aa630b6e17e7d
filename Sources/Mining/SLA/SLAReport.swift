import Storage
import _WaybillSupport

/// SLA attainment by segment and by week, with counts: the table behind `sla.csv`.
///
/// Cases are grouped by the ISO week of their promise (the week they were due) and by each
/// `CaseDimensions` level, plus an `all` dimension. Attainment is met ÷ (met + missed): open and
/// no-promise cases are counted but are not in the ratio.
public struct SLAReport: Sendable {
    /// One group's counts.
    public struct Row: Sendable, Equatable {
        /// `all`, or the case attribute segmented by.
        public var dimension: String
        /// `all`, or the attribute's level.
        public var segment: String
        /// `all`, an ISO week (`2026-W05`) of the promise, or `none` for cases without one.
        public var week: String
        /// Cases by status, indexed by `SLAOutcomes.Status.rawValue`.
        public var counts: [Int]

        public var cases: Int { counts.reduce(0, +) }
        public var met: Int { counts[Int(SLAOutcomes.Status.met.rawValue)] }
        public var missed: Int {
            [SLAOutcomes.Status.missedLate, .missedCancelled, .missedOpen].reduce(0) { $0 + counts[Int($1.rawValue)] }
        }
        public func count(_ status: SLAOutcomes.Status) -> Int { counts[Int(status.rawValue)] }
        /// met ÷ (met + missed), nil when nothing is decided.
        public var attainment: Double? { met + missed == 0 ? nil : Double(met) / Double(met + missed) }
    }

    /// The rows: dimension `all` first, then dimensions by name; within a dimension, segments in
    /// level order (`all` first); within a segment, week `all` then weeks in order, `none` last.
    public var rows: [Row]

    /// Counts the outcomes by segment and week.
    ///
    /// - Complexity: O(*cases* × *dimensions* + rows × log rows).
    public init(outcomes: SLAOutcomes, dimensions: CaseDimensions) {
        let n = outcomes.status.count
        var weekNames: [String] = []
        var weekIndex: [String: Int] = [:]
        var caseWeek = [Int](repeating: 0, count: n)
        for c in 0..<n {
            let name = outcomes.promise[c] == .min ? "none" : Timestamp.isoWeek(outcomes.promise[c])
            if let w = weekIndex[name] {
                caseWeek[c] = w
            } else {
                weekIndex[name] = weekNames.count
                caseWeek[c] = weekNames.count
                weekNames.append(name)
            }
        }
        // "none" sorts after any "YYYY-Www".
        let weekOrder = weekNames.indices.sorted { weekNames[$0] < weekNames[$1] }
        let statusCount = SLAOutcomes.Status.allCases.count

        func block(dimension: String, segments: [String], code: (Int) -> Int) -> [Row] {
            // counts[segment][week + 1][status]; week slot 0 is "all".
            var counts = Array(
                repeating: Array(repeating: [Int](repeating: 0, count: statusCount), count: weekNames.count + 1),
                count: segments.count)
            for c in 0..<n {
                let s = code(c)
                guard s >= 0 else { continue }
                let status = Int(outcomes.status[c].rawValue)
                counts[s][0][status] += 1
                counts[s][caseWeek[c] + 1][status] += 1
            }
            var rows: [Row] = []
            for (s, segment) in segments.enumerated() {
                rows.append(Row(dimension: dimension, segment: segment, week: "all", counts: counts[s][0]))
                for w in weekOrder where counts[s][w + 1].contains(where: { $0 > 0 }) {
                    rows.append(Row(dimension: dimension, segment: segment, week: weekNames[w], counts: counts[s][w + 1]))
                }
            }
            return rows
        }

        var rows = block(dimension: "all", segments: ["all"]) { _ in 0 }
        for d in dimensions.dimensions {
            rows += block(dimension: d.name, segments: d.levels) { Int(d.codes[$0]) }
        }
        self.rows = rows
    }

    /// The overall row (dimension, segment and week `all`).
    public var overall: Row { rows[0] }
}

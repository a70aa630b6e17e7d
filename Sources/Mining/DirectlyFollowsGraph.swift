import Storage
import _WaybillSupport

/// The directly-follows graph of a log: for each pair of activities where one directly follows
/// the other within a case, how often, in how many cases, and how long the gap between them is;
/// with the start and end activities.
///
/// The definitions are PM4Py's (`pm4py.discover_dfg`, `pm4py.discover_performance_dfg`), so the
/// figures equal PM4Py's on the same log:
/// - **Order.** A case's events are taken in the order of `ColumnarLog.directlyFollowsOrder()`:
///   by completion time, ties in input order, except that on logs with start timestamps they are
///   ordered by (start, completion), as PM4Py orders interval logs.
/// - **Gap.** The performance of an edge source → target is *target.start − source.completion* in
///   seconds, where an event without a start timestamp starts at its completion. Without start
///   timestamps that is the time between the two completions; with them it is the wait between
///   one activity's end and the next one's start, negative when they overlap (PM4Py's definition).
/// - **Statistics.** Mean, median, 90th percentile (linear interpolation, NumPy's default), min
///   and max of the gaps: see `DurationSummary`.
/// - **Start and end activities** are the first and last events of each case in the case view's
///   order (completion time), which is what `discover_dfg` returns beside the edges. On an interval
///   log where a case's first activity to start is not the first to complete, the start activity
///   and the edges therefore describe that case differently, as in PM4Py; `reorderedByStart`
///   tells whether that can happen.
///
/// Built on the activity codes with flat arrays: a dense table from (source, target) code pairs
/// to edge numbers (a hash of the pair key when there are more than 2,048 activities), counts
/// per edge, and the gaps gathered per edge by a counting sort.
public struct DirectlyFollowsGraph: Sendable {
    /// One directly-follows edge.
    public struct Edge: Sendable, Equatable {
        /// Activity codes (indices into `activityNames`).
        public var source: Int32
        public var target: Int32
        /// How many times target directly follows source.
        public var frequency: Int
        /// How many cases contain the pair at least once.
        public var caseFrequency: Int
        /// The gaps target.start − source.completion, in seconds.
        public var duration: DurationSummary
    }

    /// An activity with a number of cases (a start or end activity).
    public struct ActivityCount: Sendable, Equatable {
        /// Activity code.
        public var activity: Int32
        /// Cases that start (or end) with it.
        public var cases: Int
    }

    /// Activity names, indexed by code (the log's own coding).
    public var activityNames: [String]
    /// The edges, by frequency descending, then source name, then target name.
    public var edges: [Edge]
    /// Start activities, by cases descending, then name.
    public var startActivities: [ActivityCount]
    /// End activities, by cases descending, then name.
    public var endActivities: [ActivityCount]
    /// Cases in the log, and events in them.
    public var caseCount: Int
    public var eventCount: Int
    /// True when some case's events were reordered by start timestamp for the relation.
    public var reorderedByStart: Bool

    /// Discovers the graph of a columnar log.
    ///
    /// - Complexity: O(*events* + *a*²) for *a* activities (the dense pair table), O(*events*)
    ///   expected with the hash; plus the reordering of interval cases that need it
    ///   (see `ColumnarLog.directlyFollowsOrder()`).
    public init(log: ColumnarLog) {
        let a = log.activityNames.count
        let order = log.directlyFollowsOrder()
        let dense = a <= 2_048
        var denseEdge = [Int32](repeating: -1, count: dense ? a * a : 0)
        var sparseEdge: [Int: Int32] = [:]
        var sources: [Int32] = []
        var targets: [Int32] = []
        var frequency: [Int] = []
        var caseFrequency: [Int] = []
        var lastCase: [Int] = []

        // One pass: the edge of every consecutive pair, and its gap.
        var pairEdge: [Int32] = []
        var gaps: [Int64] = []
        pairEdge.reserveCapacity(log.eventCount)
        gaps.reserveCapacity(log.eventCount)
        var starts = [Int](repeating: 0, count: a)
        var ends = [Int](repeating: 0, count: a)
        for c in 0..<log.caseCount {
            let range = log.events(ofCase: c)
            guard !range.isEmpty else { continue }
            starts[Int(log.activities[range.lowerBound])] += 1
            ends[Int(log.activities[range.upperBound - 1])] += 1
            var previous = order?[range.lowerBound] ?? range.lowerBound
            for k in range.dropFirst() {
                let next = order?[k] ?? k
                let key = Int(log.activities[previous]) * a + Int(log.activities[next])
                var e = dense ? denseEdge[key] : sparseEdge[key, default: -1]
                if e < 0 {
                    e = Int32(sources.count)
                    if dense { denseEdge[key] = e } else { sparseEdge[key] = e }
                    sources.append(log.activities[previous])
                    targets.append(log.activities[next])
                    frequency.append(0)
                    caseFrequency.append(0)
                    lastCase.append(-1)
                }
                let edge = Int(e)
                frequency[edge] += 1
                if lastCase[edge] != c {
                    lastCase[edge] = c
                    caseFrequency[edge] += 1
                }
                pairEdge.append(e)
                gaps.append(log.effectiveStart(next) - log.timestamps[previous])
                previous = next
            }
        }

        // Gather each edge's gaps together (a counting sort), then summarise each run.
        var offsets = [Int](repeating: 0, count: sources.count + 1)
        for e in sources.indices { offsets[e + 1] = offsets[e] + frequency[e] }
        var slots = offsets
        var byEdge = [Int64](repeating: 0, count: gaps.count)
        for k in gaps.indices {
            let e = Int(pairEdge[k])
            byEdge[slots[e]] = gaps[k]
            slots[e] += 1
        }
        var edges: [Edge] = []
        edges.reserveCapacity(sources.count)
        byEdge.withUnsafeMutableBufferPointer { all in
            for e in sources.indices {
                let run = UnsafeMutableBufferPointer(rebasing: all[offsets[e]..<offsets[e + 1]])
                edges.append(
                    Edge(
                        source: sources[e], target: targets[e], frequency: frequency[e],
                        caseFrequency: caseFrequency[e], duration: DurationSummary(microseconds: run)))
            }
        }

        let rank = ActivityNameOrder.ranks(log.activityNames)
        edges.sort {
            if $0.frequency != $1.frequency { return $0.frequency > $1.frequency }
            if $0.source != $1.source { return rank[Int($0.source)] < rank[Int($1.source)] }
            return rank[Int($0.target)] < rank[Int($1.target)]
        }
        func ranked(_ counts: [Int]) -> [ActivityCount] {
            counts.indices.filter { counts[$0] > 0 }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : rank[$0] < rank[$1] }
                .map { ActivityCount(activity: Int32($0), cases: counts[$0]) }
        }
        self.activityNames = log.activityNames
        self.edges = edges
        self.startActivities = ranked(starts)
        self.endActivities = ranked(ends)
        self.caseCount = log.caseCount
        self.eventCount = log.eventCount
        self.reorderedByStart = order != nil
        #if DEBUG
            _checkInvariants()
        #endif
    }

    /// The name of an activity code.
    public func name(_ code: Int32) -> String { activityNames[Int(code)] }

    /// The edge between two activities, by name, if they directly follow each other.
    ///
    /// - Complexity: O(*a* + *edges*).
    public func edge(from source: String, to target: String) -> Edge? {
        guard let s = activityNames.firstIndex(of: source), let t = activityNames.firstIndex(of: target) else {
            return nil
        }
        return edges.first { $0.source == Int32(s) && $0.target == Int32(t) }
    }
}

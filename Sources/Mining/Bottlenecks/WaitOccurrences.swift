import Storage
import _WaybillSupport

/// Every wait of a log as columns: one row per directly-follows pair (an event and the one after
/// it in its case), with its edge, case, gap and the weekday and hour of the earlier event's
/// completion; and each item's rows (an edge's, or the waits before an activity) gathered
/// together.
///
/// The pairs and gaps are exactly `DirectlyFollowsGraph`'s (the same order, the same
/// *target start − source completion*), so an edge's rows describe the same gaps as `dfg.csv`
/// and an activity's the same waits as `activities.csv`.
struct WaitOccurrences: Sendable {
    /// Per edge: source and target activity codes, in order of first appearance.
    var edgeSource: [Int32] = []
    var edgeTarget: [Int32] = []
    /// Per pair: its edge.
    var edge: [Int32] = []
    /// Per pair: its case.
    var caseIndex: [Int32] = []
    /// Per pair: the gap in microseconds.
    var gap: [Int64] = []
    /// Per pair: weekday × 24 + hour (UTC) of the source event's completion; weekday 0 is Monday.
    var timeOfWeek: [UInt8] = []
    /// The pairs of edge `e` are `byEdge[edgeOffsets[e] ..< edgeOffsets[e + 1]]`, in case order.
    var edgeOffsets: [Int] = []
    var byEdge: [Int32] = []
    /// The pairs whose target is activity `a` are `byTarget[targetOffsets[a] ..< targetOffsets[a + 1]]`.
    var targetOffsets: [Int] = []
    var byTarget: [Int32] = []

    /// The number of pairs.
    var count: Int { gap.count }

    /// Collects the pairs of a log.
    ///
    /// - Complexity: O(*events* + *a*²) for *a* activities (a dense pair table; a hash of the pair
    ///   key beyond 2,048 activities), plus the interval reordering of
    ///   `ColumnarLog.directlyFollowsOrder()`.
    init(log: ColumnarLog) {
        let a = log.activityNames.count
        let order = log.directlyFollowsOrder()
        let dense = a <= 2_048
        var denseEdge = [Int32](repeating: -1, count: dense ? a * a : 0)
        var sparseEdge: [Int: Int32] = [:]
        let capacity = max(0, log.eventCount - log.caseCount)
        edge.reserveCapacity(capacity)
        caseIndex.reserveCapacity(capacity)
        gap.reserveCapacity(capacity)
        timeOfWeek.reserveCapacity(capacity)
        for c in 0..<log.caseCount {
            let range = log.events(ofCase: c)
            guard !range.isEmpty else { continue }
            var previous = order?[range.lowerBound] ?? range.lowerBound
            for k in range.dropFirst() {
                let next = order?[k] ?? k
                let key = Int(log.activities[previous]) * a + Int(log.activities[next])
                var e = dense ? denseEdge[key] : sparseEdge[key, default: -1]
                if e < 0 {
                    e = Int32(edgeSource.count)
                    if dense { denseEdge[key] = e } else { sparseEdge[key] = e }
                    edgeSource.append(log.activities[previous])
                    edgeTarget.append(log.activities[next])
                }
                edge.append(e)
                caseIndex.append(Int32(c))
                gap.append(log.effectiveStart(next) - log.timestamps[previous])
                timeOfWeek.append(Self.timeOfWeek(log.timestamps[previous]))
                previous = next
            }
        }
        (edgeOffsets, byEdge) = Self.group(edge, groups: edgeSource.count)
        let target = edge.map { edgeTarget[Int($0)] }
        (targetOffsets, byTarget) = Self.group(target, groups: a)
    }

    /// Weekday × 24 + hour of an instant, in UTC; weekday 0 is Monday (1970-01-01 was a Thursday).
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func timeOfWeek(_ t: Microseconds) -> UInt8 {
        let hourMicros: Int64 = 3_600_000_000
        let hours = t >= 0 ? t / hourMicros : (t + 1) / hourMicros - 1
        let hourOfDay = ((hours % 24) + 24) % 24
        let days = (hours - hourOfDay) / 24
        let weekday = ((days + 3) % 7 + 7) % 7
        return UInt8(weekday * 24 + hourOfDay)
    }

    /// Groups row numbers by a key in `0 ..< groups` (a stable counting sort): offsets and rows.
    ///
    /// - Complexity: O(*rows* + *groups*).
    static func group(_ keys: [Int32], groups: Int) -> ([Int], [Int32]) {
        var offsets = [Int](repeating: 0, count: groups + 1)
        for k in keys { offsets[Int(k) + 1] += 1 }
        for g in 0..<groups { offsets[g + 1] += offsets[g] }
        var slots = offsets
        var rows = [Int32](repeating: 0, count: keys.count)
        for (row, k) in keys.enumerated() {
            rows[slots[Int(k)]] = Int32(row)
            slots[Int(k)] += 1
        }
        return (offsets, rows)
    }
}

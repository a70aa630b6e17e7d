import Storage
import _WaybillSupport

extension ColumnarLog {
    /// The time an event is taken to begin for the directly-follows relation: its start
    /// timestamp, or its completion timestamp when it has none.
    @inline(__always)
    func effectiveStart(_ i: Int) -> Microseconds {
        let s = startTimestamps[i]
        return s == Int64.min ? timestamps[i] : s
    }

    /// The order of each case's events that the directly-follows relation uses, or nil when it is
    /// the case view's own order.
    ///
    /// PM4Py's `discover_dfg` and `discover_performance_dfg` sort a case's events by
    /// (start timestamp, completion timestamp), stably, and take the start timestamp to be the
    /// completion timestamp when a log has no start timestamps. The case view is ordered by
    /// completion timestamp, ties in input order; so on a log with start timestamps an activity
    /// that began earlier but finished later comes first here. Ties keep the case view's order.
    /// An event without a start timestamp in a log where others have one begins at its
    /// completion, which is where PM4Py's rule for logs without the column puts it.
    ///
    /// The result holds, for each position in `0 ..< eventCount`, the event index to visit; each
    /// case's range maps onto itself.
    ///
    /// - Complexity: O(*events*) when the case view's order is already right (always, without
    ///   start timestamps); O(*k* log *k*) more for each case of *k* events that is not.
    func directlyFollowsOrder() -> [Int]? {
        guard hasStartTimestamps else { return nil }
        var order: [Int]? = nil
        for c in 0..<caseCount {
            let range = events(ofCase: c)
            var sorted = true
            for i in range.dropFirst() {
                let a = effectiveStart(i - 1)
                let b = effectiveStart(i)
                if a > b || (a == b && timestamps[i - 1] > timestamps[i]) {
                    sorted = false
                    break
                }
            }
            if sorted { continue }
            if order == nil { order = Array(0..<eventCount) }
            let reordered = range.sorted { i, j in
                let a = effectiveStart(i)
                let b = effectiveStart(j)
                if a != b { return a < b }
                if timestamps[i] != timestamps[j] { return timestamps[i] < timestamps[j] }
                return i < j
            }
            order!.replaceSubrange(range, with: reordered)
        }
        return order
    }
}

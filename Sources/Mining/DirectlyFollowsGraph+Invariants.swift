extension DirectlyFollowsGraph {
    /// Checks the graph's invariants; runs after every discovery in debug builds, and in tests.
    ///
    /// - every edge is a distinct pair of valid codes, with 1 ≤ case frequency ≤ frequency, one
    ///   gap per occurrence, and min ≤ median, mean, p90 ≤ max;
    /// - edges are sorted by frequency descending, then source and target name;
    /// - each non-empty case has one start and one end activity, and *n* events give *n* − 1
    ///   pairs, so the edge frequencies sum to events − cases;
    /// - unless cases were reordered by start timestamp, every activity's occurrences balance:
    ///   incoming edges + cases starting with it = outgoing edges + cases ending with it.
    ///
    /// - Complexity: O(*edges* + *a*) for *a* activities.
    public func _checkInvariants() {
        let a = activityNames.count
        var seen = Set<Int>()
        var incoming = [Int](repeating: 0, count: a)
        var outgoing = [Int](repeating: 0, count: a)
        var pairs = 0
        let rank = ActivityNameOrder.ranks(activityNames)
        for (i, e) in edges.enumerated() {
            precondition(
                e.source >= 0 && Int(e.source) < a && e.target >= 0 && Int(e.target) < a, "edge code out of range")
            precondition(seen.insert(Int(e.source) * a + Int(e.target)).inserted, "duplicate edge")
            precondition(e.caseFrequency >= 1 && e.caseFrequency <= e.frequency, "case frequency out of range")
            precondition(e.duration.count == e.frequency, "one gap per occurrence")
            let d = e.duration
            let slack = 1e-9 * Swift.max(1, abs(d.min), abs(d.max))
            for v in [d.mean, d.median, d.p90] {
                precondition(v >= d.min - slack && v <= d.max + slack, "statistic outside [min, max]")
            }
            precondition(d.median <= d.p90 + slack, "median above p90")
            if i > 0 {
                let p = edges[i - 1]
                let ordered =
                    p.frequency > e.frequency
                    || (p.frequency == e.frequency
                        && (rank[Int(p.source)], rank[Int(p.target)]) < (rank[Int(e.source)], rank[Int(e.target)]))
                precondition(ordered, "edges out of order")
            }
            outgoing[Int(e.source)] += e.frequency
            incoming[Int(e.target)] += e.frequency
            pairs += e.frequency
        }
        let started = startActivities.reduce(0) { $0 + $1.cases }
        let ended = endActivities.reduce(0) { $0 + $1.cases }
        precondition(started == ended && started <= caseCount, "start and end counts disagree")
        precondition(pairs == eventCount - started, "edge frequencies must sum to events - cases")
        if !reorderedByStart {
            var net = [Int](repeating: 0, count: a)
            for s in startActivities { net[Int(s.activity)] += s.cases }
            for e in endActivities { net[Int(e.activity)] -= e.cases }
            for x in 0..<a {
                precondition(incoming[x] + net[x] == outgoing[x], "flow of activity \(x) does not balance")
            }
        }
    }
}

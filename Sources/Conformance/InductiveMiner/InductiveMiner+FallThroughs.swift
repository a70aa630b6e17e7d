extension InductiveMiner.Run {
    /// The first fall-through that applies when no cut holds, in PM4Py's order: an activity once
    /// per trace, an activity concurrent to the rest, strict τ loop, τ loop, flower model.
    /// (PM4Py lists "empty traces" first; the recursion has already dealt with them here.)
    ///
    /// - Complexity: dominated by the activity-concurrent search, O(*a*) cut searches.
    func fallThrough(_ log: VariantLog) -> ProcessTree {
        if let a = activityOncePerTrace(log) ?? activityConcurrent(log) {
            let (alone, rest) = (log.projected { $0 == a }, log.projected { $0 != a })
            return .node(.parallel, [mine(alone), mine(rest)])
        }
        if let split = tauLoopSplit(log, strict: true) ?? tauLoopSplit(log, strict: false) {
            return .node(.loop, [mine(split), .tau])
        }
        // Flower: *(τ, X(a, b, ...)), every activity any number of times in any order.
        var redo = VariantLog()
        for a in log.alphabet(size: size).sorted(by: { rank[Int($0)] < rank[Int($1)] }) { redo.add([a], 1) }
        return .node(.loop, [.tau, mine(redo)])
    }

    /// The first activity by name that occurs exactly once in every trace.
    ///
    /// - Complexity: O(*events* + *a* log *a*).
    func activityOncePerTrace(_ log: VariantLog) -> Int32? {
        var candidate = [Bool](repeating: true, count: size)
        var seen = [Int](repeating: 0, count: size)
        for t in log.traces {
            for a in t { seen[Int(a)] += 1 }
            for a in 0..<size where seen[a] != 1 { candidate[a] = false }
            for a in t { seen[Int(a)] = 0 }
        }
        return (0..<size).filter { candidate[$0] }.min { rank[$0] < rank[$1] }.map { Int32($0) }
    }

    /// The first activity by name whose removal from the log lets one of IM's cuts hold.
    ///
    /// - Complexity: O(*a* · (*events* + *a*³)).
    func activityConcurrent(_ log: VariantLog) -> Int32? {
        for a in log.alphabet(size: size).sorted(by: { rank[Int($0)] < rank[Int($1)] }) {
            let without = log.projected { $0 != a }
            if findCut(DirectlyFollows(without, size: size)) != nil { return a }
        }
        return nil
    }

    /// The traces cut into pieces before each start activity (that follows an end activity, when
    /// `strict`), if that makes more pieces than traces: the do part of a τ loop.
    ///
    /// - Complexity: O(*events*).
    func tauLoopSplit(_ log: VariantLog, strict: Bool) -> VariantLog? {
        var isStart = [Bool](repeating: false, count: size)
        var isEnd = [Bool](repeating: false, count: size)
        for t in log.traces {
            if let first = t.first, let last = t.last {
                isStart[Int(first)] = true
                isEnd[Int(last)] = true
            }
        }
        var pieces = VariantLog()
        var added = 0
        for (t, c) in zip(log.traces, log.counts) {
            var from = 0
            for i in t.indices.dropFirst() where isStart[Int(t[i])] && (!strict || isEnd[Int(t[i - 1])]) {
                pieces.add(Array(t[from..<i]), c)
                added += c
                from = i
            }
            pieces.add(Array(t[from...]), c)
            added += c
        }
        return added > log.total ? pieces : nil
    }
}

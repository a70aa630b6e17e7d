extension InductiveMiner {
    /// A multiset of traces over activity codes: PM4Py's "univariate variant compressed log", the
    /// data the miner splits recursively. Traces keep the order they were first added in, so every
    /// step is deterministic.
    struct VariantLog {
        private(set) var traces: [[Int32]] = []
        private(set) var counts: [Int] = []
        private var index: [[Int32]: Int] = [:]

        /// Adds `count` copies of `trace`.
        ///
        /// - Complexity: O(trace length) expected.
        mutating func add(_ trace: [Int32], _ count: Int) {
            if let i = index[trace] {
                counts[i] += count
            } else {
                index[trace] = traces.count
                traces.append(trace)
                counts.append(count)
            }
        }

        /// True when the log has no trace at all (not even an empty one).
        var isEmpty: Bool { traces.isEmpty }

        /// The number of traces, with multiplicity.
        var total: Int { counts.reduce(0, +) }

        /// The number of empty traces.
        var emptyCount: Int {
            var n = 0
            for (t, c) in zip(traces, counts) where t.isEmpty { n += c }
            return n
        }

        /// The log without its empty traces.
        ///
        /// - Complexity: O(events).
        func withoutEmptyTraces() -> VariantLog {
            var out = VariantLog()
            for (t, c) in zip(traces, counts) where !t.isEmpty { out.add(t, c) }
            return out
        }

        /// Each trace with only the events `keep` accepts.
        ///
        /// - Complexity: O(events).
        func projected(_ keep: (Int32) -> Bool) -> VariantLog {
            var out = VariantLog()
            for (t, c) in zip(traces, counts) { out.add(t.filter(keep), c) }
            return out
        }

        /// The activities that occur, ascending by code.
        ///
        /// - Complexity: O(events + *a*).
        func alphabet(size: Int) -> [Int32] {
            var seen = [Bool](repeating: false, count: size)
            for t in traces { for a in t { seen[Int(a)] = true } }
            return seen.indices.filter { seen[$0] }.map { Int32($0) }
        }
    }

    /// The directly-follows graph of a `VariantLog` with start and end activity counts, as dense
    /// arrays over the activity codes (a few dozen activities in practice).
    struct DirectlyFollows {
        /// The size of the activity code space.
        let size: Int
        /// `edges[a * size + b]`: how often `b` directly follows `a` (0: no edge).
        var edges: [Int]
        /// How many traces start with each activity (0: not a start activity).
        var start: [Int]
        /// How many traces end with each activity (0: not an end activity).
        var end: [Int]

        /// The graph of a log, counting each variant with its multiplicity (PM4Py's
        /// `discover_dfg_uvcl`).
        ///
        /// - Complexity: O(events + *a*²).
        init(_ log: VariantLog, size: Int) {
            self.size = size
            edges = [Int](repeating: 0, count: size * size)
            start = [Int](repeating: 0, count: size)
            end = [Int](repeating: 0, count: size)
            for (t, c) in zip(log.traces, log.counts) {
                guard let first = t.first, let last = t.last else { continue }
                start[Int(first)] += c
                end[Int(last)] += c
                var previous = Int(first)
                for a in t.dropFirst() {
                    edges[previous * size + Int(a)] += c
                    previous = Int(a)
                }
            }
        }

        @inline(__always) func has(_ a: Int, _ b: Int) -> Bool { edges[a * size + b] > 0 }

        /// The vertices (edge ends, start and end activities), ascending by code.
        ///
        /// - Complexity: O(*a*²).
        var vertices: [Int] {
            (0..<size).filter { a in
                start[a] > 0 || end[a] > 0
                    || (0..<size).contains { b in edges[a * size + b] > 0 || edges[b * size + a] > 0 }
            }
        }

        /// The edges as (source, target), in code order.
        ///
        /// - Complexity: O(*a*²).
        var edgeList: [(Int, Int)] {
            var out: [(Int, Int)] = []
            for a in 0..<size { for b in 0..<size where edges[a * size + b] > 0 { out.append((a, b)) } }
            return out
        }

        /// The graph with infrequent edges and start activities removed, as IMf filters it
        /// (PM4Py's `__filter_dfg_noise`): an edge `a → b` stays when its frequency exceeds
        /// `threshold` × the largest outgoing frequency of `a` (ends of `a` counting as outgoing);
        /// a start activity stays when its count is at least `threshold` × the largest start
        /// count; end activities all stay.
        ///
        /// - Complexity: O(*a*²).
        func filtered(noise threshold: Double) -> DirectlyFollows {
            var out = self
            for a in 0..<size {
                var maxOut = 0
                var hasOut = false
                for b in 0..<size where edges[a * size + b] > 0 {
                    maxOut = max(maxOut, edges[a * size + b])
                    hasOut = true
                }
                guard hasOut else { continue }
                maxOut = max(maxOut, end[a])
                for b in 0..<size where edges[a * size + b] > 0 {
                    if !(Double(edges[a * size + b]) > threshold * Double(maxOut)) { out.edges[a * size + b] = 0 }
                }
            }
            let maxStart = start.max() ?? 0
            for a in 0..<size where start[a] > 0 && !(Double(start[a]) >= Double(maxStart) * threshold) {
                out.start[a] = 0
            }
            return out
        }
    }
}

import Mining
import Storage

/// Discovers a process tree from an event log with the inductive miner of Leemans, Fahland and
/// van der Aalst: IM ("Discovering block-structured process models from event logs — a
/// constructive approach", 2013) and, with a noise threshold above 0, IMf ("Discovering
/// block-structured process models from event logs containing infrequent behaviour", 2013).
///
/// The miner follows PM4Py 2.7's implementation (`pm4py.algo.discovery.inductive`) step for step,
/// so that it finds the same trees on the same logs:
/// - **Recursion.** On a multiset of traces (the variants with their counts): empty traces first
///   (IM: `X(τ, …)`; IMf: the same only when more than `noise` of the traces are empty, otherwise
///   they are dropped), then the base cases (no trace: τ; one variant of at most one event: that
///   leaf), then the first cut that holds, in the order exclusive choice, strict sequence,
///   concurrency, loop; the log is split by the cut and each part mined in turn.
/// - **IMf.** When no cut holds, the cuts are tried again on the directly-follows graph without
///   infrequent edges (`DirectlyFollows.filtered(noise:)`); the log is then split by that cut,
///   which drops the events that deviate from it. Only if that fails too, a fall-through applies.
/// - **Fall-throughs**, in PM4Py's order: an activity once per trace, an activity concurrent to
///   the rest (removing it lets a cut hold), strict τ loop, τ loop, flower model.
/// - **Result.** The tree folded and ordered as PM4Py's `fold` and `tree_sort` do
///   (`ProcessTree+Normalization.swift`).
///
/// Deviations from the papers, as in PM4Py: the loop cut merges all redo parts into one; no
/// infrequent variants of the fall-throughs (IMf's filtering happens at the cuts only).
public struct InductiveMiner: Sendable {
    /// IMf's noise threshold in 0...1; 0 is the plain inductive miner (IM).
    public let noiseThreshold: Double

    /// A miner with the given noise threshold.
    ///
    /// - Throws: `ConformanceError.invalidOption` when the threshold is not in 0...1.
    public init(noiseThreshold: Double = 0) throws {
        guard noiseThreshold.isFinite, (0...1).contains(noiseThreshold) else {
            throw ConformanceError(
                .invalidOption, "the noise threshold must be between 0 and 1, not \(noiseThreshold)",
                location: "--noise")
        }
        self.noiseThreshold = noiseThreshold
    }

    /// Discovers the process tree of a case view, on its variants (activities in the case view's
    /// order: completion time, ties in input order).
    ///
    /// - Complexity: O(*events*) to find the variants, then per node of the tree O(*v* · *k* + *a*³)
    ///   for *v* variants of length up to *k* over *a* activities; the activity-concurrent
    ///   fall-through multiplies its node's cost by *a*.
    public func discover(_ log: ColumnarLog) -> ProcessTree {
        let table = VariantTable(log: log)
        var variants = VariantLog()
        for v in table.variants { variants.add(v.activities, v.cases) }
        return discover(variants, names: log.activityNames)
    }

    /// Discovers the process tree of traces given by activity names (each trace once per element).
    ///
    /// - Complexity: as `discover(_:)`.
    public func discover(traces: [[String]]) -> ProcessTree {
        var names: [String] = []
        var code: [String: Int32] = [:]
        var variants = VariantLog()
        for trace in traces {
            variants.add(
                trace.map { name in
                    if let c = code[name] { return c }
                    names.append(name)
                    code[name] = Int32(names.count - 1)
                    return Int32(names.count - 1)
                }, 1)
        }
        return discover(variants, names: names)
    }

    func discover(_ log: VariantLog, names: [String]) -> ProcessTree {
        let run = Run(names: names, noise: noiseThreshold)
        let tree = run.mine(log).folded().sortedLikePM4Py()
        #if DEBUG
            tree.checkInvariants()
        #endif
        return tree
    }

    /// One discovery: the activity names, their code-point ranks and the threshold.
    struct Run {
        let names: [String]
        /// `rank[code]`: the position of the name in code-point order (Python's `sorted`).
        let rank: [Int]
        let noise: Double
        var size: Int { names.count }

        init(names: [String], noise: Double) {
            self.names = names
            self.noise = noise
            let byName = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
            var rank = [Int](repeating: 0, count: names.count)
            for (r, code) in byName.enumerated() { rank[code] = r }
            self.rank = rank
        }

        /// Mines one (sub)log: PM4Py's `IMUVCL.apply` and `IMFUVCL.apply`.
        ///
        /// - Complexity: per node of the resulting tree, O(*v* · *k* · *g*) to split the log into
        ///   *g* parts plus O(*a*³) for the cut search (see `discover(_:)`).
        func mine(_ log: VariantLog) -> ProcessTree {
            mine(log, secondIteration: false, filteredGraph: nil)!
        }

        private func mine(_ input: VariantLog, secondIteration: Bool, filteredGraph: DirectlyFollows?)
            -> ProcessTree?
        {
            var log = input
            let empty = log.emptyCount
            if empty > 0 {
                let rest = log.withoutEmptyTraces()
                if rest.isEmpty { return .tau }
                if noise == 0 || Double(empty) > noise * Double(log.total) {
                    return .node(.xor, [.tau, mine(rest)])
                }
                log = rest
            }
            if log.isEmpty { return .tau }
            if log.traces.count == 1 && log.traces[0].count <= 1 {
                return log.traces[0].first.map { .activity(names[Int($0)]) } ?? .tau
            }
            let graph = filteredGraph ?? DirectlyFollows(log, size: size)
            if let cut = findCut(graph) {
                return .node(cut.operator, split(log, by: cut).map(mine))
            }
            if secondIteration { return nil }
            if noise > 0,
                let tree = mine(log, secondIteration: true, filteredGraph: graph.filtered(noise: noise))
            {
                return tree
            }
            return fallThrough(log)
        }
    }
}

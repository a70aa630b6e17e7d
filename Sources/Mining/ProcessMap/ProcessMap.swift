import Storage

/// A process map: the directly-follows graph as it is drawn, with an artificial start and end
/// node (as PM4Py's DFG visualisation has), activity frequencies, and each edge's frequency and
/// median wait; cut down to what stays readable.
///
/// What is drawn, in this order:
/// 1. **Cases.** All cases of the (already filtered) log, or only those of the top variants
///    (`Options.variants`, ranked as `VariantTable` ranks them).
/// 2. **Edges under `minEdgeFrequency`** are hidden, start and end edges included; an activity
///    left with no edge at all is hidden too.
/// 3. **Readability.** With more than `maxActivities` activities, the most frequent ones are kept;
///    with more than `maxEdges` edges between activities, the most frequent edges are kept, plus,
///    for every activity, its most frequent incoming and outgoing edge (if it has one from or to
///    a drawn activity, a self-loop not counting), so that no activity is left hanging. The map's caption says what was left out.
///
/// Node 0 is the start, node 1 the end, then the activities by frequency descending, then name.
/// Edges are: start edges, then the edges between activities in the graph's order (frequency
/// descending, then names), then end edges.
public struct ProcessMap: Sendable {
    /// What to draw.
    public struct Options: Sendable, Equatable {
        /// Draw only the cases of these variants (nil: all cases).
        public var variants: CaseFilter.VariantSelection?
        /// Hide edges that occur fewer times than this.
        public var minEdgeFrequency = 1
        /// The most activities drawn (the most frequent ones).
        public var maxActivities = 60
        /// The most edges between activities drawn (besides those that keep every activity
        /// connected).
        public var maxEdges = 200

        public init() {}

        /// Checks the options on their own.
        ///
        /// - Throws: `MiningError.invalidOption` naming the option.
        public func validate() throws {
            switch variants {
            case .top(let k) where k < 1:
                throw MiningError(.invalidOption, "draw at least 1 variant", location: "--map-top-variants")
            case .coverage(let share) where !(share > 0 && share <= 1):
                throw MiningError(
                    .invalidOption, "give a share of cases above 0 and at most 1, such as 0.8",
                    location: "--map-coverage")
            default: break
            }
            for (value, option) in [
                (minEdgeFrequency, "--map-min-edge-frequency"), (maxActivities, "--map-max-activities"),
                (maxEdges, "--map-max-edges"),
            ] where value < 1 {
                throw MiningError(.invalidOption, "give a number of 1 or more", location: option)
            }
        }
    }

    /// What a node stands for.
    public enum Kind: Sendable, Equatable {
        case start, end, activity
    }

    /// A node: an activity with its number of events, or the start (end) with the number of cases.
    public struct Node: Sendable, Equatable {
        public var kind: Kind
        public var name: String
        public var frequency: Int
    }

    /// An edge between two nodes.
    public struct Edge: Sendable, Equatable {
        public var source: Int
        public var target: Int
        /// Times the target directly follows the source (cases, for start and end edges).
        public var frequency: Int
        /// The median and mean gap in seconds; nil for start and end edges.
        public var medianSeconds: Double?
        public var meanSeconds: Double?
    }

    /// The nodes: start, end, then activities.
    public private(set) var nodes: [Node]
    /// The edges drawn.
    public private(set) var edges: [Edge]
    /// A title, such as "Process map of 'orders': 1,440 cases, 8,577 events".
    public var title: String
    /// What the map leaves out, one sentence each (empty when it shows everything).
    public var notes: [String]
    /// The scales of the drawing, fixed once the map is built: the highest edge and activity
    /// frequencies, and the range of median waits in log₁₀ seconds (nil when no edge has a wait).
    private(set) var topEdgeFrequency = 1
    private(set) var topActivityFrequency = 1
    private(set) var waitRange: (low: Double, high: Double)?

    /// The node index of the start and of the end.
    public static let start = 0
    public static let end = 1

    /// Builds the map of a graph, given how often each activity occurs.
    ///
    /// - Parameters:
    ///   - activityFrequency: events per activity code (`graph.activityNames`' coding).
    ///   - caseType: the object type the cases are, for the title.
    /// - Complexity: O(*edges* log *edges* + *a* log *a*) for *a* activities.
    public init(
        graph: DirectlyFollowsGraph, activityFrequency: [Int], caseType: String, options: Options = Options(),
        notes: [String] = []
    ) {
        precondition(activityFrequency.count == graph.activityNames.count, "one frequency per activity")
        let minimum = options.minEdgeFrequency
        let nameRank = ActivityNameOrder.ranks(graph.activityNames)
        self.notes = notes
        title =
            "Process map of '\(caseType)': \(Self.grouped(graph.caseCount)) cases, \(Self.grouped(graph.eventCount)) events"

        // Activities by frequency, then name; the most frequent ones when there are too many.
        let present = activityFrequency.indices.filter { activityFrequency[$0] > 0 }
            .sorted { (-activityFrequency[$0], nameRank[$0]) < (-activityFrequency[$1], nameRank[$1]) }
        var kept = Array(present.prefix(options.maxActivities))
        var isKept = [Bool](repeating: false, count: activityFrequency.count)
        for a in kept { isKept[a] = true }

        // Edges between kept activities, frequent enough; the most frequent ones, and each kept
        // activity's heaviest way in and out, when there are too many.
        let candidates = graph.edges.indices.filter { e in
            let edge = graph.edges[e]
            return isKept[Int(edge.source)] && isKept[Int(edge.target)] && edge.frequency >= minimum
        }
        var chosen = Set(candidates.prefix(options.maxEdges))
        let starts = graph.startActivities.filter { isKept[Int($0.activity)] && $0.cases >= minimum }
        let ends = graph.endActivities.filter { isKept[Int($0.activity)] && $0.cases >= minimum }
        if candidates.count > options.maxEdges {
            var hasIn = [Bool](repeating: false, count: activityFrequency.count)
            var hasOut = hasIn
            for s in starts { hasIn[Int(s.activity)] = true }
            for e in ends { hasOut[Int(e.activity)] = true }
            // A self-loop is no way in or out.
            for e in chosen where graph.edges[e].source != graph.edges[e].target {
                hasOut[Int(graph.edges[e].source)] = true
                hasIn[Int(graph.edges[e].target)] = true
            }
            // Candidates are by frequency descending, so the first one found is the heaviest.
            for e in candidates where graph.edges[e].source != graph.edges[e].target {
                let edge = graph.edges[e]
                let (s, t) = (Int(edge.source), Int(edge.target))
                if !hasOut[s] || !hasIn[t] {
                    chosen.insert(e)
                    hasOut[s] = true
                    hasIn[t] = true
                }
            }
        }
        let activityEdges = candidates.filter { chosen.contains($0) }

        // Hide activities left without any edge.
        var touched = [Bool](repeating: false, count: activityFrequency.count)
        for s in starts { touched[Int(s.activity)] = true }
        for e in ends { touched[Int(e.activity)] = true }
        for e in activityEdges {
            touched[Int(graph.edges[e].source)] = true
            touched[Int(graph.edges[e].target)] = true
        }
        kept = kept.filter { touched[$0] }

        var node = [Int](repeating: -1, count: activityFrequency.count)
        nodes = [
            Node(kind: .start, name: "start", frequency: graph.startActivities.reduce(0) { $0 + $1.cases }),
            Node(kind: .end, name: "end", frequency: graph.endActivities.reduce(0) { $0 + $1.cases }),
        ]
        for a in kept {
            node[a] = nodes.count
            nodes.append(Node(kind: .activity, name: graph.activityNames[a], frequency: activityFrequency[a]))
        }
        edges = starts.map { Edge(source: Self.start, target: node[Int($0.activity)], frequency: $0.cases) }
        for e in activityEdges {
            let edge = graph.edges[e]
            edges.append(
                Edge(
                    source: node[Int(edge.source)], target: node[Int(edge.target)], frequency: edge.frequency,
                    medianSeconds: edge.duration.median, meanSeconds: edge.duration.mean))
        }
        edges += ends.map { Edge(source: node[Int($0.activity)], target: Self.end, frequency: $0.cases) }

        let shownActivities = kept.count
        if shownActivities < present.count || activityEdges.count < graph.edges.count {
            var reasons: [String] = []
            if minimum > 1 { reasons.append("edges under \(Self.grouped(minimum)) occurrences are hidden") }
            if present.count > options.maxActivities || candidates.count > options.maxEdges {
                reasons.append(
                    "only the most frequent are drawn (at most \(options.maxActivities) activities and \(options.maxEdges) edges) so the map stays readable"
                )
            }
            self.notes.append(
                "Showing \(shownActivities) of \(present.count) activities and \(activityEdges.count) of \(graph.edges.count) edges: "
                    + reasons.joined(separator: "; ") + ".")
        }
        topEdgeFrequency = edges.map(\.frequency).max() ?? 1
        topActivityFrequency = nodes.dropFirst(2).map(\.frequency).max() ?? 1
        let waits = edges.compactMap { $0.medianSeconds.map { Self.log10(Swift.max(1, $0)) } }
        if let low = waits.min(), let high = waits.max() { waitRange = (low, high) }
        #if DEBUG
            checkInvariants()
        #endif
    }

    /// Builds the map of a log, restricted to the cases of the top variants if the options say so.
    ///
    /// - Parameters:
    ///   - variants: the variants of `log` (as `ProcessAnalysis` has them).
    ///   - graph: the directly-follows graph of the whole `log`, when the caller has it
    ///     (`ProcessAnalysis.directlyFollows`); used when the options select no variants, so the
    ///     graph is not built a second time.
    /// - Complexity: O(*events*) for the selection and the graph (O(1) for the graph when given
    ///   and used), plus the map's own build.
    public init(
        log: ColumnarLog, variants: VariantTable, options: Options = Options(), graph: DirectlyFollowsGraph? = nil
    ) {
        precondition(variants.caseCount == log.caseCount, "the variants must be those of the log")
        precondition(
            graph.map { $0.caseCount == log.caseCount && $0.eventCount == log.eventCount } ?? true,
            "the graph must be that of the log")
        var mapLog = log
        var notes: [String] = []
        if let selection = options.variants {
            let count: Int
            switch selection {
            case .top(let k): count = Swift.min(k, variants.variants.count)
            case .coverage(let share): count = variants.count(covering: share)
            }
            mapLog = log.subset(keepCase: variants.variantOfCase.map { Int($0) < count })
            let share = log.caseCount == 0 ? 0 : Double(mapLog.caseCount) / Double(log.caseCount)
            notes.append(
                "The cases of the top \(count) of \(Self.grouped(variants.variants.count)) variants: \(Self.grouped(mapLog.caseCount)) of \(Self.grouped(log.caseCount)) cases (\(Self.fixed(share * 100, decimals: 1))%)."
            )
        }
        var frequency = [Int](repeating: 0, count: mapLog.activityNames.count)
        for a in mapLog.activities { frequency[Int(a)] += 1 }
        self.init(
            graph: (options.variants == nil ? graph : nil) ?? DirectlyFollowsGraph(log: mapLog),
            activityFrequency: frequency, caseType: log.caseType,
            options: options, notes: notes)
    }

    /// Checks the map's invariants; runs after every build in debug builds, and in tests.
    ///
    /// - node 0 is the start and node 1 the end, every other node an activity;
    /// - edges join valid nodes, none into the start or out of the end, no duplicates, each with a
    ///   frequency of at least 1, and a wait exactly when it joins two activities.
    ///
    /// - Complexity: O(*nodes* + *edges*).
    public func checkInvariants() {
        precondition(nodes.count >= 2 && nodes[Self.start].kind == .start && nodes[Self.end].kind == .end)
        precondition(nodes.dropFirst(2).allSatisfy { $0.kind == .activity }, "activity nodes after start and end")
        var seen = Set<Int>()
        for e in edges {
            precondition(nodes.indices.contains(e.source) && nodes.indices.contains(e.target), "edge out of range")
            precondition(e.target != Self.start && e.source != Self.end, "edge into the start or out of the end")
            precondition(seen.insert(e.source * nodes.count + e.target).inserted, "duplicate edge")
            precondition(e.frequency >= 1, "edge frequency below 1")
            let between = nodes[e.source].kind == .activity && nodes[e.target].kind == .activity
            precondition(between == (e.medianSeconds != nil), "a wait belongs to edges between activities")
        }
    }
}

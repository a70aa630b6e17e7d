/// Replays activity sequences on a Petri net by token-based replay, with PM4Py's semantics.
///
/// This follows PM4Py 2.7's `token_replay.apply_trace` (Berti and van der Aalst, "Reviving
/// Token-based Replay: Increasing Speed While Improving Diagnostics", ATAED 2019) with its
/// default parameters, step by step:
///
/// 1. Start in the initial marking; *produced* = its tokens.
/// 2. For each event whose activity labels a transition: fire an enabled transition with that
///    label if there is one; otherwise take the label's transition (the last by name among those
///    with the label) and, if it is not enabled, try to enable it by firing silent transitions
///    along the shortest silent paths from the marked places to its unmarked input places
///    (`apply_hidden_trans`, two levels of recursion); if still not enabled, insert the missing
///    tokens (*missing*). Fire it (*consumed*, *produced*). Events whose activity is in no
///    transition's label are skipped.
/// 3. At the end, try to reach the final marking by firing silent transitions along shortest
///    paths from the marked places to the final places (five rounds), then, if the final
///    marking has one place, along the paths to it (five rounds more).
/// 4. *Remaining* = tokens left beyond the final marking; *consumed* += the final marking's
///    tokens; *missing* += the final marking's tokens that are not there. The trace fits when no
///    token was inserted before step 4 and none remains; its fitness is
///    ½(1 − missing/consumed) + ½(1 − remaining/produced).
///
/// The order in which PM4Py considers places is by name (code-point order), as here. Two of its
/// orders come from Python sets of objects hashed by memory address: the shortest silent path
/// kept when several have the same length, and the enabled transition picked among several with
/// the same label. Waybill uses the net's order (transitions and their arcs as stored) for both,
/// so its results are deterministic; they equal PM4Py's, case by case, on any net where those
/// choices do not arise (`isReplayDeterministic`).
///
/// PM4Py's quirks are kept, since they change the counts: inserting tokens for an arc of weight
/// *w* on a place holding *k* < *w* adds *w* tokens (counting *w* − *k* missing); the search for
/// silent paths stops at 51 transitions.
public struct TokenReplayer: Sendable {
    /// The net replayed on.
    public let net: PetriNet
    /// The distinct visible labels, in code-point order.
    public let labels: [String]
    private let labelIndex: [String: Int]
    /// Per label: the transitions carrying it, by index.
    private let labelTransitions: [[Int]]
    /// Per label: PM4Py's `trans_map[label]`, the last of its transitions in name order.
    private let labelDefault: [Int]
    /// Places in name order, and each place's position in that order.
    private let placesByName: [Int]
    /// Shortest silent paths: `paths[p1 * placeCount + p2]`, nil when there is none.
    private let paths: [[Int]?]
    /// The places of the final marking, by name.
    private let finalPlaces: [Int]
    private let placeCount: Int
    /// True when every pair of places joined by silent paths has a single shortest one and no
    /// two transitions share a label: then PM4Py's replay does not depend on the iteration order
    /// of its sets, and its per-case counts equal these.
    public let isReplayDeterministic: Bool

    /// PM4Py's `MAX_REC_DEPTH`: the depth limit of the silent path search.
    static let maxPathSearchDepth = 50
    /// PM4Py's `MAX_REC_DEPTH_HIDTRANSENABL`.
    static let maxHiddenRecursion = 2
    /// PM4Py's `MAX_IT_FINAL1` and `MAX_IT_FINAL2`.
    static let finalRounds = 5

    /// Prepares a net for replay: labels, the place order and the shortest silent paths.
    ///
    /// - Complexity: O(*P* · *S*) path searches for *P* places, each a depth-first search over
    ///   the silent transitions that re-visits a place only on a shorter path (PM4Py's
    ///   `get_places_shortest_path_by_hidden`); for workflow nets this is small next to replay.
    public init(net: PetriNet) {
        net.checkInvariants()
        self.net = net
        placeCount = net.places.count
        let byLabel = net.transitionsByLabel()
        labels = byLabel.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        labelTransitions = labels.map { byLabel[$0]!.sorted() }
        labelDefault = labelTransitions.map { ts in
            ts.max { net.transitions[$0].name.utf8.lexicographicallyPrecedes(net.transitions[$1].name.utf8) }!
        }
        placesByName = net.places.indices.sorted {
            net.places[$0].name.utf8.lexicographicallyPrecedes(net.places[$1].name.utf8)
        }
        finalPlaces = placesByName.filter { net.finalMarking.tokens[$0] > 0 }
        paths = Self.shortestSilentPaths(net)
        isReplayDeterministic =
            labelTransitions.allSatisfy { $0.count == 1 } && Self.silentPathsAreUnique(net)
    }

    /// The index in `labels` of an activity, nil when no transition carries it.
    public func label(of activity: String) -> Int? { labelIndex[activity] }

    /// PM4Py's shortest paths through silent transitions between places: a depth-first search
    /// from each place that records a path to a place when it is the first or a shorter one.
    ///
    /// - Complexity: see `init(net:)`.
    static func shortestSilentPaths(_ net: PetriNet) -> [[Int]?] {
        let n = net.places.count
        let postset = net.placeOutputs()
        var result = [[Int]?](repeating: nil, count: n * n)
        for source in 0..<n {
            var found = [[Int]?](repeating: nil, count: n)
            var path: [Int] = []
            func search(_ place: Int, _ depth: Int) {
                if depth > maxPathSearchDepth { return }
                for t in postset[place] where net.transitions[t].isSilent {
                    for arc in net.outputs[t] {
                        if let known = found[arc.place], known.count <= path.count + 1 { continue }
                        path.append(t)
                        found[arc.place] = path
                        search(arc.place, depth + 1)
                        path.removeLast()
                    }
                }
            }
            search(source, 0)
            for target in 0..<n { result[source * n + target] = found[target] }
        }
        return result
    }

    /// True when between any two places the shortest silent transition sequences are unique.
    ///
    /// - Complexity: O(*P* · (*P* + silent arcs) · *L*) for paths of length up to *L*: a
    ///   breadth-first search per place keeping up to two distinct shortest sequences per place.
    static func silentPathsAreUnique(_ net: PetriNet) -> Bool {
        let n = net.places.count
        let postset = net.placeOutputs()
        for source in 0..<n {
            var sequences = [Set<[Int]>?](repeating: nil, count: n)
            var frontier: [Int] = [source]
            var start: [Int: Set<[Int]>] = [source: [[]]]
            var depth = 0
            while !frontier.isEmpty && depth <= maxPathSearchDepth {
                var next: [Int: Set<[Int]>] = [:]
                for place in frontier {
                    for t in postset[place] where net.transitions[t].isSilent {
                        for arc in net.outputs[t] where sequences[arc.place] == nil {
                            for s in start[place]! where (next[arc.place]?.count ?? 0) < 2 {
                                next[arc.place, default: []].insert(s + [t])
                            }
                        }
                    }
                }
                for (place, set) in next {
                    if set.count > 1 { return false }
                    sequences[place] = set
                }
                frontier = next.keys.sorted()
                start = next
                depth += 1
            }
        }
        return true
    }

    // MARK: - Replay

    /// The replay state of one trace: the marking, the order in which places became marked
    /// (PM4Py's dictionary order, used in one step), and the counts.
    struct State {
        var tokens: [Int]
        var markedAt: [Int]
        var clock = 0
        var consumed = 0
        var produced = 0
        var missing = 0
        var missingByPlace: [Int]
        var forced: [Int: Int] = [:]
        /// Per transition: the `visited` generation it was last visited in (PM4Py's visit set).
        var visited: [Int]
        var generation = 0
    }

    /// Replays one trace given as label indices (`label(of:)`); negative entries (activities
    /// not in the net) are skipped, as PM4Py skips them.
    ///
    /// - Complexity: O(*n* · *d*) for *n* events when every event's transition is enabled or a
    ///   preset of size *d* is filled by inserted tokens; an event that needs silent transitions
    ///   costs O(*P* log *P* + paths tried × *d*).
    public func replay(_ trace: some Sequence<Int>) -> TraceReplay {
        var s = State(
            tokens: net.initialMarking.tokens, markedAt: [Int](repeating: 0, count: placeCount),
            missingByPlace: [Int](repeating: 0, count: placeCount),
            visited: [Int](repeating: -1, count: net.transitions.count))
        for p in 0..<placeCount where s.tokens[p] > 0 {
            s.markedAt[p] = s.clock
            s.clock += 1
        }
        s.produced = net.initialMarking.total
        for label in trace where label >= 0 {
            var t = -1
            for candidate in labelTransitions[label] where net.isEnabled(candidate, in: s) {
                t = candidate
                break
            }
            if t < 0 {
                t = labelDefault[label]
                if !net.isEnabled(t, in: s) {
                    s.generation += 1
                    applyHidden(t, depth: 0, &s)
                }
                if !net.isEnabled(t, in: s) {
                    s.forced[t, default: 0] += 1
                    for arc in net.inputs[t] where s.tokens[arc.place] < arc.weight {
                        let lacking = arc.weight - s.tokens[arc.place]
                        s.missing += lacking
                        s.missingByPlace[arc.place] += lacking
                        add(arc.weight, to: arc.place, &s)
                    }
                }
            }
            fire(t, &s)
        }
        reachFinalMarking(&s)
        return finish(s)
    }

    @inline(__always)
    private func add(_ tokens: Int, to place: Int, _ s: inout State) {
        if s.tokens[place] == 0 {
            s.markedAt[place] = s.clock
            s.clock += 1
        }
        s.tokens[place] += tokens
    }

    /// Fires an enabled transition and counts its tokens.
    @inline(__always)
    private func fire(_ t: Int, _ s: inout State) {
        for arc in net.inputs[t] {
            s.tokens[arc.place] -= arc.weight
            s.consumed += arc.weight
        }
        for arc in net.outputs[t] {
            add(arc.weight, to: arc.place, &s)
            s.produced += arc.weight
        }
    }

    /// The shortest silent paths from the marked places to `targets` (both in name order),
    /// shortest first (a stable sort, as PM4Py's `sorted`).
    private func pathGroups(to targets: [Int], _ s: State) -> [[Int]] {
        var groups: [[Int]] = []
        for p1 in placesByName where s.tokens[p1] > 0 {
            for p2 in targets {
                if let path = paths[p1 * placeCount + p2] { groups.append(path) }
            }
        }
        return Self.stableSortedByLength(groups)
    }

    private static func stableSortedByLength(_ groups: [[Int]]) -> [[Int]] {
        groups.indices.sorted { (groups[$0].count, $0) < (groups[$1].count, $1) }.map { groups[$0] }
    }

    /// PM4Py's `apply_hidden_trans`: fires silent transitions to enable `t`.
    private func applyHidden(_ t: Int, depth: Int, _ s: inout State) {
        if depth >= Self.maxHiddenRecursion || s.visited[t] == s.generation { return }
        s.visited[t] = s.generation
        let lacking = placesByName.filter { p in net.inputs[t].contains { $0.place == p && s.tokens[p] < $0.weight } }
        var groups = pathGroups(to: lacking, s)
        guard !groups.isEmpty else { return }
        enableHidden(groups, t, &s)
        if !net.isEnabled(t, in: s) {
            groups = pathGroups(to: lacking, s)
            for group in groups {
                for t4 in group where t4 != t && s.visited[t4] != s.generation {
                    if !net.isEnabled(t4, in: s) { applyHidden(t4, depth: depth + 1, &s) }
                    if net.isEnabled(t4, in: s) {
                        fire(t4, &s)
                        s.visited[t4] = s.generation
                    }
                }
            }
        }
        // PM4Py then calls itself again for `t` when the marking changed, which returns at once
        // since `t` is visited.
    }

    /// PM4Py's `enable_hidden_transitions` (non-exhaustive): walks the groups round-robin,
    /// firing what is enabled, until `t` is enabled or a round changes nothing.
    private func enableHidden(_ groups: [[Int]], _ t: Int, _ s: inout State) {
        var next = [Int](repeating: 0, count: groups.count)
        var z = 0
        while z < 10_000_000 {
            let g = z % groups.count
            var changed = false
            var k = next[g]
            while k < groups[g].count {
                let t3 = groups[g][next[g]]
                if t3 != t && net.isEnabled(t3, in: s) && s.visited[t3] != s.generation {
                    fire(t3, &s)
                    s.visited[t3] = s.generation
                    changed = true
                }
                next[g] += 1
                if net.isEnabled(t, in: s) { break }
                k += 1
            }
            if net.isEnabled(t, in: s) || !changed { break }
            z += 1
        }
    }

    /// True when every place of the final marking holds a token (PM4Py's break condition).
    private func holdsFinalPlaces(_ s: State) -> Bool {
        finalPlaces.allSatisfy { s.tokens[$0] > 0 }
    }

    /// PM4Py's attempt to reach the final marking through silent transitions.
    private func reachFinalMarking(_ s: inout State) {
        for _ in 0..<Self.finalRounds {
            if holdsFinalPlaces(s) { break }
            for group in pathGroups(to: finalPlaces, s) {
                for t in group where net.isEnabled(t, in: s) { fire(t, &s) }
                if holdsFinalPlaces(s) { break }
            }
        }
        guard !holdsFinalPlaces(s) && finalPlaces.count == 1 else { return }
        let sink = finalPlaces[0]
        // PM4Py walks the marking's places in its dictionary's insertion order here.
        let marked = (0..<placeCount).filter { s.tokens[$0] > 0 }.sorted { s.markedAt[$0] < s.markedAt[$1] }
        let connections = Self.stableSortedByLength(marked.compactMap { paths[$0 * placeCount + sink] })
        for _ in 0..<Self.finalRounds {
            for path in connections {
                for t in path {
                    guard net.isEnabled(t, in: s) else { break }
                    fire(t, &s)
                }
            }
        }
    }

    private func finish(_ s: State) -> TraceReplay {
        var result = TraceReplay()
        let final = net.finalMarking.tokens
        var missingByPlace = s.missingByPlace
        var finalMissing = 0
        for p in finalPlaces where final[p] > s.tokens[p] {
            finalMissing += final[p] - s.tokens[p]
            missingByPlace[p] += final[p] - s.tokens[p]
        }
        for p in 0..<placeCount {
            let left = max(0, s.tokens[p] - final[p])
            if left > 0 { result.remainingTokens.append(.init(index: p, count: left)) }
            result.remaining += left
            if missingByPlace[p] > 0 { result.missingTokens.append(.init(index: p, count: missingByPlace[p])) }
        }
        result.isFit = s.missing == 0 && result.remaining == 0
        result.consumed = s.consumed + net.finalMarking.total
        result.missing = s.missing + finalMissing
        result.produced = s.produced
        result.fitness =
            result.consumed > 0 && result.produced > 0
            ? 0.5 * (1 - Double(result.missing) / Double(result.consumed)) + 0.5
                * (1 - Double(result.remaining) / Double(result.produced))
            : 1.0
        result.forcedTransitions = s.forced.keys.sorted().map { .init(index: $0, count: s.forced[$0]!) }
        return result
    }
}

extension PetriNet {
    @inline(__always)
    fileprivate func isEnabled(_ transition: Int, in s: TokenReplayer.State) -> Bool {
        for arc in inputs[transition] where s.tokens[arc.place] < arc.weight { return false }
        return true
    }
}

/// What replaying one trace found: PM4Py's four token counts, fitness, and where tokens were
/// missing or left.
public struct TraceReplay: Sendable, Equatable {
    /// A place or transition index with a count.
    public struct Count: Sendable, Equatable {
        public var index: Int
        public var count: Int
        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }
    }

    /// Tokens taken by fired transitions, plus the final marking's.
    public var consumed = 0
    /// Tokens put by fired transitions, plus the initial marking's.
    public var produced = 0
    /// Tokens inserted to fire transitions, plus the final marking's tokens not reached.
    public var missing = 0
    /// Tokens left at the end beyond the final marking.
    public var remaining = 0
    /// No token inserted during the replay and none left (PM4Py's `trace_is_fit`).
    public var isFit = true
    /// ½(1 − missing/consumed) + ½(1 − remaining/produced), 1 when nothing was consumed or
    /// produced.
    public var fitness = 1.0
    /// Per place (by index) with missing tokens: how many; the sum is `missing`.
    public var missingTokens: [Count] = []
    /// Per place (by index) with remaining tokens: how many; the sum is `remaining`.
    public var remainingTokens: [Count] = []
    /// Per visible transition (by index) that fired only after tokens were inserted: how often.
    public var forcedTransitions: [Count] = []

    public init() {}
}

extension InductiveMiner {
    /// A cut of the activities: the operator and its groups of activity codes, in child order.
    struct Cut {
        var `operator`: ProcessTree.Operator
        var groups: [[Int]]
    }
}

extension InductiveMiner.Run {
    typealias Cut = InductiveMiner.Cut
    typealias DirectlyFollows = InductiveMiner.DirectlyFollows
    typealias VariantLog = InductiveMiner.VariantLog

    /// The first cut that holds on the graph, in PM4Py's order: exclusive choice, strict
    /// sequence, concurrency, loop.
    ///
    /// - Complexity: O(*a*³) for *a* activities (the sequence cut's reachability).
    func findCut(_ g: DirectlyFollows) -> Cut? {
        if let groups = xorCut(g) { return Cut(operator: .xor, groups: groups) }
        if let groups = strictSequenceCut(g) { return Cut(operator: .sequence, groups: groups) }
        if let groups = concurrencyCut(g) { return Cut(operator: .parallel, groups: groups) }
        if let groups = loopCut(g) { return Cut(operator: .loop, groups: groups) }
        return nil
    }

    /// Splits a log by a cut into one log per group (PM4Py's `project` of each cut). Events of
    /// activities outside all groups (possible after IMf's filtering) are dropped.
    ///
    /// - Complexity: O(*events* · *groups*).
    func split(_ log: VariantLog, by cut: Cut) -> [VariantLog] {
        var groupOf = [Int](repeating: -1, count: size)
        for (i, group) in cut.groups.enumerated() { for a in group { groupOf[a] = i } }
        var logs = [VariantLog](repeating: VariantLog(), count: cut.groups.count)
        switch cut.operator {
        case .xor:
            // Each trace goes whole to the group most of its events belong to (ties: the later
            // group), without the events of other groups.
            var count = [Int](repeating: 0, count: cut.groups.count)
            for (t, c) in zip(log.traces, log.counts) {
                for i in count.indices { count[i] = 0 }
                for a in t where groupOf[Int(a)] >= 0 { count[groupOf[Int(a)]] += 1 }
                var best = count.count - 1
                for i in count.indices.reversed() where count[i] > count[best] { best = i }
                logs[best].add(t.filter { groupOf[Int($0)] == best }, c)
            }
        case .sequence:
            // Cut each trace at the split points that minimise the events out of place.
            for (t, c) in zip(log.traces, log.counts) {
                var from = 0
                for i in cut.groups.indices {
                    var cost = 0
                    var least = 0
                    var to = from
                    for k in from..<t.count {
                        let g = groupOf[Int(t[k])]
                        if g == i { cost -= 1 } else if g < 0 || g > i { cost += 1 }
                        if cost < least {
                            least = cost
                            to = k + 1
                        }
                    }
                    logs[i].add(t[from..<to].filter { groupOf[Int($0)] == i }, c)
                    from = to
                }
            }
        case .parallel:
            for i in cut.groups.indices { logs[i] = log.projected { groupOf[Int($0)] == i } }
        case .loop:
            // Alternate do and redo slices; a trace's last do slice is kept even when empty.
            for (t, c) in zip(log.traces, log.counts) {
                var doSlice: [Int32] = []
                var redoSlice: [Int32] = []
                for a in t {
                    switch groupOf[Int(a)] {
                    case 0:
                        doSlice.append(a)
                        if !redoSlice.isEmpty {
                            logs[1].add(redoSlice, c)
                            redoSlice.removeAll()
                        }
                    case 1:
                        redoSlice.append(a)
                        if !doSlice.isEmpty {
                            logs[0].add(doSlice, c)
                            doSlice.removeAll()
                        }
                    default:
                        if !doSlice.isEmpty {
                            logs[0].add(doSlice, c)
                            doSlice.removeAll()
                        }
                        if !redoSlice.isEmpty {
                            logs[1].add(redoSlice, c)
                            redoSlice.removeAll()
                        }
                    }
                }
                if !redoSlice.isEmpty { logs[1].add(redoSlice, c) }
                logs[0].add(doSlice, c)
            }
        }
        return logs
    }

    // MARK: - Exclusive choice

    /// The connected components of the graph taken undirected, when there are several; ordered
    /// by their sorted activity names (PM4Py's order).
    ///
    /// - Complexity: O(*a*² α(*a*)).
    func xorCut(_ g: DirectlyFollows) -> [[Int]]? {
        let vertices = g.vertices
        var sets = DisjointSets(size)
        for (a, b) in g.edgeList { sets.union(a, b) }
        let groups = sets.groups(of: vertices)
        guard groups.count > 1 else { return nil }
        return groups.map { $0.sorted { rank[$0] < rank[$1] } }.sorted {
            $0.lazy.map { rank[$0] }.lexicographicallyPrecedes($1.lazy.map { rank[$0] })
        }
    }

    // MARK: - Sequence

    /// Per vertex, the activities reachable from it in one or more steps (itself excluded, as
    /// networkx's `descendants`), as a dense matrix.
    ///
    /// - Complexity: O(*a* · (*a* + edges)).
    private func reachability(_ g: DirectlyFollows, _ vertices: [Int]) -> [Bool] {
        var reach = [Bool](repeating: false, count: size * size)
        let successors = (0..<size).map { a in (0..<size).filter { g.has(a, $0) } }
        for s in vertices {
            var stack = successors[s]
            while let x = stack.popLast() {
                if reach[s * size + x] { continue }
                reach[s * size + x] = true
                stack.append(contentsOf: successors[x])
            }
            reach[s * size + s] = false
        }
        return reach
    }

    /// The sequence cut (Leemans' thesis, p. 188): activities that reach each other, or neither
    /// reaches the other, share a group; groups are ordered by how many activities reach them and
    /// how few they reach.
    ///
    /// - Complexity: O(*a*³).
    func sequenceCut(_ g: DirectlyFollows) -> [[Int]]? {
        let vertices = g.vertices
        guard !vertices.isEmpty else { return nil }
        let reach = reachability(g, vertices)
        var sets = DisjointSets(size)
        for (i, a) in vertices.enumerated() {
            for b in vertices[(i + 1)...] where reach[a * size + b] == reach[b * size + a] { sets.union(a, b) }
        }
        let groups = sets.groups(of: vertices)
        guard groups.count > 1 else { return nil }
        func key(_ a: Int) -> Int {
            var predecessors = 0
            var successors = 0
            for b in vertices {
                if reach[b * size + a] { predecessors += 1 }
                if reach[a * size + b] { successors += 1 }
            }
            return predecessors + vertices.count - successors
        }
        let keyed = groups.map { group in (key: group.map(key).min()!, first: group.map { rank[$0] }.min()!, group) }
        return keyed.sorted { ($0.key, $0.first) < ($1.key, $1.first) }.map(\.2)
    }

    /// The strict sequence cut (Leemans' thesis, p. 233): the sequence cut with groups that can be
    /// skipped together merged, so that skips become optional sub-sequences.
    ///
    /// - Complexity: O(*a*³).
    func strictSequenceCut(_ g: DirectlyFollows) -> [[Int]]? {
        guard var c = sequenceCut(g) else { return nil }
        var cmap = [Int](repeating: -1, count: size)
        for (i, group) in c.enumerated() { for a in group { cmap[a] = i } }
        var mf = c.map { $0.contains { g.start[$0] > 0 } ? Int.min : Int.max }
        var mt = c.map { $0.contains { g.end[$0] > 0 } ? Int.max : Int.min }
        let edges = g.edgeList
        for (a, b) in edges {
            mf[cmap[b]] = min(mf[cmap[b]], cmap[a])
            mt[cmap[a]] = max(mt[cmap[a]], cmap[b])
        }
        func skippable(_ p: Int) -> Bool {
            var member = [Int](repeating: -1, count: size)
            for (i, group) in c.enumerated() { for a in group { member[a] = i } }
            for (a, b) in edges where member[a] >= 0 && member[a] < p && member[b] > p { return true }
            for i in c.indices where i > p { if c[i].contains(where: { g.start[$0] > 0 }) { return true } }
            for i in c.indices where i < p { if c[i].contains(where: { g.end[$0] > 0 }) { return true } }
            return false
        }
        for p in c.indices where skippable(p) {
            var q = p - 1
            while q >= 0 && mt[q] <= p {
                c[p] += c[q]
                c[q] = []
                q -= 1
            }
            q = p + 1
            while q < c.count && mf[q] >= p {
                c[p] += c[q]
                c[q] = []
                q += 1
            }
        }
        let result = c.filter { !$0.isEmpty }
        return result.count > 1 ? result : nil
    }

    // MARK: - Concurrency

    /// The concurrency cut: activities not connected both ways share a group; groups without a
    /// start and an end activity are merged into a neighbour (PM4Py's order of merging).
    ///
    /// - Complexity: O(*a*² α(*a*)).
    func concurrencyCut(_ g: DirectlyFollows) -> [[Int]]? {
        let vertices = g.vertices
        guard !vertices.isEmpty else { return nil }
        var sets = DisjointSets(size)
        for (i, a) in vertices.enumerated() {
            for b in vertices[(i + 1)...] where !(g.has(a, b) && g.has(b, a)) { sets.union(a, b) }
        }
        // PM4Py merges into the group of the first name, so groups stand in the order of their
        // first names; then a stable sort by size.
        var groups = sets.groups(of: vertices).map { $0.sorted { rank[$0] < rank[$1] } }
        groups.sort { rank[$0[0]] < rank[$1[0]] }
        groups = groups.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(
            \.element)
        var i = 0
        while i < groups.count && groups.count > 1 {
            if groups[i].contains(where: { g.start[$0] > 0 }) && groups[i].contains(where: { g.end[$0] > 0 }) {
                i += 1
                continue
            }
            let group = groups.remove(at: i)
            groups[i == 0 ? 0 : i - 1] += group
        }
        return groups.count > 1 ? groups : nil
    }

    // MARK: - Loop

    /// The loop cut: the start and end activities form the do part; the components of the rest
    /// form redo parts unless they are entered from a start activity that is not an end, lead to
    /// an end that is not a start, or do not connect to all start (from all end) activities; the
    /// redo parts left are merged into one (as PM4Py does).
    ///
    /// - Complexity: O(*a*²).
    func loopCut(_ g: DirectlyFollows) -> [[Int]]? {
        let edges = g.edgeList
        guard !edges.isEmpty else { return nil }
        let isStart = (0..<size).map { g.start[$0] > 0 }
        let isEnd = (0..<size).map { g.end[$0] > 0 }
        let boundary = (0..<size).map { isStart[$0] || isEnd[$0] }
        var sets = DisjointSets(size)
        for (a, b) in edges where !boundary[a] && !boundary[b] { sets.union(a, b) }
        let inner = g.vertices.filter { !boundary[$0] }
        var inDo = [Bool](repeating: false, count: size)  // per component root
        for (a, b) in edges {
            if isStart[a] && !isEnd[a] && !boundary[b] { inDo[sets.find(b)] = true }
            if isEnd[b] && !isStart[b] && !boundary[a] { inDo[sets.find(a)] = true }
        }
        let starts = (0..<size).filter { isStart[$0] }
        let ends = (0..<size).filter { isEnd[$0] }
        for (a, b) in edges where !boundary[a] && isStart[b] {
            if starts.contains(where: { !g.has(a, $0) }) { inDo[sets.find(a)] = true }
        }
        for (b, a) in edges where !boundary[a] && isEnd[b] {
            if ends.contains(where: { !g.has($0, a) }) { inDo[sets.find(a)] = true }
        }
        var doPart = (0..<size).filter { boundary[$0] }
        var redo: [Int] = []
        for a in inner { if inDo[sets.find(a)] { doPart.append(a) } else { redo.append(a) } }
        guard !redo.isEmpty, !doPart.isEmpty else { return nil }
        return [doPart, redo]
    }
}

/// Union-find over activity codes, for the components of the cuts.
struct DisjointSets {
    private var parent: [Int]

    init(_ size: Int) { parent = Array(0..<size) }

    mutating func find(_ x: Int) -> Int {
        var root = x
        while parent[root] != root { root = parent[root] }
        var y = x
        while parent[y] != root {
            let next = parent[y]
            parent[y] = root
            y = next
        }
        return root
    }

    mutating func union(_ a: Int, _ b: Int) {
        let (ra, rb) = (find(a), find(b))
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }

    /// The sets of the given elements, each in the elements' order, the sets in the order of
    /// their first element.
    mutating func groups(of elements: [Int]) -> [[Int]] {
        var slot: [Int: Int] = [:]
        var out: [[Int]] = []
        for x in elements {
            let r = find(x)
            if let s = slot[r] {
                out[s].append(x)
            } else {
                slot[r] = out.count
                out.append([x])
            }
        }
        return out
    }
}

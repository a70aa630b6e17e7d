import Testing
import _TestSupport

@testable import Mining

/// The layered layout against simple references: longest-path layers by relaxation, crossings
/// counted pair by pair, and the fewest crossings found by trying every order.
@Suite struct LayeredLayoutTests {
    /// A random graph: `n` nodes, each pair joined with some probability (cycles, self-loops and
    /// 2-cycles included), weights 1 to 50.
    static func randomGraph(seed: UInt64, n: Int, density: UInt64 = 25) -> ([LayeredLayout.Node], [LayeredLayout.Edge])
    {
        var rng = SplitMix(seed: seed)
        let nodes = (0..<n).map { _ in
            LayeredLayout.Node(
                width: 40 + Double(rng.next() % 80), height: 30, rightMargin: Double(rng.next() % 2) * 20)
        }
        var edges: [LayeredLayout.Edge] = []
        for s in 0..<n {
            for t in 0..<n where rng.next() % 100 < density {
                edges.append(LayeredLayout.Edge(source: s, target: t, weight: Int(rng.next() % 50) + 1, labelWidth: 30))
            }
        }
        // Keep every node reachable from node 0, as in a process map.
        for t in 1..<n where !edges.contains(where: { $0.target == t && $0.source != t }) {
            edges.append(LayeredLayout.Edge(source: Int(rng.next() % UInt64(t)), target: t, weight: 1, labelWidth: 20))
        }
        return (nodes, edges)
    }

    /// Crossings counted pair by pair: two segments between the same ranks cross when their
    /// ends are in opposite orders.
    static func naiveCrossings(_ layout: LayeredLayout, ranks: [[Int]]) -> Int {
        var position = [Int](repeating: 0, count: layout.vertexCount)
        for order in ranks { for (i, v) in order.enumerated() { position[v] = i } }
        var segments: [[(Int, Int)]] = Array(repeating: [], count: ranks.count)
        for chain in layout.chains where chain.count > 1 {
            for k in 0..<(chain.count - 1) {
                segments[layout.rank[chain[k]]].append((position[chain[k]], position[chain[k + 1]]))
            }
        }
        var count = 0
        for list in segments {
            for i in list.indices {
                for j in list.indices where j > i {
                    let (a, b) = (list[i], list[j])
                    if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) { count += 1 }
                }
            }
        }
        return count
    }

    static func below(_ layout: LayeredLayout) -> [[Int]] {
        var below = [[Int]](repeating: [], count: layout.vertexCount)
        for chain in layout.chains where chain.count > 1 {
            for k in 0..<(chain.count - 1) { below[chain[k]].append(chain[k + 1]) }
        }
        return below
    }

    @Test(arguments: 1...40 as ClosedRange<UInt64>) func invariantsOnRandomGraphs(seed: UInt64) {
        let (nodes, edges) = Self.randomGraph(seed: seed, n: 2 + Int(seed % 14))
        let layout = LayeredLayout(nodes: nodes, edges: edges, root: 0)
        layout.checkInvariants()

        // Every edge that is not reversed goes from a lower to a higher layer; reversed ones the
        // other way; self-loops are the only edges left out.
        var dag: [(Int, Int)] = []
        for (e, edge) in edges.enumerated() {
            if edge.source == edge.target {
                #expect(layout.isSelfLoop[e] && layout.chains[e].isEmpty)
                continue
            }
            let (u, v) = layout.reversed[e] ? (edge.target, edge.source) : (edge.source, edge.target)
            #expect(layout.layer[u] < layout.layer[v], "edge \(e)")
            dag.append((u, v))
        }
        // The layers are the longest-path ranks of the graph with back edges reversed
        // (reference: relax every edge until nothing changes).
        var reference = [Int](repeating: 0, count: nodes.count)
        var changed = true
        while changed {
            changed = false
            for (u, v) in dag where reference[v] < reference[u] + 1 {
                reference[v] = reference[u] + 1
                changed = true
            }
        }
        #expect(layout.layer == reference)

        // Dummy vertices chain long edges: one per rank crossed, each used once, and the route
        // runs from the edge's source to its target.
        var used = Set<Int>()
        for (e, chain) in layout.chains.enumerated() where !chain.isEmpty {
            let (u, v) = (chain.first!, chain.last!)
            #expect(chain.count == 2 * (layout.layer[v] - layout.layer[u]) + 1)
            for d in chain.dropFirst().dropLast() {
                #expect(layout.isDummy(d))
                #expect(used.insert(d).inserted)
            }
            let route = layout.route(e)
            #expect(route.count == chain.count)
            let sourceY = layout.centreY(edges[e].source)
            let targetY = layout.centreY(edges[e].target)
            #expect(abs(route.first!.y - sourceY) <= nodes[edges[e].source].height / 2 + 1e-9)
            #expect(abs(route.last!.y - targetY) <= nodes[edges[e].target].height / 2 + 1e-9)
        }

        // No two vertices of a rank overlap, and nodes keep their gap.
        for order in layout.ranks {
            for k in order.indices.dropFirst() {
                let (a, b) = (order[k - 1], order[k])
                #expect(layout.x[b] - layout.x[a] >= layout.extents(a).right + layout.extents(b).left - 1e-9)
                if !layout.isDummy(a) && !layout.isDummy(b) {
                    #expect(layout.x[b] - layout.x[a] >= layout.extents(a).right + layout.extents(b).left + 24 - 1e-9)
                }
            }
        }
        // Inside the drawing.
        for v in 0..<layout.vertexCount {
            #expect(layout.x[v] - layout.extents(v).left >= -1e-9)
            #expect(layout.x[v] + layout.extents(v).right <= layout.width + 1e-9)
        }

        // Crossing reduction never ends worse than the initial order, and the count is right.
        #expect(layout.crossings <= layout.initialCrossings)
        #expect(layout.crossings == Self.naiveCrossings(layout, ranks: layout.ranks))
    }

    @Test(arguments: 1...20 as ClosedRange<UInt64>) func crossingCountMatchesPairByPair(seed: UInt64) {
        let (nodes, edges) = Self.randomGraph(seed: seed &* 7919, n: 4 + Int(seed % 9), density: 35)
        let layout = LayeredLayout(nodes: nodes, edges: edges, root: 0)
        var rng = SplitMix(seed: seed)
        var ranks = layout.ranks
        for r in ranks.indices {  // a random shuffle of every rank
            for i in ranks[r].indices.reversed() where i > 0 { ranks[r].swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        }
        var position = [Int](repeating: 0, count: layout.vertexCount)
        for order in ranks { for (i, v) in order.enumerated() { position[v] = i } }
        #expect(
            LayeredLayout.crossings(ranks: ranks, below: Self.below(layout), position: position)
                == Self.naiveCrossings(layout, ranks: ranks))
    }

    /// All orders of all ranks (the product of the ranks' permutations), for tiny graphs.
    static func bruteForceMinimum(_ layout: LayeredLayout) -> Int {
        func permutations(_ a: [Int]) -> [[Int]] {
            guard a.count > 1 else { return [a] }
            return a.indices.flatMap { i -> [[Int]] in
                var rest = a
                let x = rest.remove(at: i)
                return permutations(rest).map { [x] + $0 }
            }
        }
        let options = layout.ranks.map(permutations)
        var best = Int.max
        var choice = [Int](repeating: 0, count: options.count)
        while true {
            let ranks = options.indices.map { options[$0][choice[$0]] }
            best = min(best, naiveCrossings(layout, ranks: ranks))
            var r = 0
            while r < choice.count {
                choice[r] += 1
                if choice[r] < options[r].count { break }
                choice[r] = 0
                r += 1
            }
            if r == choice.count { return best }
        }
    }

    static let smallGraphs: [[(Int, Int)]] = [
        // A fan whose natural order crosses: 0 → 1, 2, 3 and 1 → 6, 2 → 5, 3 → 4, 1 → 5.
        [(0, 3), (0, 1), (0, 2), (1, 6), (2, 5), (3, 4), (1, 5)],
        // K(2,3) below a root: some crossings cannot be avoided.
        [(0, 1), (0, 2), (1, 3), (1, 4), (1, 5), (2, 3), (2, 4), (2, 5)],
        // A loop back and a long edge: 0 → 1 → 2 → 3, 3 → 1, 0 → 3, 0 → 2.
        [(0, 1), (1, 2), (2, 3), (3, 1), (0, 3), (0, 2)],
    ]

    @Test(arguments: smallGraphs.indices) func crossingReductionFindsTheMinimumOnSmallGraphs(_ index: Int) {
        let pairs = Self.smallGraphs[index]
        let n = (pairs.map { max($0.0, $0.1) }.max() ?? 0) + 1
        let layout = LayeredLayout(
            nodes: Array(repeating: LayeredLayout.Node(width: 40, height: 20), count: n),
            edges: pairs.map { LayeredLayout.Edge(source: $0.0, target: $0.1) }, root: 0)
        #expect(layout.crossings <= layout.initialCrossings)
        #expect(layout.crossings == Self.bruteForceMinimum(layout))
    }

    @Test func medianValueFollowsGansner() {
        #expect(LayeredLayout.medianValue([]) == nil)
        #expect(LayeredLayout.medianValue([4, 1, 7]) == 4)
        #expect(LayeredLayout.medianValue([2, 6]) == 4)
        // Four neighbours at 0, 1, 2, 9: left spread 1, right spread 7, so nearer the left middle.
        #expect(LayeredLayout.medianValue([0, 1, 2, 9]) == (1.0 * 7 + 2.0 * 1) / 8)
    }

    @Test func isotonicRegressionPoolsViolators() {
        #expect(LayeredLayout.isotonic([1, 3, 2, 4], weights: [1, 1, 1, 1]) == [1, 2.5, 2.5, 4])
        #expect(LayeredLayout.isotonic([5, 1], weights: [3, 1]) == [4, 4])
        #expect(LayeredLayout.isotonic([1, 2, 3], weights: [1, 1, 1]) == [1, 2, 3])
    }

    @Test func backEdgesFollowTheHeaviestPathFirst() {
        // 0 → 1 → 2 → 1: the search from 0 reaches 1, then 2, so 2 → 1 is the back edge.
        let edges = [(0, 1), (1, 2), (2, 1)].map { LayeredLayout.Edge(source: $0.0, target: $0.1) }
        #expect(LayeredLayout.backEdges(nodeCount: 3, edges: edges, root: 0) == [false, false, true])
        // With 0 → 2 heavier than 0 → 1, the search reaches 2 first, and 1 → 2 points back.
        let weighted = [
            LayeredLayout.Edge(source: 0, target: 1, weight: 1), LayeredLayout.Edge(source: 0, target: 2, weight: 9),
            LayeredLayout.Edge(source: 1, target: 2, weight: 1), LayeredLayout.Edge(source: 2, target: 1, weight: 1),
        ]
        #expect(LayeredLayout.backEdges(nodeCount: 3, edges: weighted, root: 0) == [false, false, true, false])
    }
}

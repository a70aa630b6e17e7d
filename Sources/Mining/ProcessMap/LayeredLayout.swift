/// A layered drawing of a directed graph, top to bottom: which layer each node is on, the order
/// within each layer, x and y coordinates, and a route for every edge.
///
/// The method is Sugiyama, Tagawa and Toda's ("Methods for visual understanding of hierarchical
/// system structures", IEEE SMC 1981), with the refinements of Gansner, Koutsofios, North and Vo
/// ("A technique for drawing directed graphs", IEEE TSE 1993), which Graphviz's `dot` uses:
/// 1. **Cycle removal.** A depth-first search from the root, following the heaviest edges first,
///    finds the back edges; they are reversed for the layout and drawn pointing back up. Following
///    heavy edges first keeps the main flow pointing down.
/// 2. **Layering** by longest path from the sources of the resulting acyclic graph.
/// 3. **Label ranks and dummy vertices.** As `dot` does, ranks are doubled: node layer *l* is rank
///    2*l*, and every edge gets a dummy vertex on each rank it crosses. One dummy on an odd rank
///    (the middle one) carries the edge's label, so labels take space in the layout and never
///    overlap nodes or each other.
/// 4. **Crossing reduction.** An initial order by depth-first search, then alternating downward
///    and upward sweeps that sort each rank by the weighted median of its neighbours' positions,
///    each followed by the transpose heuristic (swap adjacent vertices while that removes
///    crossings). The best order seen is kept, so the result never has more crossings than the
///    initial order. Crossings between two ranks are counted with a Fenwick tree, in the manner of
///    Barth, Jünger and Mutzel (2004).
/// 5. **Coordinates.** Instead of `dot`'s network simplex, a few sweeps of barycentric
///    straightening: each vertex is pulled to the weighted mean of its neighbours' x (weights 1, 2
///    and 8 for node-node, node-dummy and dummy-dummy segments, as in Gansner et al., so long
///    edges run straight), and each rank is then solved exactly for the least-squares positions
///    that keep the vertices' order and minimum separations (pool-adjacent-violators).
/// 6. **Routing.** Edges leave the bottom of a node and enter the top of the next one at ports
///    spread by the order of their other ends, and pass through their dummy vertices; the SVG
///    writer draws them as smooth cubic curves. Self-loops are left out of the layout: the caller
///    reserves room for them beside the node (`Node.rightMargin`).
///
/// Deterministic: every choice breaks ties by index.
public struct LayeredLayout: Sendable {
    /// The size of a node, and room reserved to its right (for a self-loop and its label).
    public struct Node: Sendable, Equatable {
        public var width: Double
        public var height: Double
        public var rightMargin: Double

        public init(width: Double, height: Double, rightMargin: Double = 0) {
            self.width = width
            self.height = height
            self.rightMargin = rightMargin
        }
    }

    /// A directed edge with a weight (heavier edges are kept pointing down and straight) and the
    /// width of its label, drawn to the right of the edge.
    public struct Edge: Sendable, Equatable {
        public var source: Int
        public var target: Int
        public var weight: Int
        public var labelWidth: Double

        public init(source: Int, target: Int, weight: Int = 1, labelWidth: Double = 0) {
            self.source = source
            self.target = target
            self.weight = weight
            self.labelWidth = labelWidth
        }
    }

    /// Distances between things, in drawing units.
    public struct Spacing: Sendable, Equatable {
        /// Between two nodes on one layer.
        public var nodeGap = 24.0
        /// Between a dummy vertex (an edge passing by, or a label) and its neighbours.
        public var edgeGap = 10.0
        /// Between two ranks.
        public var rankGap = 12.0
        /// The height of a label rank.
        public var labelHeight = 14.0
        /// Space between an edge and its label.
        public var labelOffset = 5.0

        public init() {}
    }

    /// A point of the drawing.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
    }

    /// The input.
    public let nodes: [Node]
    public let edges: [Edge]
    public let spacing: Spacing
    /// Per edge: whether it points up in the drawing (a back edge of the depth-first search).
    public internal(set) var reversed: [Bool]
    /// Per edge: whether it is a self-loop (not laid out).
    public internal(set) var isSelfLoop: [Bool]
    /// Per node: its layer, 0 at the top.
    public internal(set) var layer: [Int]
    /// Vertices are the nodes (`0 ..< nodes.count`) and then the dummies. Per vertex: its rank
    /// (twice the layer for a node; odd ranks hold label dummies).
    public internal(set) var rank: [Int]
    /// The vertices of each rank, left to right.
    public internal(set) var ranks: [[Int]]
    /// Per edge: its vertices in the layout's (downward) direction, from the upper node through
    /// the dummies to the lower node; empty for a self-loop.
    public internal(set) var chains: [[Int]]
    /// Per edge: the dummy vertex that carries its label (-1 for a self-loop).
    public internal(set) var labelVertex: [Int]
    /// Per vertex: the x of its centre line.
    public internal(set) var x: [Double]
    /// Per rank: the y of its top and its height.
    public internal(set) var rankTop: [Double]
    public internal(set) var rankHeight: [Double]
    /// The size of the drawing (all coordinates are within [0, width] × [0, height]).
    public internal(set) var width: Double
    public internal(set) var height: Double
    /// Crossings of the initial order, and of the final one.
    public internal(set) var initialCrossings: Int
    public internal(set) var crossings: Int
    /// Per edge: the x of its port on the upper node's bottom and on the lower node's top.
    public internal(set) var upperPort: [Double]
    public internal(set) var lowerPort: [Double]

    /// Lays out a graph.
    ///
    /// - Parameters:
    ///   - root: the node the depth-first search starts from (a process map's start node).
    ///   - sweeps: the most median sweeps of crossing reduction (it stops after four sweeps
    ///     without improvement).
    /// - Complexity: O(*s* · (*V* + *S* log *S*) + *t*) for *V* vertices (nodes and dummies) and
    ///   *S* segments between adjacent ranks over *s* sweeps, plus the transpose passes *t*, which
    ///   are quadratic in the degrees of adjacent vertices; in practice dominated by the number of
    ///   dummies, about edges × layers spanned.
    public init(nodes: [Node], edges: [Edge], root: Int? = nil, spacing: Spacing = Spacing(), sweeps: Int = 24) {
        precondition(edges.allSatisfy { nodes.indices.contains($0.source) && nodes.indices.contains($0.target) })
        precondition(root.map { nodes.indices.contains($0) } ?? true)
        self.nodes = nodes
        self.edges = edges
        self.spacing = spacing
        isSelfLoop = edges.map { $0.source == $0.target }
        reversed = Self.backEdges(nodeCount: nodes.count, edges: edges, root: root)
        layer = Self.longestPathLayers(nodeCount: nodes.count, dag: Self.dag(edges, reversed, isSelfLoop))
        rank = layer.map { 2 * $0 }
        ranks = []
        chains = []
        labelVertex = []
        x = []
        rankTop = []
        rankHeight = []
        width = 0
        height = 0
        initialCrossings = 0
        crossings = 0
        upperPort = []
        lowerPort = []
        makeChains()
        orderRanks(root: root, sweeps: sweeps)
        assignCoordinates()
        assignPorts()
        #if DEBUG
            checkInvariants()
        #endif
    }

    /// The number of vertices, nodes and dummies.
    public var vertexCount: Int { rank.count }

    /// Whether a vertex is a dummy.
    public func isDummy(_ v: Int) -> Bool { v >= nodes.count }

    /// The y of a vertex's centre.
    public func centreY(_ v: Int) -> Double { rankTop[rank[v]] + rankHeight[rank[v]] / 2 }

    /// The points an edge passes through, from its source to its target (upwards for a reversed
    /// edge): the source's port, each dummy's centre, the target's port. Empty for a self-loop.
    ///
    /// - Complexity: O(length of the chain).
    public func route(_ e: Int) -> [Point] {
        let chain = chains[e]
        guard !chain.isEmpty else { return [] }
        let upper = chain.first!
        let lower = chain.last!
        var points = [Point(x: upperPort[e], y: centreY(upper) + nodes[upper].height / 2)]
        for v in chain.dropFirst().dropLast() { points.append(Point(x: x[v], y: centreY(v))) }
        points.append(Point(x: lowerPort[e], y: centreY(lower) - nodes[lower].height / 2))
        return reversed[e] ? points.reversed() : points
    }

    // MARK: - Steps

    /// The edges of the acyclic graph: (upper, lower) per edge, nil for a self-loop.
    private static func dag(_ edges: [Edge], _ reversed: [Bool], _ selfLoop: [Bool]) -> [(Int, Int)?] {
        edges.indices.map { e in
            selfLoop[e] ? nil : reversed[e] ? (edges[e].target, edges[e].source) : (edges[e].source, edges[e].target)
        }
    }

    /// The back edges of a depth-first search from `root` and then from every unvisited node in
    /// index order, following heavier edges first (ties by edge index).
    ///
    /// - Complexity: O(*n* + *e* log *e*).
    static func backEdges(nodeCount: Int, edges: [Edge], root: Int?) -> [Bool] {
        var out = [[Int]](repeating: [], count: nodeCount)
        for e in edges.indices where edges[e].source != edges[e].target { out[edges[e].source].append(e) }
        for v in out.indices { out[v].sort { (-edges[$0].weight, $0) < (-edges[$1].weight, $1) } }
        var state = [UInt8](repeating: 0, count: nodeCount)  // 0 new, 1 on the stack, 2 done
        var reversed = [Bool](repeating: false, count: edges.count)
        var stack: [(node: Int, next: Int)] = []
        for start in (root.map { [$0] } ?? []) + Array(0..<nodeCount) where state[start] == 0 {
            state[start] = 1
            stack.append((start, 0))
            while let top = stack.last {
                if top.next == out[top.node].count {
                    state[top.node] = 2
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let e = out[top.node][top.next]
                let w = edges[e].target
                switch state[w] {
                case 0:
                    state[w] = 1
                    stack.append((w, 0))
                case 1: reversed[e] = true
                default: break
                }
            }
        }
        return reversed
    }

    /// Longest-path layers of an acyclic graph: 0 for a node without predecessors, else one more
    /// than its deepest predecessor.
    ///
    /// - Complexity: O(*n* + *e*) (Kahn's topological order).
    static func longestPathLayers(nodeCount: Int, dag: [(Int, Int)?]) -> [Int] {
        var out = [[Int]](repeating: [], count: nodeCount)
        var indegree = [Int](repeating: 0, count: nodeCount)
        for case (let u, let v)? in dag {
            out[u].append(v)
            indegree[v] += 1
        }
        var layer = [Int](repeating: 0, count: nodeCount)
        var queue = (0..<nodeCount).filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for v in out[u] {
                layer[v] = Swift.max(layer[v], layer[u] + 1)
                indegree[v] -= 1
                if indegree[v] == 0 { queue.append(v) }
            }
        }
        precondition(queue.count == nodeCount, "the graph left after reversing back edges must be acyclic")
        return layer
    }

    /// Splits every edge into a chain of segments between adjacent ranks, with a dummy vertex on
    /// each rank in between; the middle dummy on an odd rank carries the label.
    private mutating func makeChains() {
        let dagEdges = Self.dag(edges, reversed, isSelfLoop)
        for e in edges.indices {
            guard let (u, v) = dagEdges[e] else {
                chains.append([])
                labelVertex.append(-1)
                continue
            }
            var chain = [u]
            let (lu, lv) = (layer[u], layer[v])
            let labelRank = 2 * lu + 1 + 2 * ((lv - lu - 1) / 2)
            var label = -1
            for r in (2 * lu + 1)..<(2 * lv) {
                let d = rank.count
                rank.append(r)
                chain.append(d)
                if r == labelRank { label = d }
            }
            chain.append(v)
            chains.append(chain)
            labelVertex.append(label)
        }
    }

    // MARK: - Crossing reduction

    /// Per vertex, its neighbours on the rank below and above (with repeats for parallel edges),
    /// and the weight of each segment (the edge's weight).
    private func adjacency() -> (below: [[Int]], above: [[Int]], belowWeight: [[Int]]) {
        var below = [[Int]](repeating: [], count: vertexCount)
        var above = [[Int]](repeating: [], count: vertexCount)
        var belowWeight = [[Int]](repeating: [], count: vertexCount)
        for (e, chain) in chains.enumerated() where chain.count > 1 {
            for k in 0..<(chain.count - 1) {
                below[chain[k]].append(chain[k + 1])
                belowWeight[chain[k]].append(edges[e].weight)
                above[chain[k + 1]].append(chain[k])
            }
        }
        return (below, above, belowWeight)
    }

    /// Orders every rank: a depth-first initial order, then median sweeps with transposition,
    /// keeping the order with the fewest crossings.
    private mutating func orderRanks(root: Int?, sweeps: Int) {
        let rankCount = (rank.max() ?? -1) + 1
        let (below, above, belowWeight) = adjacency()

        // Initial order: the order in which a depth-first search, heaviest segments first, reaches
        // the vertices; then whatever it did not reach, in index order.
        var order = [[Int]](repeating: [], count: rankCount)
        var seen = [Bool](repeating: false, count: vertexCount)
        let heavyFirst = below.indices.map { v in
            below[v].indices.sorted { (-belowWeight[v][$0], below[v][$0]) < (-belowWeight[v][$1], below[v][$1]) }
                .map { below[v][$0] }
        }
        let starts = (root.map { [$0] } ?? []) + (0..<vertexCount).filter { above[$0].isEmpty } + Array(0..<vertexCount)
        for s in starts where !seen[s] {
            var stack = [s]
            while let v = stack.popLast() {
                guard !seen[v] else { continue }
                seen[v] = true
                order[rank[v]].append(v)
                stack.append(contentsOf: heavyFirst[v].reversed())
            }
        }
        var position = [Int](repeating: 0, count: vertexCount)
        func place(_ r: Int) { for (i, v) in order[r].enumerated() { position[v] = i } }
        for r in order.indices { place(r) }

        var best = order
        var bestCount = Self.crossings(ranks: order, below: below, position: position)
        initialCrossings = bestCount
        var stale = 0
        for sweep in 0..<sweeps where bestCount > 0 && stale < 4 {
            let downward = sweep % 2 == 0
            let sequence = downward ? Array(order.indices.dropFirst()) : Array(order.indices.dropLast().reversed())
            for r in sequence {
                order[r] = Self.sortedByMedian(order[r], neighbours: downward ? above : below, position: position)
                place(r)
            }
            Self.transpose(&order, &position, below: below, above: above)
            let count = Self.crossings(ranks: order, below: below, position: position)
            if count < bestCount {
                best = order
                bestCount = count
                stale = 0
            } else {
                stale += 1
            }
        }
        ranks = best
        crossings = bestCount
    }

    /// The weighted median of a vertex's neighbour positions (Gansner et al., `median_value`), or
    /// nil without neighbours.
    static func medianValue(_ positions: [Int]) -> Double? {
        let p = positions.sorted()
        let m = p.count
        guard m > 0 else { return nil }
        if m % 2 == 1 { return Double(p[m / 2]) }
        if m == 2 { return Double(p[0] + p[1]) / 2 }
        let left = Double(p[m / 2 - 1] - p[0])
        let right = Double(p[m - 1] - p[m / 2])
        guard left + right > 0 else { return Double(p[m / 2 - 1] + p[m / 2]) / 2 }
        return (Double(p[m / 2 - 1]) * right + Double(p[m / 2]) * left) / (left + right)
    }

    /// A rank sorted by the medians of its vertices' neighbours; vertices without neighbours keep
    /// their places, ties keep their current order.
    private static func sortedByMedian(_ rank: [Int], neighbours: [[Int]], position: [Int]) -> [Int] {
        let medians = rank.map { v in medianValue(neighbours[v].map { position[$0] }) }
        let movable = rank.indices.filter { medians[$0] != nil }
            .sorted { (medians[$0]!, $0) < (medians[$1]!, $1) }
        var result = rank
        var next = 0
        for i in rank.indices where medians[i] != nil {
            result[i] = rank[movable[next]]
            next += 1
        }
        return result
    }

    /// Swaps adjacent vertices of every rank while a swap removes crossings (Gansner et al.'s
    /// `transpose`).
    ///
    /// - Complexity: O(passes × Σ deg(v) · deg(w)) over adjacent pairs.
    private static func transpose(_ order: inout [[Int]], _ position: inout [Int], below: [[Int]], above: [[Int]]) {
        func pairCrossings(_ v: Int, _ w: Int) -> Int {
            // Segments of v and w to one side cross when v's end is right of w's end.
            var count = 0
            for side in [above, below] {
                for a in side[v] { for b in side[w] where position[a] > position[b] { count += 1 } }
            }
            return count
        }
        var improved = true
        var passes = 0
        while improved && passes < 32 {
            improved = false
            passes += 1
            for r in order.indices where order[r].count > 1 {
                for i in 0..<(order[r].count - 1) {
                    let v = order[r][i]
                    let w = order[r][i + 1]
                    if pairCrossings(v, w) > pairCrossings(w, v) {
                        order[r].swapAt(i, i + 1)
                        position[v] = i + 1
                        position[w] = i
                        improved = true
                    }
                }
            }
        }
    }

    /// The number of crossings of an ordering: segments between each pair of adjacent ranks, sorted
    /// by their upper end, with the inversions of their lower ends counted in a Fenwick tree.
    ///
    /// - Complexity: O(*S* log *S*) for *S* segments.
    static func crossings(ranks: [[Int]], below: [[Int]], position: [Int]) -> Int {
        var total = 0
        for r in ranks.indices.dropLast() {
            let width = ranks[r + 1].count
            var tree = [Int](repeating: 0, count: width + 1)
            var seen = 0
            for v in ranks[r] {
                // Segments from one upper vertex do not cross each other: count all of v's
                // segments against the earlier ones before adding any of them.
                let ends = below[v].map { position[$0] }
                for p in ends {
                    var i = p + 1  // the earlier segments ending at positions ≤ p
                    var notAfter = 0
                    while i > 0 {
                        notAfter += tree[i]
                        i -= i & -i
                    }
                    total += seen - notAfter
                }
                for p in ends {
                    var i = p + 1
                    while i <= width {
                        tree[i] += 1
                        i += i & -i
                    }
                    seen += 1
                }
            }
        }
        return total
    }
}

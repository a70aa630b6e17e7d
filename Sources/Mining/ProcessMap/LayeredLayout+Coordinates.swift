extension LayeredLayout {
    /// Room a vertex takes to the left and right of its centre line: half a node's width (plus
    /// its right margin); nothing left of a dummy, and its label's width to its right.
    func extents(_ v: Int) -> (left: Double, right: Double) {
        if !isDummy(v) { return (nodes[v].width / 2, nodes[v].width / 2 + nodes[v].rightMargin) }
        return (0, 0)
    }

    /// The label width of each dummy vertex that carries one.
    private func labelWidths() -> [Int: Double] {
        var widths: [Int: Double] = [:]
        for e in edges.indices where labelVertex[e] >= 0 && edges[e].labelWidth > 0 {
            widths[labelVertex[e]] = edges[e].labelWidth + spacing.labelOffset
        }
        return widths
    }

    /// Assigns x by barycentric straightening and y by rank heights.
    ///
    /// Each sweep pulls every vertex of a rank towards the weighted mean x of its neighbours on
    /// the rank before (downward sweeps) or after (upward sweeps), the last sweeps towards both,
    /// and then places the rank at the least-squares positions that keep its order and minimum
    /// separations: with *y*ᵢ = *x*ᵢ − (the separations left of *i*), the constraints become
    /// *y* non-decreasing, which the pool-adjacent-violators algorithm solves exactly.
    ///
    /// - Complexity: O(*sweeps* × (*V* + *S*)).
    mutating func assignCoordinates() {
        let labels = labelWidths()
        func span(_ v: Int) -> (left: Double, right: Double) {
            let (l, r) = extents(v)
            return (l, r + (labels[v] ?? 0))
        }
        func gap(_ a: Int, _ b: Int) -> Double {
            isDummy(a) || isDummy(b) ? spacing.edgeGap : spacing.nodeGap
        }
        func separation(_ a: Int, _ b: Int) -> Double { span(a).right + gap(a, b) + span(b).left }

        // Segment weights: node-node 1, node-dummy 2, dummy-dummy 8 (Gansner et al.'s Ω).
        var below = [[(Int, Double)]](repeating: [], count: vertexCount)
        var above = [[(Int, Double)]](repeating: [], count: vertexCount)
        for chain in chains where chain.count > 1 {
            for k in 0..<(chain.count - 1) {
                let (a, b) = (chain[k], chain[k + 1])
                let omega: Double = isDummy(a) && isDummy(b) ? 8 : isDummy(a) || isDummy(b) ? 2 : 1
                below[a].append((b, omega))
                above[b].append((a, omega))
            }
        }

        x = [Double](repeating: 0, count: vertexCount)
        for order in ranks {
            var at = 0.0
            for (i, v) in order.enumerated() {
                if i > 0 { at += separation(order[i - 1], v) }
                x[v] = at
            }
            let shift = (at + (order.last.map { span($0).right } ?? 0) - (order.first.map { span($0).left } ?? 0)) / 2
            for v in order { x[v] -= shift }
        }
        let sweeps = 16
        for sweep in 0..<sweeps {
            let both = sweep >= sweeps - 4
            let downward = sweep % 2 == 0
            let sequence = downward ? Array(ranks.indices) : Array(ranks.indices.reversed())
            for r in sequence {
                let order = ranks[r]
                guard !order.isEmpty else { continue }
                var desired = [Double](repeating: 0, count: order.count)
                var weight = [Double](repeating: 0, count: order.count)
                for (i, v) in order.enumerated() {
                    let neighbours = both ? above[v] + below[v] : downward ? above[v] : below[v]
                    let total = neighbours.reduce(0) { $0 + $1.1 }
                    if total > 0 {
                        desired[i] = neighbours.reduce(0) { $0 + x[$1.0] * $1.1 } / total
                        weight[i] = total
                    } else {
                        desired[i] = x[v]
                        weight[i] = 0.01
                    }
                }
                var offsets = [0.0]
                for i in 1..<order.count { offsets.append(offsets[i - 1] + separation(order[i - 1], order[i])) }
                let solved = Self.isotonic(zip(desired, offsets).map { $0 - $1 }, weights: weight)
                for (i, v) in order.enumerated() { x[v] = solved[i] + offsets[i] }
            }
        }

        // Normalise to start at 0, and stack the ranks.
        let left = ranks.flatMap { $0 }.map { x[$0] - span($0).left }.min() ?? 0
        for v in 0..<vertexCount { x[v] -= left }
        width = ranks.flatMap { $0 }.map { x[$0] + span($0).right }.max() ?? 0
        rankTop = []
        rankHeight = []
        var y = 0.0
        for (r, order) in ranks.enumerated() {
            let tallest = order.filter { !isDummy($0) }.map { nodes[$0].height }.max()
            let h = tallest ?? (r % 2 == 1 ? spacing.labelHeight : 0)
            if r > 0 { y += spacing.rankGap }
            rankTop.append(y)
            rankHeight.append(h)
            y += h
        }
        height = y
    }

    /// Weighted least-squares fit of a non-decreasing sequence (the pool-adjacent-violators
    /// algorithm): minimises Σ wᵢ (yᵢ − targetᵢ)² subject to y₀ ≤ y₁ ≤ ….
    ///
    /// - Complexity: O(*n*).
    static func isotonic(_ target: [Double], weights: [Double]) -> [Double] {
        var blocks: [(sum: Double, weight: Double, count: Int)] = []
        for (t, w) in zip(target, weights) {
            blocks.append((t * w, w, 1))
            while blocks.count > 1 {
                let last = blocks[blocks.count - 1]
                let previous = blocks[blocks.count - 2]
                guard previous.sum / previous.weight > last.sum / last.weight else { break }
                blocks.removeLast(2)
                blocks.append((previous.sum + last.sum, previous.weight + last.weight, previous.count + last.count))
            }
        }
        var result: [Double] = []
        result.reserveCapacity(target.count)
        for b in blocks { result += repeatElement(b.sum / b.weight, count: b.count) }
        return result
    }

    /// Spreads the ports of each node: the segments leaving its bottom (entering its top) are
    /// ordered by the x of their other end and spaced evenly across the middle half of the node,
    /// so parallel edges and edges to different neighbours stay apart.
    mutating func assignPorts() {
        upperPort = [Double](repeating: 0, count: edges.count)
        lowerPort = [Double](repeating: 0, count: edges.count)
        var leaving = [[Int]](repeating: [], count: nodes.count)
        var entering = [[Int]](repeating: [], count: nodes.count)
        for (e, chain) in chains.enumerated() where chain.count > 1 {
            leaving[chain.first!].append(e)
            entering[chain.last!].append(e)
        }
        func spread(_ v: Int, _ list: [Int], other: (Int) -> Int, into ports: inout [Double]) {
            let sorted = list.sorted { (x[other($0)], $0) < (x[other($1)], $1) }
            let usable = nodes[v].width / 2
            for (k, e) in sorted.enumerated() {
                ports[e] = x[v] - usable / 2 + usable * Double(k + 1) / Double(sorted.count + 1)
            }
        }
        for v in nodes.indices {
            spread(v, leaving[v], other: { chains[$0][1] }, into: &upperPort)
            spread(v, entering[v], other: { chains[$0][chains[$0].count - 2] }, into: &lowerPort)
        }
    }

    /// Checks the layout's invariants; runs after every layout in debug builds, and in tests.
    ///
    /// - the edges that are not reversed point down, reversed ones up, self-loops are not laid out;
    /// - each node's layer is its longest-path rank in the graph with the back edges reversed;
    /// - every edge is a chain of segments between adjacent ranks through dummy vertices, each
    ///   dummy used by exactly one edge, with its label dummy on an odd rank;
    /// - every vertex is on exactly one rank, and vertices of a rank do not overlap (their
    ///   extents plus the minimum gap fit between their centre lines);
    /// - the crossings do not exceed those of the initial order.
    ///
    /// - Complexity: O(*V* + *e*).
    public func checkInvariants() {
        let dag = edges.indices.map { e -> (Int, Int)? in
            isSelfLoop[e] ? nil : reversed[e] ? (edges[e].target, edges[e].source) : (edges[e].source, edges[e].target)
        }
        precondition(layer == Self.longestPathLayers(nodeCount: nodes.count, dag: dag), "layers are not longest-path")
        var owner = [Int](repeating: -1, count: vertexCount)
        for (e, chain) in chains.enumerated() {
            guard let (u, v) = dag[e] else {
                precondition(chain.isEmpty && labelVertex[e] == -1, "a self-loop was laid out")
                continue
            }
            precondition(layer[u] < layer[v], "an edge does not point down in the layout")
            precondition(chain.first == u && chain.last == v, "chain ends are not the edge's nodes")
            for k in 0..<(chain.count - 1) {
                precondition(rank[chain[k + 1]] == rank[chain[k]] + 1, "a segment skips a rank")
            }
            for d in chain.dropFirst().dropLast() {
                precondition(isDummy(d) && owner[d] == -1, "a dummy is shared")
                owner[d] = e
            }
            precondition(chain.contains(labelVertex[e]) && rank[labelVertex[e]] % 2 == 1, "label dummy misplaced")
        }
        var placed = [Int](repeating: 0, count: vertexCount)
        for (r, order) in ranks.enumerated() {
            for v in order {
                precondition(rank[v] == r, "a vertex is on the wrong rank")
                placed[v] += 1
            }
            for k in order.indices.dropFirst() {
                let (a, b) = (order[k - 1], order[k])
                let needed = extents(a).right + extents(b).left
                precondition(x[b] - x[a] >= needed - 1e-6, "vertices overlap on rank \(r)")
            }
        }
        precondition(placed.allSatisfy { $0 == 1 }, "every vertex is on exactly one rank")
        precondition(crossings <= initialCrossings, "crossing reduction made things worse")
    }
}

/// Grows one regression tree on binned data, leaf-wise (best-first), from per-row gradients and
/// hessians: the core of LightGBM's `SerialTreeLearner`.
///
/// The rows of every leaf are one contiguous segment of `rowIndex` (a stable partition, so each
/// segment stays in ascending row order and sums are made in the same order on every run). At
/// each step the leaf with the largest split gain is split, until `maxLeaves` leaves, no positive
/// gain, or every leaf at `maxDepth`. For the two new children only the smaller one's histogram is
/// built from its rows; the larger one's is its parent's minus the smaller's.
struct TreeLearner {
    let data: BinnedMatrix
    let binner: FeatureBinner
    let finder: SplitFinder
    let parameters: GradientBoostingParameters
    let threads: Int

    /// Row indices, partitioned into leaf segments after `grow`.
    private(set) var rowIndex: [Int32]
    private var scratch: [Int32]
    private var ordered: [Double]
    private var pool: [[Double]]

    /// A leaf of the tree being grown.
    struct Leaf {
        var node: Int
        var begin: Int
        var end: Int
        var gradient: Double
        var hessian: Double
        var depth: Int
        var histogram: Int?
        var best: SplitCandidate?
        var count: Int { end - begin }
    }

    init(data: BinnedMatrix, binner: FeatureBinner, parameters: GradientBoostingParameters, threads: Int) {
        self.data = data
        self.binner = binner
        self.parameters = parameters
        self.threads = threads
        finder = SplitFinder(
            parameters: parameters, binCounts: data.binCounts, histogramOffsets: data.histogramOffsets,
            kinds: binner.bins.map(\.kind))
        rowIndex = [Int32](repeating: 0, count: data.rowCount)
        scratch = [Int32](repeating: 0, count: data.rowCount)
        ordered = [Double](repeating: 0, count: 2 * data.rowCount)
        pool = []
    }

    /// Grows a tree on the rows `bag` (nil: all rows) using only `features`.
    ///
    /// `gradHess` holds each row's (gradient, hessian), interleaved, indexed by row. Returns the
    /// tree and its leaves (node index and segment of `rowIndex`), so the caller can add each
    /// leaf's value to its rows' scores without walking the tree.
    ///
    /// - Complexity: O(rows × features × depth / threads) in the worst case; with the subtraction
    ///   trick each row is histogrammed once per level only in the smaller child.
    mutating func grow(
        bag: [Int32]?, gradHess: UnsafePointer<Double>, features: [Int]
    ) -> (tree: RegressionTree, leaves: [Leaf]) {
        let p = parameters
        let rows = bag?.count ?? data.rowCount
        if let bag {
            rowIndex.replaceSubrange(0..<bag.count, with: bag)
        } else {
            for i in 0..<rows { rowIndex[i] = Int32(i) }
        }
        if pool.isEmpty {
            pool = [[Double]](repeating: [Double](repeating: 0, count: 3 * data.totalBins), count: p.maxLeaves)
        }
        var free = Array((0..<p.maxLeaves).reversed())

        var g = 0.0
        var h = 0.0
        rowIndex.withUnsafeBufferPointer { idx in
            for k in 0..<rows {
                let r = Int(idx[k])
                g += gradHess[2 * r]
                h += gradHess[2 * r + 1]
            }
        }
        var tree = RegressionTree(leafValue: SplitFinder.output(g, h, l2: p.lambdaL2) * p.learningRate, cover: h, count: rows)
        var root = Leaf(node: 0, begin: 0, end: rows, gradient: g, hessian: h, depth: 0, histogram: nil, best: nil)
        if canSplit(root, leavesAfter: 1) {
            let slot = free.removeLast()
            root.histogram = slot
            buildHistogram(slot: slot, begin: 0, count: rows, allRows: bag == nil, gradHess: gradHess, features: features)
            root.best = bestSplit(slot: slot, leaf: root, features: features)
        }
        var leaves = [root]

        while leaves.count < p.maxLeaves {
            var chosen: Int?
            for (i, leaf) in leaves.enumerated() {
                guard let candidate = leaf.best else { continue }
                if chosen == nil || candidate.gain > leaves[chosen!].best!.gain { chosen = i }
            }
            guard let index = chosen else { break }
            let parent = leaves[index]
            let split = parent.best!
            let leftCount = partition(parent, split)
            precondition(leftCount == split.leftCount, "the partition agrees with the histogram")

            let leftNode = tree.nodeCount
            let rightNode = leftNode + 1
            record(split, at: parent.node, in: &tree, leftNode: leftNode)
            appendLeaf(&tree, output: split.leftOutput, cover: split.leftHessian, count: split.leftCount)
            appendLeaf(&tree, output: split.rightOutput, cover: split.rightHessian, count: split.rightCount)

            var left = Leaf(
                node: leftNode, begin: parent.begin, end: parent.begin + leftCount, gradient: split.leftGradient,
                hessian: split.leftHessian, depth: parent.depth + 1, histogram: nil, best: nil)
            var right = Leaf(
                node: rightNode, begin: parent.begin + leftCount, end: parent.end, gradient: split.rightGradient,
                hessian: split.rightHessian, depth: parent.depth + 1, histogram: nil, best: nil)
            let leavesAfter = leaves.count + 1
            let leftIsSmaller = left.count <= right.count
            var small = leftIsSmaller ? left : right
            var large = leftIsSmaller ? right : left
            let splitSmall = canSplit(small, leavesAfter: leavesAfter)
            let splitLarge = canSplit(large, leavesAfter: leavesAfter)
            if splitSmall || splitLarge, let parentSlot = parent.histogram {
                let slot = free.removeLast()
                buildHistogram(
                    slot: slot, begin: small.begin, count: small.count, allRows: false, gradHess: gradHess,
                    features: features)
                small.histogram = slot
                if splitLarge {
                    subtract(slot, from: parentSlot, features: features)
                    large.histogram = parentSlot
                } else {
                    free.append(parentSlot)
                }
                if splitSmall { small.best = bestSplit(slot: slot, leaf: small, features: features) }
                if splitLarge { large.best = bestSplit(slot: parentSlot, leaf: large, features: features) }
            } else if let parentSlot = parent.histogram {
                free.append(parentSlot)
            }
            // A leaf that will not be split gives its buffer back.
            for leaf in [small, large] where leaf.best == nil {
                if let slot = leaf.histogram { free.append(slot) }
            }
            small.histogram = small.best == nil ? nil : small.histogram
            large.histogram = large.best == nil ? nil : large.histogram
            left = leftIsSmaller ? small : large
            right = leftIsSmaller ? large : small
            leaves[index] = left
            leaves.insert(right, at: index + 1)
        }
        return (tree, leaves)
    }

    private func canSplit(_ leaf: Leaf, leavesAfter: Int) -> Bool {
        let p = parameters
        return leavesAfter < p.maxLeaves && leaf.count >= 2 * p.minDataInLeaf
            && leaf.hessian >= 2 * p.minSumHessianInLeaf && (p.maxDepth == 0 || leaf.depth < p.maxDepth)
    }

    private mutating func buildHistogram(
        slot: Int, begin: Int, count: Int, allRows: Bool, gradHess: UnsafePointer<Double>, features: [Int]
    ) {
        let data = self.data
        let threads = self.threads
        let bins = data.bins
        rowIndex.withUnsafeBufferPointer { idx in
            ordered.withUnsafeMutableBufferPointer { ord in
                if !allRows {
                    // Gather the segment's gradients into row-list order (LightGBM's ordered gradients).
                    let base = idx.baseAddress! + begin
                    for k in 0..<count {
                        let r = Int(base[k])
                        ord[2 * k] = gradHess[2 * r]
                        ord[2 * k + 1] = gradHess[2 * r + 1]
                    }
                }
                pool[slot].withUnsafeMutableBufferPointer { hist in
                    bins.withUnsafeBufferPointer { b in
                        Histogram.build(
                            into: hist.baseAddress!, data: data, bins: b.baseAddress!, features: features,
                            rows: allRows ? nil : idx.baseAddress! + begin, count: count,
                            gradHess: allRows ? gradHess : UnsafePointer(ord.baseAddress!), threads: threads)
                    }
                }
            }
        }
    }

    private mutating func subtract(_ child: Int, from parent: Int, features: [Int]) {
        let data = self.data
        let childHist = pool[child]
        childHist.withUnsafeBufferPointer { c in
            pool[parent].withUnsafeMutableBufferPointer { p in
                Histogram.subtract(c.baseAddress!, from: p.baseAddress!, data: data, features: features)
            }
        }
    }

    private func bestSplit(slot: Int, leaf: Leaf, features: [Int]) -> SplitCandidate? {
        pool[slot].withUnsafeBufferPointer { hist in
            finder.best(
                hist: hist.baseAddress!, features: features, sumGradient: leaf.gradient, sumHessian: leaf.hessian,
                count: leaf.count)
        }
    }

    /// Stable partition of the leaf's segment: rows going left first. Returns the left count.
    private mutating func partition(_ leaf: Leaf, _ split: SplitCandidate) -> Int {
        var goesLeft = [Bool](repeating: false, count: 256)
        if split.isCategorical {
            for b in split.leftBins { goesLeft[b] = true }
        } else {
            goesLeft[0] = split.defaultLeft
            for b in 1...split.threshold { goesLeft[b] = true }
        }
        let column = split.feature * data.rowCount
        var written = leaf.begin
        var aside = 0
        data.bins.withUnsafeBufferPointer { bins in
            rowIndex.withUnsafeMutableBufferPointer { idx in
                scratch.withUnsafeMutableBufferPointer { tmp in
                    for k in leaf.begin..<leaf.end {
                        let r = idx[k]
                        if goesLeft[Int(bins[column + Int(r)])] {
                            idx[written] = r
                            written += 1
                        } else {
                            tmp[aside] = r
                            aside += 1
                        }
                    }
                    for k in 0..<aside { idx[written + k] = tmp[k] }
                }
            }
        }
        return written - leaf.begin
    }

    /// Turns leaf node `node` into the split `split`, in raw units.
    private func record(_ split: SplitCandidate, at node: Int, in tree: inout RegressionTree, leftNode: Int) {
        let fb = binner.bins[split.feature]
        tree.childrenLeft[node] = leftNode
        tree.childrenRight[node] = leftNode + 1
        tree.feature[node] = split.feature
        tree.gain[node] = split.gain
        tree.defaultLeft[node] = split.defaultLeft
        if split.isCategorical {
            tree.threshold[node] = 0
            tree.categoriesLeft[node] = split.leftBins.map { fb.binLevels[$0] }.sorted()
        } else {
            tree.threshold[node] = fb.upperBounds[split.threshold - 1]
        }
    }

    private func appendLeaf(_ tree: inout RegressionTree, output: Double, cover: Double, count: Int) {
        tree.childrenLeft.append(-1)
        tree.childrenRight.append(-1)
        tree.feature.append(-1)
        tree.threshold.append(0)
        tree.defaultLeft.append(false)
        tree.value.append(output * parameters.learningRate)
        tree.cover.append(cover)
        tree.count.append(count)
        tree.gain.append(0)
        tree.categoriesLeft.append([])
    }
}

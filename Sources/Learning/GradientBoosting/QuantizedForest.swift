import Synchronization

/// A forest re-coded for fast batch prediction: each feature value becomes a byte, and each
/// tree's leaf is found by and-ing a few precomputed leaf masks instead of walking the tree.
///
/// Each feature's values are coded to a byte first. A numeric feature with sorted distinct
/// thresholds t₁ < … < tₘ (those its splits use, m ≤ 254) codes a value x as 1 + #{tᵢ < x}, so
/// `x <= tⱼ` exactly when the code is in 1…j; a categorical feature codes level L (an integer
/// 0…253) as L + 1 and any other number as 255, which no split sends left; a missing value codes
/// as 0. Every split is then "the code is in this set": 1…j for a numeric split, L + 1 for each
/// left level of a categorical one, and 0 when missing values go left.
///
/// Then the leaves are found the way QuickScorer does (Lucchese et al., SIGIR 2015): number a
/// tree's leaves left to right; a split that sends a row right rules out the leaves of its left
/// subtree; and the row's leaf is the leftmost leaf no split on its features ruled out. With byte
/// codes the rule-outs of all of a tree's splits on one feature depend only on that feature's code,
/// so they are precomputed: a table per (tree, feature used) of one 64-bit leaf mask per code.
/// A row's leaf in a tree is then the lowest set bit of the AND of one table entry per feature the
/// tree uses: independent loads, no branches on the data, no walk (Waybill writes this by hand
/// because no Swift library predicts LightGBM-style trees).
///
/// Scores equal the plain walk's bit for bit: each row's leaf values are added in tree order.
/// A forest that cannot be coded this way (a feature with more than 254 thresholds, a
/// categorical split on a level above 253, a feature split both ways, or a tree of more than 64
/// leaves) is refused (`nil`), and the caller walks the plain trees instead.
struct QuantizedForest: Sendable {
    /// How one used feature's values become codes.
    enum Coding: Sendable, Equatable {
        /// Sorted distinct split thresholds, padded with +∞ to a power of two for a branch-free search.
        case numeric(thresholds: [Double], count: Int)
        case categorical
    }

    /// The matrix columns the splits use, and how each is coded; `featureColumn` indexes these.
    let columns: [Int]
    let codings: [Coding]
    /// Per tree, its (feature, table) pairs are `pairStart[t]..<pairStart[t + 1]`.
    let pairStart: [Int]
    /// Per pair: the coded feature (an index into `columns`) and where its masks start in `masks`.
    let featureColumn: [Int32]
    let tableStart: [Int32]
    /// The leaf masks: for a pair, one per code, bit k set when leaf k is still possible.
    let masks: [UInt64]
    /// Per tree, its leaves' values (left to right) start at `leafStart[t]` in `leafValues`.
    let leafStart: [Int]
    let leafValues: [Double]
    /// Per leaf (as in `leafValues`), its path from the root: the splits' matrix columns and the
    /// change in node value at each step, `pathStart[leaf]..<pathStart[leaf + 1]`.
    let pathStart: [Int]
    let pathFeature: [Int32]
    let pathDelta: [Double]

    /// Codes `trees` over `featureCount` matrix columns, or nil when a split does not fit a byte.
    ///
    /// - Complexity: O(nodes × (log nodes + codes)).
    init?(_ trees: [RegressionTree], featureCount: Int) {
        // Which features are split numerically, which categorically, and on what.
        var numericThresholds = [[Double]](repeating: [], count: featureCount)
        var usedNumeric = [Bool](repeating: false, count: featureCount)
        var usedCategorical = [Bool](repeating: false, count: featureCount)
        for tree in trees {
            for i in 0..<tree.nodeCount where !tree.isLeaf(i) {
                let f = tree.feature[i]
                guard f >= 0 && f < featureCount else { return nil }
                if tree.categoriesLeft[i].isEmpty {
                    usedNumeric[f] = true
                    numericThresholds[f].append(RegressionTree.comparableThreshold(tree.threshold[i]))
                } else {
                    guard tree.categoriesLeft[i].allSatisfy({ $0 >= 0 && $0 <= 253 }) else { return nil }
                    usedCategorical[f] = true
                }
            }
        }
        var columns: [Int] = []
        var codings: [Coding] = []
        var codedIndex = [Int](repeating: -1, count: featureCount)
        for f in 0..<featureCount where usedNumeric[f] || usedCategorical[f] {
            if usedNumeric[f] && usedCategorical[f] { return nil }
            codedIndex[f] = columns.count
            columns.append(f)
            if usedNumeric[f] {
                let sorted = Array(Set(numericThresholds[f])).sorted()
                guard sorted.count <= 254, sorted.allSatisfy({ !$0.isNaN }) else { return nil }
                var padded = sorted
                var size = 1
                while size < sorted.count { size *= 2 }
                padded += [Double](repeating: .infinity, count: size - sorted.count)
                codings.append(.numeric(thresholds: padded, count: sorted.count))
            } else {
                codings.append(.categorical)
            }
        }
        // Per tree: number the leaves left to right, then build one mask table per feature used.
        var pairStart = [0]
        var featureColumn: [Int32] = []
        var tableStart: [Int32] = []
        var masks: [UInt64] = []
        var leafStart: [Int] = []
        var leafValues: [Double] = []
        var pathStart = [0]
        var pathFeature: [Int32] = []
        var pathDelta: [Double] = []
        for tree in trees {
            guard tree.leafCount <= 64 else { return nil }
            // Leaf numbers, and each node's leaves as a range, by an in-order walk.
            var firstLeaf = [Int](repeating: 0, count: tree.nodeCount)
            var endLeaf = [Int](repeating: 0, count: tree.nodeCount)
            var leaves: [Double] = []
            var path: [(feature: Int32, delta: Double)] = []
            func number(_ i: Int) {
                firstLeaf[i] = leaves.count
                if tree.isLeaf(i) {
                    leaves.append(tree.value[i])
                    for step in path {
                        pathFeature.append(step.feature)
                        pathDelta.append(step.delta)
                    }
                    pathStart.append(pathFeature.count)
                } else {
                    for child in [tree.childrenLeft[i], tree.childrenRight[i]] {
                        path.append((Int32(tree.feature[i]), tree.value[child] - tree.value[i]))
                        number(child)
                        path.removeLast()
                    }
                }
                endLeaf[i] = leaves.count
            }
            number(0)
            leafStart.append(leafValues.count)
            leafValues += leaves
            // The inner nodes by coded feature, in feature order.
            var byFeature: [Int: [Int]] = [:]
            for i in 0..<tree.nodeCount where !tree.isLeaf(i) {
                byFeature[codedIndex[tree.feature[i]], default: []].append(i)
            }
            for f in byFeature.keys.sorted() {
                let codes: Int
                switch codings[f] {
                case .numeric(_, let count): codes = count + 2
                case .categorical: codes = 256
                }
                featureColumn.append(Int32(f))
                tableStart.append(Int32(masks.count))
                var table = [UInt64](repeating: ~0, count: codes)
                for i in byFeature[f]! {
                    let left = tree.childrenLeft[i]
                    // Going right rules out the left subtree's leaves.
                    let width = endLeaf[left] - firstLeaf[left]
                    let ruledOut = (width == 64 ? ~0 : (UInt64(1) << UInt64(width)) - 1) << UInt64(firstLeaf[left])
                    var goesLeft = [Bool](repeating: false, count: codes)
                    if tree.defaultLeft[i] { goesLeft[0] = true }
                    switch codings[f] {
                    case .numeric(let thresholds, let count):
                        // x <= t_j  ⇔  code in 1...j, j the 1-based rank of the threshold.
                        let j =
                            thresholds[0..<count].firstIndex(of: RegressionTree.comparableThreshold(tree.threshold[i]))!
                            + 1
                        for code in 1...j { goesLeft[code] = true }
                    case .categorical:
                        for level in tree.categoriesLeft[i] { goesLeft[level + 1] = true }
                    }
                    for code in 0..<codes where !goesLeft[code] { table[code] &= ~ruledOut }
                }
                masks += table
            }
            pairStart.append(featureColumn.count)
        }
        guard masks.count < Int(Int32.max) else { return nil }
        self.columns = columns
        self.codings = codings
        self.pairStart = pairStart
        self.featureColumn = featureColumn
        self.tableStart = tableStart
        self.masks = masks
        self.leafStart = leafStart
        self.leafValues = leafValues
        self.pathStart = pathStart
        self.pathFeature = pathFeature
        self.pathDelta = pathDelta
    }

    /// The byte code of `x` for a categorical feature: level L (an integer 0…253) as L + 1,
    /// missing as 0, any other number as 255. (Numeric features are coded in `codeRows`.)
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func categoricalCode(_ x: Double) -> UInt8 {
        if x.isNaN { return 0 }
        guard x >= 0 && x <= 253, let level = Int(exactly: x) else { return 255 }
        return UInt8(level + 1)
    }

    /// Adds the trees' values to `scores[row × stride]` for every row of `matrix`.
    ///
    /// Each row's sum is made by one thread in tree order, so the result does not depend on the
    /// thread count.
    ///
    /// - Complexity: O(rows × (used features × log thresholds + Σ over trees of features used) / threads).
    func add(matrix: FeatureMatrix, into scores: UnsafeMutablePointer<Double>, stride: Int, threads: Int) {
        let out = UnsafeSendable(scores)
        leafValues.withUnsafeBufferPointer { leafBuffer in
            let value = leafBuffer.baseAddress!
            forEachBlock(matrix, threads: threads, scratch: 0) { lo, rows, codes, _ in
                visitLeaves(codes: codes, rows: rows) { r, leaf in out.pointer[(lo + r) * stride] += value[leaf] }
            }
        }
    }

    /// Adds each row's Saabas attributions to `contributions` (row-major, `rowCount × columns`):
    /// along the row's path in every tree, each split's change in node value is credited to the
    /// split's feature, in tree order and root to leaf, as the plain walk adds them.
    ///
    /// - Complexity: O(rows × (used features × log thresholds + Σ over trees of (features used +
    ///   depth)) / threads).
    func addPathContributions(
        matrix: FeatureMatrix, into contributions: UnsafeMutablePointer<Double>, threads: Int
    ) {
        let out = UnsafeSendable(contributions)
        let p = matrix.columnCount
        forEachBlock(matrix, threads: threads, scratch: 0) { lo, rows, codes, _ in
            addPaths(codes: codes, rows: rows, into: out.pointer + lo * p, rowStride: p, columnStride: 1, scores: nil)
        }
    }

    /// Adds the trees' values to `scores[row]` and hands `body` each block's Saabas attributions,
    /// in one pass over the forest: the leaf a row reaches in a tree gives both its value and its
    /// path. The attributions of rows `lo..<lo + rows` are column-major (column j's at `j × rows`)
    /// in a buffer of the worker's, valid during the call, so the rows × columns matrix is never
    /// held at once; column-major, because a tree's paths write the few columns it uses.
    ///
    /// Scores equal `add`'s and attributions `addPathContributions`'s bit for bit (the same
    /// additions in the same order). `body` runs on the worker threads, each call on its own rows.
    ///
    /// - Complexity: that of `addPathContributions`, plus the bodies.
    func addWithPathContributions(
        matrix: FeatureMatrix, scores: UnsafeMutablePointer<Double>, threads: Int,
        _ body: (_ lo: Int, _ rows: Int, _ contributions: UnsafeMutablePointer<Double>) -> Void
    ) {
        let out = UnsafeSendable(scores)
        let p = matrix.columnCount
        forEachBlock(matrix, threads: threads, scratch: Self.block * p) { lo, rows, codes, buffer in
            buffer.update(repeating: 0, count: rows * p)
            addPaths(codes: codes, rows: rows, into: buffer, rowStride: 1, columnStride: rows, scores: out.pointer + lo)
            body(lo, rows, buffer)
        }
    }

    /// For each of a block's coded rows and each tree: adds the leaf's value to `scores[r]` (when
    /// given) and each change on its path to `target[r × rowStride + column × columnStride]`.
    ///
    /// - Complexity: O(rows × Σ over trees of (features used + depth)).
    @inline(__always)
    private func addPaths(
        codes: UnsafePointer<UInt8>, rows: Int, into target: UnsafeMutablePointer<Double>, rowStride: Int,
        columnStride: Int, scores: UnsafeMutablePointer<Double>?
    ) {
        leafValues.withUnsafeBufferPointer { valueBuffer in
            pathStart.withUnsafeBufferPointer { startBuffer in
                pathFeature.withUnsafeBufferPointer { featureBuffer in
                    pathDelta.withUnsafeBufferPointer { deltaBuffer in
                        let value = valueBuffer.baseAddress!
                        let start = startBuffer.baseAddress!
                        let feature = featureBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                        let delta = deltaBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                        visitLeafGroups(codes: codes, rows: rows) { leaf, members in
                            if let scores { for r in members { scores[Int(r)] += value[leaf] } }
                            // Four, then two steps of the path per pass over the rows: each
                            // row's index is loaded once for them. A (row, column) still gets its
                            // changes in path order, so the sums are the one-step loop's bit for bit.
                            var k = start[leaf]
                            let end = start[leaf + 1]
                            while k + 3 < end {
                                let c0 = target + Int(feature[k]) * columnStride
                                let c1 = target + Int(feature[k + 1]) * columnStride
                                let c2 = target + Int(feature[k + 2]) * columnStride
                                let c3 = target + Int(feature[k + 3]) * columnStride
                                let (d0, d1, d2, d3) = (delta[k], delta[k + 1], delta[k + 2], delta[k + 3])
                                for r in members {
                                    let at = Int(r) * rowStride
                                    c0[at] += d0
                                    c1[at] += d1
                                    c2[at] += d2
                                    c3[at] += d3
                                }
                                k += 4
                            }
                            if k + 1 < end {
                                let first = target + Int(feature[k]) * columnStride
                                let second = target + Int(feature[k + 1]) * columnStride
                                let (change1, change2) = (delta[k], delta[k + 1])
                                for r in members {
                                    let at = Int(r) * rowStride
                                    first[at] += change1
                                    second[at] += change2
                                }
                                k += 2
                            }
                            if k < end {
                                let column = target + Int(feature[k]) * columnStride
                                let change = delta[k]
                                for r in members { column[Int(r) * rowStride] += change }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The rows of a block are coded to bytes this many at a time.
    static let block = 1024

    /// Calls `body(lo, rows, codes, scratch)` for each block of `block` rows starting at row `lo`,
    /// with the block's rows coded (column-major bytes: coded feature k's codes start at
    /// `k × block`, so a pass over the rows reads a few short runs, not every row's bytes) and the
    /// worker's `scratch` doubles (uninitialised). Blocks are taken by `threads` workers in turn,
    /// each block by one worker.
    ///
    /// - Complexity: O(rows × used features × log thresholds / threads), plus the bodies.
    private func forEachBlock(
        _ matrix: FeatureMatrix, threads: Int, scratch: Int,
        _ body: (Int, Int, UnsafePointer<UInt8>, UnsafeMutablePointer<Double>) -> Void
    ) {
        let total = matrix.rowCount
        guard total > 0, !leafStart.isEmpty else { return }
        let block = Self.block
        let blocks = (total + block - 1) / block
        let width = max(columns.count, 1)
        matrix.values.withUnsafeBufferPointer { v in
            let values = v.baseAddress!
            let workers = max(1, min(threads, blocks))
            // Each worker takes the next block not yet taken, so a worker slowed by other work on
            // the machine leaves more blocks to the others.
            let next = Atomic<Int>(0)
            parallelFor(workers) { _ in
                let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: block * width)
                let buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(scratch, 1))
                defer {
                    codes.deallocate()
                    buffer.deallocate()
                }
                while true {
                    let b = next.add(1, ordering: .relaxed).oldValue
                    guard b < blocks else { break }
                    let lo = b * block
                    let hi = min(total, lo + block)
                    codeRows(values, n: total, lo: lo, hi: hi, into: codes)
                    body(lo, hi - lo, codes, buffer)
                }
            }
        }
    }

    /// Calls `visit(r, leaf)` for each of the block's `rows` coded rows and each tree, trees in
    /// order, taking one tree at a time over the block so its tables stay in cache; `leaf` is an
    /// index into `leafValues`.
    ///
    /// - Complexity: O(rows × Σ over trees of features used).
    @inline(__always)
    private func visitLeaves(codes: UnsafePointer<UInt8>, rows: Int, _ visit: (Int, Int) -> Void) {
        forEachTree(codes: codes, rows: rows) { t, possible in
            let firstLeaf = leafStart[t]
            for r in 0..<rows { visit(r, firstLeaf + possible[r].trailingZeroBitCount) }
        }
    }

    /// Calls `visit(leaf, members)` for each tree, trees in order, and each of its leaves that
    /// some of the block's `rows` coded rows reach, `members` being those rows: the rows are
    /// counting-sorted by leaf, so work per leaf (its path, its value) runs as a loop over rows
    /// that share it, without a branch per row on the path's length.
    ///
    /// Neighbouring rows often share a leaf, so the counts and cursors are kept four times over
    /// (row r in copy r mod 4) and the increments do not wait on each other; a leaf's members are
    /// its rows ≡ 0 (mod 4) ascending, then ≡ 1, and so on.
    ///
    /// - Complexity: O(rows × Σ over trees of features used + trees × leaves).
    @inline(__always)
    private func visitLeafGroups(
        codes: UnsafePointer<UInt8>, rows: Int, _ visit: (Int, UnsafeBufferPointer<UInt16>) -> Void
    ) {
        let copies = 4
        let slots = 65  // leaves ≤ 64
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 2 * max(rows, 1) + copies * slots) { scratch in
            let scratch = scratch.baseAddress!
            forEachTree(codes: codes, rows: rows) { t, possible in
                // Locals, so the loops keep them in registers.
                let leafOf = scratch
                let members = scratch + rows
                let cursor = members + rows  // copy k's count, then cursor, of leaf l at k × slots + l
                let firstLeaf = leafStart[t]
                let leaves = (t + 1 < leafStart.count ? leafStart[t + 1] : leafValues.count) - firstLeaf
                cursor.update(repeating: 0, count: copies * slots)
                for r in 0..<rows {
                    let leaf = UInt16(truncatingIfNeeded: possible[r].trailingZeroBitCount)
                    leafOf[r] = leaf
                    cursor[(r & 3) &* slots &+ Int(leaf)] &+= 1
                }
                // Counts to starts: leaf by leaf, copy by copy within a leaf.
                var next: UInt16 = 0
                for l in 0..<leaves {
                    for k in 0..<copies {
                        let count = cursor[k &* slots &+ l]
                        cursor[k &* slots &+ l] = next
                        next &+= count
                    }
                }
                for r in 0..<rows {
                    let slot = (r & 3) &* slots &+ Int(leafOf[r])
                    members[Int(cursor[slot])] = UInt16(truncatingIfNeeded: r)
                    cursor[slot] &+= 1
                }
                // Copy 3's cursor of leaf l is now the leaf's end; it starts where leaf l − 1 ends.
                var begin = 0
                for l in 0..<leaves {
                    let end = Int(cursor[3 &* slots &+ l])
                    if end > begin {
                        visit(firstLeaf + l, UnsafeBufferPointer(start: members + begin, count: end - begin))
                    }
                    begin = end
                }
            }
        }
    }

    /// Calls `body(t, possible)` for each tree `t`, in order, with `possible[r]` the leaf mask of
    /// each of the block's `rows` coded rows: its lowest set bit is the row's leaf in the tree.
    ///
    /// A tree's (feature, table) pairs are taken four at a time over all the block's rows, the
    /// four table pointers and code offsets held in registers, and each row's running mask kept
    /// in a scratch array: two loads per pair and row instead of five.
    ///
    /// - Complexity: O(rows × Σ over trees of features used).
    @inline(__always)
    private func forEachTree(codes: UnsafePointer<UInt8>, rows: Int, _ body: (Int, UnsafePointer<UInt64>) -> Void) {
        let block = Self.block
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(rows, 1)) { scratch in
            let possible = scratch.baseAddress!
            featureColumn.withUnsafeBufferPointer { featureBuffer in
                tableStart.withUnsafeBufferPointer { startBuffer in
                    masks.withUnsafeBufferPointer { maskBuffer in
                        let feature = featureBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                        let start = startBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                        let mask = maskBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                        for t in leafStart.indices {
                            var k = pairStart[t]
                            let end = pairStart[t + 1]
                            if k == end { possible.update(repeating: .max, count: rows) }
                            var first = true
                            while k < end {
                                let n = min(4, end - k)
                                // Unused slots repeat the group's first pair (and-ing a mask twice
                                // changes nothing).
                                let f0 = Int(feature[k])
                                let m0 = mask + Int(start[k])
                                let f1 = n > 1 ? Int(feature[k + 1]) : f0
                                let m1 = n > 1 ? mask + Int(start[k + 1]) : m0
                                let f2 = n > 2 ? Int(feature[k + 2]) : f0
                                let m2 = n > 2 ? mask + Int(start[k + 2]) : m0
                                let f3 = n > 3 ? Int(feature[k + 3]) : f0
                                let m3 = n > 3 ? mask + Int(start[k + 3]) : m0
                                let c0 = codes + f0 * block
                                let c1 = codes + f1 * block
                                let c2 = codes + f2 * block
                                let c3 = codes + f3 * block
                                if first {
                                    for r in 0..<rows {
                                        possible[r] =
                                            m0[Int(c0[r])] & m1[Int(c1[r])] & m2[Int(c2[r])] & m3[Int(c3[r])]
                                    }
                                } else {
                                    for r in 0..<rows {
                                        possible[r] &=
                                            m0[Int(c0[r])] & m1[Int(c1[r])] & m2[Int(c2[r])] & m3[Int(c3[r])]
                                    }
                                }
                                first = false
                                k += n
                            }
                            body(t, possible)
                        }
                    }
                }
            }
        }
    }

    /// Codes rows `lo..<hi` of the column-major `values` into column-major bytes (coded feature k
    /// at `k × block`), as the type's comment defines the codes: a numeric value x as
    /// 1 + #{thresholds < x} (0 when missing), a categorical one by `categoricalCode`.
    ///
    /// A numeric feature's binary searches run breadth-first: each halving step over all the
    /// rows, then the next. The steps are the same for every row (the thresholds are padded to a
    /// power of two), so the rows' loads are independent and overlap, where one search at a
    /// time waits on each of its log₂(thresholds) loads in turn.
    ///
    /// - Complexity: O((hi − lo) × used features × log thresholds).
    private func codeRows(
        _ values: UnsafePointer<Double>, n: Int, lo: Int, hi: Int, into codes: UnsafeMutablePointer<UInt8>
    ) {
        let rows = hi - lo
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(rows, 1)) { scratch in
            let base = scratch.baseAddress!
            for (k, column) in columns.enumerated() {
                let source = values + column * n + lo
                let out = codes + k * Self.block
                switch codings[k] {
                case .numeric(let thresholds, let count):
                    thresholds.withUnsafeBufferPointer { t in
                        let t = t.baseAddress!
                        // The lower bound: the number of thresholds below x.
                        base.update(repeating: 0, count: rows)
                        var length = thresholds.count
                        while length > 1 {
                            let half = length >> 1
                            for r in 0..<rows {
                                let b = Int(base[r])
                                base[r] = Int32(truncatingIfNeeded: t[b + half - 1] < source[r] ? b + half : b)
                            }
                            length -= half
                        }
                        for r in 0..<rows {
                            let x = source[r]
                            let b = Int(base[r])
                            let below = b + (t[b] < x ? 1 : 0)
                            out[r] = x.isNaN ? 0 : UInt8(1 + min(below, count))
                        }
                    }
                case .categorical:
                    for r in 0..<rows { out[r] = Self.categoricalCode(source[r]) }
                }
            }
        }
    }
}

/// A raw pointer the row blocks write through; each block writes only its own rows.
private struct UnsafeSendable: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }
}

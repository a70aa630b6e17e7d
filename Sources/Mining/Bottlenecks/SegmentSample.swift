import _WaybillSupport

/// One item's waits sorted by duration, with every wait's level in each dimension, and the
/// count and rank sum of every one- and two-dimension cell: what the segment search tests and
/// measures.
///
/// A *table* is one dimension (its cells are its levels) or a pair of dimensions (its cells are
/// pairs of levels); each dimension has one extra level for waits that lack it. The waits are
/// sorted once; then one pass per table over the sorted waits adds each wait's midrank to its
/// cell, which gives every cell's Mann–Whitney rank sum against the rest of the item at once.
/// The same pass records each cell's running count at every block of `blockSize` positions, so
/// the k-th smallest wait of any cell, of a union of cells of one table, or of its complement
/// (the rest) is found by a binary search over the blocks and a scan of one block: medians and
/// 90th percentiles of segments and rests without gathering them.
struct SegmentSample: Sendable {
    /// A table of cells: one dimension or a pair.
    struct Table: Sendable {
        /// The dimensions (indices into the dimension list), one or two, ascending.
        var dimensions: [Int]
        /// Levels + 1 of each dimension (the last code is "missing").
        var widths: [Int]
        /// The table's first cell in the flat cell arrays.
        var base: Int
        /// widths multiplied.
        var cellCount: Int

        /// The level codes of a cell, one per dimension.
        func levels(ofCell cell: Int) -> [Int] {
            widths.count == 1 ? [cell] : [cell / widths[1], cell % widths[1]]
        }
        /// True when one of the cell's levels is the "missing" code.
        func hasMissingLevel(_ cell: Int) -> Bool {
            zip(levels(ofCell: cell), widths).contains { $0 == $1 - 1 }
        }
    }

    /// The number of waits.
    let count: Int
    /// The waits in microseconds, ascending.
    private(set) var values: [Int64] = []
    /// Per position: the wait's case.
    private(set) var cases: [Int32] = []
    /// Per dimension, per position: the wait's level code.
    private(set) var codes: [[Int8]] = []
    /// The tables: every dimension alone, then (with pairs) every pair of dimensions.
    private(set) var tables: [Table] = []
    /// Per cell (flat over all tables): waits in it, and twice the sum of their midranks.
    private(set) var counts: [Int32] = []
    private(set) var doubledRankSums: [Int64] = []
    /// Σ(t³ − t) over the tie groups of the item's waits (the Mann–Whitney tie correction).
    private(set) var tieTerm = 0.0
    /// Positions per block of the running counts.
    let blockSize: Int
    /// Per block b, per cell: waits of the cell among positions `0 ..< b × blockSize`.
    private var checkpoints: [Int32] = []
    private var cellTotal = 0

    /// Sorts an item's waits and fills the cells of every table.
    ///
    /// - Parameters:
    ///   - rows: the item's pairs (rows of `occurrences`).
    ///   - pairs: whether to build the two-dimension tables too.
    /// - Complexity: O(*n* × *r* + *n* × *T*) time for *n* waits, *r* radix passes
    ///   (`RadixSort`) and *T* tables (*D* + *D*(*D* − 1)/2 for *D* dimensions),
    ///   O(*n* × *D* + *C* × *n* / `blockSize`) memory
    ///   for *C* cells.
    init(
        rows: some Collection<Int32>, occurrences: WaitOccurrences, dimensions: [SegmentDimensions.Dimension],
        pairs: Bool
    ) {
        let n = rows.count
        count = n
        // About 256 blocks whatever the size, so a quantile costs O(256 + n/256) and the running
        // counts stay a few megabytes.
        blockSize = max(1_024, (n + 255) / 256)
        // The item's columns are gathered from the log-wide ones in row order (ascending, so
        // the reads go forward through memory); the sort then carries each wait's index into
        // these small local copies, whose random reads stay in cache.
        values = rows.map { occurrences.gap[Int($0)] }
        let localCases = rows.map { occurrences.caseIndex[Int($0)] }
        let localTimeOfWeek = rows.map { occurrences.timeOfWeek[Int($0)] }
        var order = (0..<Int32(n)).map { $0 }
        RadixSort.sort(&values, carrying: &order)
        cases = order.map { localCases[Int($0)] }
        codes = dimensions.map { d in
            // One switch per dimension, not per wait.
            switch d.source {
            case .caseLevels(let perCase): return cases.map { perCase[Int($0)] }
            case .weekday: return order.map { Int8(localTimeOfWeek[Int($0)] / 24) }
            case .hourOfDay: return order.map { Int8(localTimeOfWeek[Int($0)] % 24) }
            }
        }
        order = []

        // Midranks: the tie group at positions i ..< j shares rank (i + 1 + j) / 2.
        var doubledRanks = [Int64](repeating: 0, count: n)
        var i = 0
        while i < n {
            var j = i + 1
            while j < n && values[j] == values[i] { j += 1 }
            for k in i..<j { doubledRanks[k] = Int64(i + 1 + j) }
            let t = Double(j - i)
            tieTerm += t * t * t - t
            i = j
        }

        var base = 0
        func add(_ dims: [Int]) {
            let widths = dims.map { dimensions[$0].levels.count + 1 }
            let cells = widths.reduce(1, *)
            tables.append(Table(dimensions: dims, widths: widths, base: base, cellCount: cells))
            base += cells
        }
        for d in dimensions.indices { add([d]) }
        if pairs {
            for a in dimensions.indices {
                for b in dimensions.indices where b > a { add([a, b]) }
            }
        }
        cellTotal = base
        let blocks = max(1, (n + blockSize - 1) / blockSize)
        checkpoints = [Int32](repeating: 0, count: blocks * cellTotal)
        // Each cell's count and rank sum side by side while filling: one cache line per wait.
        var stats = [Int64](repeating: 0, count: 2 * cellTotal)
        for table in tables { fill(table, doubledRanks: doubledRanks, stats: &stats) }
        counts = (0..<cellTotal).map { Int32(truncatingIfNeeded: stats[2 * $0]) }
        doubledRankSums = (0..<cellTotal).map { stats[2 * $0 + 1] }
    }

    /// One pass over the sorted waits for one table: counts, rank sums and the running counts.
    ///
    /// - Complexity: O(*n* + cells × blocks).
    private mutating func fill(_ table: Table, doubledRanks: [Int64], stats: inout [Int64]) {
        let n = count
        let block = blockSize
        let base = table.base
        let cells = table.cellCount
        let total = cellTotal
        let first = codes[table.dimensions[0]]
        let second = table.dimensions.count == 2 ? codes[table.dimensions[1]] : first
        let width = table.dimensions.count == 2 ? table.widths[1] : 0
        let single = table.dimensions.count == 1
        stats.withUnsafeMutableBufferPointer { stats in
            checkpoints.withUnsafeMutableBufferPointer { marks in
                first.withUnsafeBufferPointer { c1 in
                    second.withUnsafeBufferPointer { c2 in
                        doubledRanks.withUnsafeBufferPointer { ranks in
                            var start = 0
                            var b = 0
                            while start < n {
                                for cell in 0..<cells {
                                    marks[b * total + base + cell] = Int32(truncatingIfNeeded: stats[2 * (base + cell)])
                                }
                                let end = min(n, start + block)
                                // Wrapping arithmetic: the cell is in range by construction, and
                                // overflow checks cost a third of these loops.
                                if single {
                                    for p in start..<end {
                                        let slot = (base &+ Int(c1[p])) &<< 1
                                        stats[slot] &+= 1
                                        stats[slot &+ 1] &+= ranks[p]
                                    }
                                } else {
                                    for p in start..<end {
                                        let slot = (base &+ Int(c1[p]) &* width &+ Int(c2[p])) &<< 1
                                        stats[slot] &+= 1
                                        stats[slot &+ 1] &+= ranks[p]
                                    }
                                }
                                start = end
                                b += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// A set of cells of one table: a segment (one cell, or several merged along one dimension).
    struct CellSet: Sendable {
        var table: Table
        /// The cells, ascending.
        var cells: [Int]
        /// Per cell of the table: whether it is in the set.
        var mask: [Bool]

        init(table: Table, cells: [Int]) {
            self.table = table
            self.cells = cells.sorted()
            mask = [Bool](repeating: false, count: table.cellCount)
            for c in cells { mask[c] = true }
        }
    }

    /// Whether the wait at `position` lies in a set of cells.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    func contains(_ position: Int, _ set: CellSet) -> Bool {
        let table = set.table
        let first = Int(codes[table.dimensions[0]][position])
        let cell =
            table.dimensions.count == 1 ? first : first * table.widths[1] + Int(codes[table.dimensions[1]][position])
        return set.mask[cell]
    }

    /// The waits in a set of cells.
    ///
    /// - Complexity: O(cells in the set).
    func count(_ set: CellSet) -> Int {
        set.cells.reduce(0) { $0 + Int(counts[set.table.base + $1]) }
    }

    /// Twice the sum of the midranks of the waits in a set of cells.
    ///
    /// - Complexity: O(cells in the set).
    func doubledRankSum(_ set: CellSet) -> Int64 {
        set.cells.reduce(0) { $0 + doubledRankSums[set.table.base + $1] }
    }

    /// The k-th smallest wait (1-based, microseconds) of a set of cells, or of everything outside
    /// it when `outside` is true.
    ///
    /// - Precondition: 1 ≤ k ≤ the size of the set (or of its complement).
    /// - Complexity: O(cells in the set × log(blocks) + `blockSize`).
    func kth(_ k: Int, _ set: CellSet, outside: Bool) -> Int64 { orderStatistics([k], set, outside: outside)[0] }

    /// Several order statistics (1-based ranks, ascending) of a set of cells or of its
    /// complement, in one scan from the block where the first one lies.
    ///
    /// - Precondition: 1 ≤ ranks[0] ≤ ... ≤ the size of the set (or of its complement).
    /// - Complexity: O(cells in the set × log(blocks) + `blockSize` + the positions between the
    ///   first and the last rank).
    func orderStatistics(_ ranks: [Int], _ set: CellSet, outside: Bool) -> [Int64] {
        precondition(!ranks.isEmpty && ranks[0] >= 1, "ranks start at 1")
        let blocks = max(1, (count + blockSize - 1) / blockSize)
        let base = set.table.base
        func before(_ b: Int) -> Int {
            var inside = 0
            for cell in set.cells { inside += Int(checkpoints[b * cellTotal + base + cell]) }
            return outside ? b * blockSize - inside : inside
        }
        // The last block that starts with fewer than ranks[0] members before it.
        var lo = 0
        var hi = blocks - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if before(mid) < ranks[0] { lo = mid } else { hi = mid - 1 }
        }
        var seen = before(lo)
        var result: [Int64] = []
        result.reserveCapacity(ranks.count)
        let table = set.table
        let paired = table.dimensions.count == 2
        let width = paired ? table.widths[1] : 0
        let first = codes[table.dimensions[0]]
        let second = paired ? codes[table.dimensions[1]] : first
        first.withUnsafeBufferPointer { c1 in
            second.withUnsafeBufferPointer { c2 in
                set.mask.withUnsafeBufferPointer { mask in
                    values.withUnsafeBufferPointer { values in
                        var p = lo * blockSize
                        while p < count && result.count < ranks.count {
                            let cell = paired ? Int(c1[p]) * width + Int(c2[p]) : Int(c1[p])
                            if mask[cell] != outside {
                                seen += 1
                                while result.count < ranks.count && ranks[result.count] == seen {
                                    result.append(values[p])
                                }
                            }
                            p += 1
                        }
                    }
                }
            }
        }
        precondition(result.count == ranks.count, "a rank exceeds the number of waits in the set")
        return result
    }

    /// The median and 90th percentile (seconds) of a set of cells or of its complement, as
    /// `DurationSummary` computes them: the mean of the two middle values for an even count, and
    /// linear interpolation (NumPy's default) for the percentile.
    ///
    /// - Precondition: the set (or complement) has `size` ≥ 1 waits.
    /// - Complexity: O(4 × `kth`).
    func quantiles(_ set: CellSet, outside: Bool, size: Int) -> (median: Double, p90: Double) {
        let ranks = Self.quantileRanks(size: size)
        let found = orderStatistics(ranks, set, outside: outside)
        let byRank = Dictionary(zip(ranks, found), uniquingKeysWith: { a, _ in a })
        return Self.quantiles(size: size) { byRank[$0]! }
    }

    /// The median (seconds) of a set of cells or of its complement, of `size` ≥ 1 waits.
    ///
    /// - Complexity: O(one `orderStatistics` scan).
    func median(_ set: CellSet, outside: Bool, size m: Int) -> Double {
        if m % 2 == 1 { return Double(kth(m / 2 + 1, set, outside: outside)) / 1e6 }
        let pair = orderStatistics([m / 2, m / 2 + 1], set, outside: outside)
        return (Double(pair[0]) + Double(pair[1])) / 2e6
    }

    /// The 1-based ranks that the median and the 90th percentile of `size` values need, ascending.
    static func quantileRanks(size m: Int) -> [Int] {
        let h = 9 * (m - 1)
        let ranks =
            (m % 2 == 1 ? [m / 2 + 1] : [m / 2, m / 2 + 1]) + (h % 10 == 0 ? [h / 10 + 1] : [h / 10 + 1, h / 10 + 2])
        return Array(Set(ranks)).sorted()
    }

    /// The median and 90th percentile of `size` values given their order statistics (1-based).
    static func quantiles(size m: Int, _ kth: (Int) -> Int64) -> (median: Double, p90: Double) {
        precondition(m > 0, "quantiles need at least one value")
        let median: Double
        if m % 2 == 1 {
            median = Double(kth(m / 2 + 1)) / 1e6
        } else {
            median = (Double(kth(m / 2)) + Double(kth(m / 2 + 1))) / 2e6
        }
        let h = 9 * (m - 1)
        let lower = h / 10
        let fraction = h % 10
        let a = Double(kth(lower + 1)) / 1e6
        guard fraction != 0 else { return (median, a) }
        let b = Double(kth(lower + 2)) / 1e6
        return (median, a + (b - a) * Double(fraction) / 10)
    }

    /// Distinct cases among the waits of a set of cells, how many of them missed their SLA, and
    /// the waits' total (Σ max(gap, 0), microseconds).
    ///
    /// `stamp` is scratch space of one entry per case, all different from `generation` on entry.
    ///
    /// - Complexity: O(*n*).
    func cases(
        _ set: CellSet, missed: [Bool]?, stamp: inout [Int32], generation: Int32
    ) -> (cases: Int, missed: Int, total: Int64) {
        var distinct = 0
        var late = 0
        var total: Int64 = 0
        for p in 0..<count where contains(p, set) {
            if values[p] > 0 { total += values[p] }
            let c = Int(cases[p])
            if stamp[c] == generation { continue }
            stamp[c] = generation
            distinct += 1
            if missed?[c] == true { late += 1 }
        }
        return (distinct, late, total)
    }
}

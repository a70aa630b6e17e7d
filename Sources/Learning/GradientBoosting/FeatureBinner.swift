/// Maps each feature's raw values to at most 255 small integer bins, the tree learner's input.
///
/// Numeric features get quantile bins found on a sample of rows, as LightGBM does
/// (`bin_construct_sample_cnt`, `max_bin`): when a feature has fewer distinct values than bins,
/// every value gets its own bin, its upper bound the midpoint to the next value; otherwise bins
/// hold about equal numbers of sampled rows, cut between distinct values. Bin 0 holds the missing
/// values (NaN), bins 1...k the numbers, bin `b` holding `upperBounds[b - 2] < x <= upperBounds[b - 1]`.
/// The last upper bound is `Double.greatestFiniteMagnitude`, so a split "bins <= t go left" is the
/// raw rule `x <= upperBounds[t - 1]` and every threshold in a saved model is a finite number.
///
/// Categorical features get one bin per level seen in training, the most frequent levels first;
/// bin 0 holds the missing values, levels never seen, and levels beyond the 254 most frequent
/// (rare levels grouped). LightGBM, likewise, sends those to the right of every categorical split.
public struct FeatureBinner: Sendable, Hashable {
    /// How one feature is binned.
    public struct FeatureBins: Sendable, Hashable {
        public var kind: FeatureMatrix.Kind
        /// Numeric: the upper bound of bins 1...k, ascending; empty for a categorical feature.
        public var upperBounds: [Double]
        /// Categorical: the bin of each level index (0 = grouped with missing); empty for numeric.
        public var levelBins: [UInt8]
        /// Categorical: the level index of each bin (bin 0 has none, -1); empty for numeric.
        public var binLevels: [Int]

        /// The number of bins, the missing bin included.
        public var binCount: Int { kind == .numeric ? upperBounds.count + 1 : binLevels.count }
    }

    /// One entry per feature, in the matrix's order.
    public private(set) var bins: [FeatureBins]

    /// Finds the bins of every feature of `matrix`.
    ///
    /// - Parameters:
    ///   - maxBin: the most bins per feature, the missing bin included (3...255).
    ///   - sampleCount: numeric bin boundaries are found on this many rows, evenly spaced.
    /// - Complexity: O(columns × s log s) for a sample of s rows, plus O(rows) per categorical column.
    public init(matrix: FeatureMatrix, maxBin: Int = 255, sampleCount: Int = 200_000) {
        precondition(maxBin >= 3 && maxBin <= 255, "maxBin in 3...255")
        let n = matrix.rowCount
        let sample: [Int]
        if n <= sampleCount {
            sample = Array(0..<n)
        } else {
            sample = (0..<sampleCount).map { Int((Double($0) + 0.5) * Double(n) / Double(sampleCount)) }
        }
        bins = matrix.features.indices.map { j in
            let feature = matrix.features[j]
            if feature.kind == .categorical {
                return Self.categoricalBins(column: matrix.column(j), levels: feature.levels.count, maxBin: maxBin)
            }
            let base = j * n
            var values: [Double] = []
            values.reserveCapacity(sample.count)
            matrix.values.withUnsafeBufferPointer { v in
                for i in sample where !v[base + i].isNaN { values.append(v[base + i]) }
            }
            return FeatureBins(
                kind: .numeric, upperBounds: Self.numericUpperBounds(values, maxValueBins: maxBin - 1),
                levelBins: [], binLevels: [])
        }
    }

    /// Quantile upper bounds of `values` (non-missing), at most `maxValueBins` of them.
    ///
    /// - Complexity: O(n log n).
    static func numericUpperBounds(_ values: [Double], maxValueBins: Int) -> [Double] {
        guard !values.isEmpty else { return [.greatestFiniteMagnitude] }
        let sorted = values.sorted()
        var distinct: [Double] = []
        var counts: [Int] = []
        for v in sorted {
            if let last = distinct.last, last == v {
                counts[counts.count - 1] += 1
            } else {
                distinct.append(v)
                counts.append(1)
            }
        }
        var bounds: [Double] = []
        if distinct.count <= maxValueBins {
            for i in 0..<(distinct.count - 1) { bounds.append(Self.midpoint(distinct[i], distinct[i + 1])) }
        } else {
            // Greedy equal-frequency cuts between distinct values: close a bin once it holds its
            // share of the rows still to be placed, so a heavy value does not starve later bins.
            var remainingRows = sorted.count
            var remainingBins = maxValueBins
            var inBin = 0
            for i in 0..<(distinct.count - 1) {
                inBin += counts[i]
                let target = Double(remainingRows) / Double(remainingBins)
                let distinctLeft = distinct.count - 1 - i
                if remainingBins > 1 && (Double(inBin) >= target || distinctLeft < remainingBins) {
                    bounds.append(Self.midpoint(distinct[i], distinct[i + 1]))
                    remainingRows -= inBin
                    remainingBins -= 1
                    inBin = 0
                }
            }
        }
        bounds.append(.greatestFiniteMagnitude)
        return bounds
    }

    @inline(__always)
    private static func midpoint(_ a: Double, _ b: Double) -> Double {
        let m = a + (b - a) / 2
        // Keep a < m so that a goes left of the cut and b right, even when they are adjacent doubles.
        return m < b ? m : a
    }

    /// One bin per seen level, most frequent first (ties by level index); the rest share bin 0.
    ///
    /// - Complexity: O(rows + levels log levels).
    static func categoricalBins(column: ArraySlice<Double>, levels: Int, maxBin: Int) -> FeatureBins {
        var counts = [Int](repeating: 0, count: levels)
        for v in column where !v.isNaN {
            let level = Int(v)
            if level >= 0 && level < levels { counts[level] += 1 }
        }
        let order = (0..<levels).filter { counts[$0] > 0 }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            .prefix(maxBin - 1)
        var levelBins = [UInt8](repeating: 0, count: levels)
        var binLevels = [-1]
        for (k, level) in order.enumerated() {
            levelBins[level] = UInt8(k + 1)
            binLevels.append(level)
        }
        return FeatureBins(kind: .categorical, upperBounds: [], levelBins: levelBins, binLevels: binLevels)
    }

    /// The bin of one raw value of feature `j`.
    ///
    /// - Complexity: O(log bins).
    @inline(__always)
    func bin(_ value: Double, feature j: Int) -> UInt8 {
        let fb = bins[j]
        if value.isNaN { return 0 }
        if fb.kind == .categorical {
            let level = Int(exactly: value) ?? -1
            return level >= 0 && level < fb.levelBins.count ? fb.levelBins[level] : 0
        }
        return fb.upperBounds.withUnsafeBufferPointer { Self.search($0, value) }
    }

    @inline(__always)
    private static func search(_ bounds: UnsafeBufferPointer<Double>, _ value: Double) -> UInt8 {
        var lo = 0
        var hi = bounds.count - 1  // the last bound catches everything (even +inf)
        while lo < hi {
            let mid = (lo + hi) >> 1
            if value <= bounds[mid] { hi = mid } else { lo = mid + 1 }
        }
        return UInt8(lo + 1)
    }

    /// Bins every value of `matrix` (which must have the features the binner was made from).
    ///
    /// - Complexity: O(rows × columns × log bins), columns spread over `threads` threads.
    func binned(_ matrix: FeatureMatrix, threads: Int) -> BinnedMatrix {
        precondition(matrix.columnCount == bins.count, "the binner's features")
        let n = matrix.rowCount
        let columns = bins.count
        var out = [UInt8](repeating: 0, count: n * columns)
        out.withUnsafeMutableBufferPointer { outBuffer in
            matrix.values.withUnsafeBufferPointer { values in
                let dst = outBuffer.baseAddress!
                let src = values.baseAddress!
                let workers = max(1, min(threads, columns))
                parallelFor(workers) { w in
                    var j = w
                    while j < columns {
                        let fb = bins[j]
                        let column = src + j * n
                        let target = dst + j * n
                        if fb.kind == .numeric {
                            fb.upperBounds.withUnsafeBufferPointer { bounds in
                                for i in 0..<n {
                                    let v = column[i]
                                    target[i] = v.isNaN ? 0 : Self.search(bounds, v)
                                }
                            }
                        } else {
                            for i in 0..<n { target[i] = bin(column[i], feature: j) }
                        }
                        j += workers
                    }
                }
            }
        }
        return BinnedMatrix(rowCount: n, binCounts: bins.map(\.binCount), bins: out)
    }
}

/// A feature matrix's bins, column-major like `FeatureMatrix`: column `j` is
/// `bins[j * rowCount ..< (j + 1) * rowCount]`.
struct BinnedMatrix: Sendable {
    let rowCount: Int
    /// Bins per feature, the missing bin included.
    let binCounts: [Int]
    /// Where each feature's bins start in a histogram (in bins).
    let histogramOffsets: [Int]
    /// The bins of all features together: a histogram's length in bins.
    let totalBins: Int
    let bins: [UInt8]

    init(rowCount: Int, binCounts: [Int], bins: [UInt8]) {
        self.rowCount = rowCount
        self.binCounts = binCounts
        var offsets: [Int] = []
        var total = 0
        for c in binCounts {
            offsets.append(total)
            total += c
        }
        histogramOffsets = offsets
        totalBins = total
        self.bins = bins
    }

    var featureCount: Int { binCounts.count }
}

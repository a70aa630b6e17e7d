import Storage
import _WaybillSupport

/// The variants of a log (the distinct activity sequences of its cases) ranked by how many cases
/// follow each, with shares and the median throughput time.
///
/// - **Sequence.** A case's activities in the case view's order (completion time, ties in input
///   order), which is what `pm4py.get_variants` counts on a formatted data frame.
/// - **Ranking.** Cases descending; ties broken by the sequence, compared activity by activity on
///   the names in code-point order, a sequence before its own extensions (Python's tuple order).
/// - **Throughput.** A case's throughput time is its last completion minus its first completion
///   (PM4Py's case duration, `get_cases_description`); a variant's figure is the median over its
///   cases, the mean of the two middle values for an even count.
///
/// Cases are grouped by a 64-bit hash of their code sequence, checked element by element against
/// the variant's first case, so no sequence is ever turned into strings.
public struct VariantTable: Sendable {
    /// One variant.
    public struct Variant: Sendable, Equatable {
        /// 1-based rank.
        public var rank: Int
        /// The activity codes, in order.
        public var activities: [Int32]
        /// Cases following it.
        public var cases: Int
        /// Its cases over all cases.
        public var share: Double
        /// The shares of this variant and all ranked before it.
        public var cumulativeShare: Double
        /// Median of its cases' throughput times, in seconds.
        public var medianThroughputSeconds: Double
    }

    /// Activity names, indexed by code (the log's coding).
    public var activityNames: [String]
    /// The variants, by rank.
    public var variants: [Variant]
    /// For each case of the log, the index in `variants` of its variant.
    public var variantOfCase: [Int32]
    /// The number of cases.
    public var caseCount: Int { variantOfCase.count }

    /// Finds and ranks the variants of a columnar log.
    ///
    /// - Complexity: O(*events* + *v* log *v* · *k*) for *v* variants of length up to *k*: one
    ///   hashing pass, then the ranking sort.
    public init(log: ColumnarLog) {
        var firstCase: [Int] = []  // per variant: the case that introduced it
        var chain: [Int32] = []  // per variant: the next variant with the same hash, or -1
        var byHash: [UInt64: Int32] = [:]
        var variantOfCase = [Int32](repeating: 0, count: log.caseCount)
        var counts: [Int] = []
        func sameSequence(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            guard a.count == b.count else { return false }
            for k in 0..<a.count where log.activities[a.lowerBound + k] != log.activities[b.lowerBound + k] {
                return false
            }
            return true
        }
        for c in 0..<log.caseCount {
            let range = log.events(ofCase: c)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over the codes, then the length
            for i in range {
                hash = (hash ^ UInt64(UInt32(bitPattern: log.activities[i]))) &* 0x100_0000_01b3
            }
            hash = (hash ^ UInt64(range.count)) &* 0x100_0000_01b3
            var v = byHash[hash] ?? -1
            var last: Int32 = -1
            while v >= 0 && !sameSequence(log.events(ofCase: firstCase[Int(v)]), range) {
                last = v
                v = chain[Int(v)]
            }
            if v < 0 {
                v = Int32(firstCase.count)
                firstCase.append(c)
                chain.append(-1)
                counts.append(0)
                if last >= 0 { chain[Int(last)] = v } else { byHash[hash] = v }
            }
            variantOfCase[c] = v
            counts[Int(v)] += 1
        }

        // Throughput times gathered per variant (a counting sort), each run summarised.
        var offsets = [Int](repeating: 0, count: counts.count + 1)
        for v in counts.indices { offsets[v + 1] = offsets[v] + counts[v] }
        var slots = offsets
        var throughput = [Int64](repeating: 0, count: log.caseCount)
        for c in 0..<log.caseCount {
            let range = log.events(ofCase: c)
            let v = Int(variantOfCase[c])
            throughput[slots[v]] =
                range.isEmpty ? 0 : log.timestamps[range.upperBound - 1] - log.timestamps[range.lowerBound]
            slots[v] += 1
        }
        var medians = [Double](repeating: 0, count: counts.count)
        throughput.withUnsafeMutableBufferPointer { all in
            for v in counts.indices {
                medians[v] =
                    DurationSummary(
                        microseconds: UnsafeMutableBufferPointer(rebasing: all[offsets[v]..<offsets[v + 1]])
                    ).median
            }
        }

        let rank = ActivityNameOrder.ranks(log.activityNames)
        let sequences = firstCase.map { Array(log.activities[log.events(ofCase: $0)]) }
        let ranked = counts.indices.sorted { x, y in
            if counts[x] != counts[y] { return counts[x] > counts[y] }
            return sequences[x].lexicographicallyPrecedes(sequences[y]) { rank[Int($0)] < rank[Int($1)] }
        }
        var newIndex = [Int32](repeating: 0, count: counts.count)
        var variants: [Variant] = []
        variants.reserveCapacity(counts.count)
        var covered = 0
        let total = Double(log.caseCount)
        for (position, v) in ranked.enumerated() {
            newIndex[v] = Int32(position)
            covered += counts[v]
            variants.append(
                Variant(
                    rank: position + 1, activities: sequences[v], cases: counts[v], share: Double(counts[v]) / total,
                    cumulativeShare: Double(covered) / total, medianThroughputSeconds: medians[v]))
        }
        for c in variantOfCase.indices { variantOfCase[c] = newIndex[Int(variantOfCase[c])] }
        self.activityNames = log.activityNames
        self.variants = variants
        self.variantOfCase = variantOfCase
    }

    /// A variant's activity names.
    public func names(_ variant: Variant) -> [String] { variant.activities.map { activityNames[Int($0)] } }

    /// How many of the top variants it takes to cover at least `share` of the cases (at least one).
    ///
    /// - Complexity: O(*v*).
    public func count(covering share: Double) -> Int {
        // A relative slack, so that 0.8 of 10 cases is met by 8 despite binary rounding.
        let needed = share * Double(caseCount) * (1 - 1e-12)
        var covered = 0
        for (i, v) in variants.enumerated() {
            covered += v.cases
            if Double(covered) >= needed { return i + 1 }
        }
        return variants.count
    }
}

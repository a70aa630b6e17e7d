import Storage
import _WaybillSupport

/// Where time goes in a process: every directly-follows edge and every activity ranked by the
/// waiting hours it accounts for, and, for the top items, the segments (node, channel, carrier,
/// region, weekday, hour of day, any case attribute, and pairs of them) where the waiting
/// concentrates: what `bottlenecks.csv` holds.
///
/// **Items.** An edge's waits are its gaps (*target start − source completion*, exactly
/// `dfg.csv`'s); an activity's are the waits before it (the gaps of the edges into it, exactly
/// `activities.csv`'s). Per item: occurrences, cases, total waiting hours (negative gaps, where
/// the next activity started before the previous one finished, count as zero), median and 90th
/// percentile (as `DurationSummary`), the *excess* hours above the item's own median
/// (Σ max(gap − median, 0)), and, given SLA outcomes, the share of SLA-missing cases that pass
/// through it. Items are ranked by total waiting hours (see `rankItems`).
///
/// **Segments.** `SegmentSearch` runs a one-sided Mann–Whitney test of every one- and
/// two-dimension segment of the top items against the rest of the same item, controls the false
/// discovery rate with Benjamini–Hochberg across all of them, keeps the segments whose median
/// wait is clearly longer, merges levels of one dimension that share a delay (Monday and
/// Tuesday), and ranks what survives by the share of its item's waiting that it adds beyond what
/// the weekday, hour of day and promise predict (`WaitProfile`) and beyond the segments of the
/// item ranked before it (`SegmentRanking`).
public struct BottleneckAnalysis: Sendable {
    /// The knobs of the search; the defaults are what `waybill mine` uses.
    public struct Options: Sendable, Equatable {
        /// Items whose segments are searched: the first `topItems` of the ranking, or all when nil
        /// (the default: an item low in total hours, such as a retry loop that only some orders
        /// take, can still hold a segment that waits many times longer than the rest).
        public var topItems: Int?
        /// A segment, and the rest, must have at least this many waits ...
        public var minSupport: Int
        /// ... and at least this share of the item's waits.
        public var minSupportShare: Double
        /// The false discovery rate q of the Benjamini–Hochberg procedure.
        public var falseDiscoveryRate: Double
        /// A segment is reported only if its median wait is at least this many times the rest's.
        public var minLift: Double
        /// A pair of levels is reported only if its lift is at least this many times that of
        /// each of its two single-level parents.
        public var pairLiftGain: Double
        /// A level joins a segment of the same dimension (Monday + Tuesday) only while the merged
        /// segment keeps at least this share of the seed's lift.
        public var mergeLiftRatio: Double
        /// At most this many segments per item.
        public var segmentsPerItem: Int
        /// A segment is reported only if at least this share of the waiting it adds beyond the
        /// item's `WaitProfile` is not already accounted for by the item's segments ranked before
        /// it (`SegmentRanking`): below it, the segment restates them.
        public var minOwnShare: Double
        /// Whether activities with several incoming edges are searched too (off by default: an
        /// activity's waits are the union of its incoming edges' waits, which are searched one by
        /// one, so searching it doubles the work for segments that mostly repeat an edge's).
        public var searchActivities: Bool
        /// Case attributes with more distinct values are not dimensions (`CaseDimensions`).
        public var maxLevels: Int

        public init(
            topItems: Int? = nil, minSupport: Int = 30, minSupportShare: Double = 0.01,
            falseDiscoveryRate: Double = 0.05,
            minLift: Double = 1.5, pairLiftGain: Double = 1.25, mergeLiftRatio: Double = 0.8, segmentsPerItem: Int = 8,
            maxLevels: Int = 50, searchActivities: Bool = false, minOwnShare: Double = 0.5
        ) {
            self.topItems = topItems
            self.minSupport = minSupport
            self.minSupportShare = minSupportShare
            self.falseDiscoveryRate = falseDiscoveryRate
            self.minLift = minLift
            self.pairLiftGain = pairLiftGain
            self.mergeLiftRatio = mergeLiftRatio
            self.segmentsPerItem = segmentsPerItem
            self.minOwnShare = minOwnShare
            self.maxLevels = maxLevels
            self.searchActivities = searchActivities
        }

        /// Checks the ranges.
        ///
        /// - Throws: `MiningError.invalidOption` naming the option.
        public func validate() throws {
            func check(_ ok: Bool, _ name: String, _ text: String) throws {
                if !ok { throw MiningError(.invalidOption, text, location: name) }
            }
            try check((topItems ?? 0) >= 0, "topItems", "the number of items to search must be 0 or more")
            try check(minSupport >= 1, "minSupport", "the minimum support must be at least 1")
            try check(minSupportShare >= 0 && minSupportShare < 0.5, "minSupportShare", "must be in [0, 0.5)")
            try check(falseDiscoveryRate > 0 && falseDiscoveryRate < 1, "falseDiscoveryRate", "must be in (0, 1)")
            try check(minLift >= 1, "minLift", "must be at least 1")
            try check(pairLiftGain >= 1, "pairLiftGain", "must be at least 1")
            try check(mergeLiftRatio > 0 && mergeLiftRatio <= 1, "mergeLiftRatio", "must be in (0, 1]")
            try check(segmentsPerItem >= 1, "segmentsPerItem", "must be at least 1")
            try check(minOwnShare >= 0 && minOwnShare <= 1, "minOwnShare", "must be in [0, 1]")
            try check(maxLevels >= 2 && maxLevels <= 120, "maxLevels", "must be in 2...120")
        }
    }

    /// What an item is.
    public enum ItemKind: String, Sendable {
        /// A directly-follows edge: the gaps between its source and its target.
        case edge
        /// An activity: the waits before it, from whatever activity preceded it.
        case activity
    }

    /// One edge or activity with its waiting figures.
    public struct Item: Sendable, Equatable {
        public var kind: ItemKind
        /// The source activity of an edge (nil for an activity).
        public var source: String?
        /// The edge's target, or the activity.
        public var target: String
        /// Waits (directly-follows pairs) of the item.
        public var occurrences: Int
        /// Cases with at least one.
        public var cases: Int
        /// Σ max(gap, 0), in hours.
        public var totalWaitHours: Double
        /// Σ max(gap − median, 0), in hours: the waiting above the item's own typical wait.
        public var excessHours: Double
        /// Median and 90th percentile of the gaps, in hours.
        public var medianHours: Double
        public var p90Hours: Double
        /// SLA-missing cases that pass through the item (nil without SLA outcomes).
        public var lateCases: Int?
        /// `lateCases` / all SLA-missing cases (nil without outcomes or when none missed).
        public var lateShare: Double?
        /// Whether the segment search ran on it.
        public var searched: Bool

        /// `Picked -> Packed` for an edge, the activity's name for an activity.
        public var name: String { source.map { "\($0) -> \(target)" } ?? target }
    }

    /// One condition of a segment: a dimension and the levels it takes (one, or several merged).
    public struct Condition: Sendable, Equatable {
        public var dimension: String
        public var levels: [String]
    }

    /// A segment of an item where the wait is longer than in the rest of the item.
    public struct Segment: Sendable, Equatable {
        /// The item (an index into `items`).
        public var item: Int
        /// One or two conditions, all of which hold.
        public var conditions: [Condition]
        /// Waits in the segment, and the cases they belong to.
        public var occurrences: Int
        public var cases: Int
        /// Σ max(gap, 0) over the segment's waits, in hours.
        public var totalWaitHours: Double
        /// Median and 90th percentile in the segment, and the median of the rest of the item, in hours.
        public var medianHours: Double
        public var p90Hours: Double
        public var restMedianHours: Double
        /// Median over the rest's median (nil when the rest's median is not positive).
        public var lift: Double?
        /// occurrences × (median − rest median), in hours: the waiting the segment adds.
        public var excessHours: Double
        /// The one-sided Mann–Whitney p-value, and the Benjamini–Hochberg adjusted one; for merged
        /// levels the largest of the parts' (each part is a discovery on its own).
        public var pValue: Double
        public var adjustedP: Double
        /// SLA-missing cases with a wait in the segment, and their share of all SLA-missing cases.
        public var lateCases: Int?
        public var lateShare: Double?
        /// The waiting hours the segment adds beyond the item's `WaitProfile` (weekday, hour of day,
        /// promise tier) and beyond the segments of the same item ranked before it
        /// (`SegmentRanking`); negative when its waits are shorter than that predicts.
        public var unexplainedHours: Double
        /// `unexplainedHours` / (the item's total waiting hours + those of the median searched
        /// item): the share of the item's waiting, shrunk for small items (Cestnik's m-estimate);
        /// the ranking key.
        public var unexplainedShare: Double
    }

    /// The object type of the cases.
    public var caseType: String
    /// All items, ranked (see `rankItems`).
    public var items: [Item]
    /// The reported segments, ranked (see `SegmentSearch`, step 6).
    public var segments: [Segment]
    /// Segments tested (the size of the Benjamini–Hochberg family).
    public var testedSegments: Int
    /// Tested segments that Benjamini–Hochberg declared significant, before the lift filters.
    public var significantSegments: Int
    /// The dimensions searched.
    public var dimensions: [String]
    /// SLA-missing cases in the log (nil without outcomes).
    public var missedCases: Int?
    /// The options used.
    public var options: Options

    /// Ranks the items of a log and searches the top ones for segments.
    ///
    /// - Parameters:
    ///   - outcomes: per-case SLA statuses for the late-share columns (nil: those stay empty).
    ///   - caseDimensions: the log's case dimensions when the caller has them already (for
    ///     `SLAReport`); used when their `maxLevels` is the options', found again otherwise.
    /// - Precondition: `outcomes`, when given, has one status per case of `log`, and so has every
    ///   dimension of `caseDimensions`; options are valid.
    /// - Complexity: O(*events* + *a*²) for the items; for each searched item of *n* waits,
    ///   O(*n* log *n* + *n* × *D*²) for *D* dimensions (see `SegmentSearch`).
    public init(
        log: ColumnarLog, outcomes: SLAOutcomes?, options: Options = Options(), caseDimensions: CaseDimensions? = nil
    ) {
        precondition(outcomes.map { $0.status.count == log.caseCount } ?? true, "outcomes must match the log's cases")
        precondition((try? options.validate()) != nil, "invalid options: call Options.validate() first")
        let occurrences = WaitOccurrences(log: log)
        let missed = outcomes.map { $0.status.map(\.isMissed) }
        let missedCount = missed.map { $0.reduce(0) { $1 ? $0 + 1 : $0 } }
        var (items, rows) = Self.items(
            of: log, occurrences: occurrences, missed: missed, missedCount: missedCount, summariseEdges: false)
        precondition(
            caseDimensions.map { $0.dimensions.allSatisfy { $0.codes.count == log.caseCount } } ?? true,
            "case dimensions of another log")
        let dimensions =
            if let caseDimensions, caseDimensions.maxLevels == options.maxLevels {
                SegmentDimensions(caseDimensions: caseDimensions).dimensions
            } else {
                SegmentDimensions(log: log, maxLevels: options.maxLevels).dimensions
            }

        // The items to search: the top of the ranking, skipping activities whose waits all come
        // from one edge (they are that edge's waits, already searched or not), and, unless
        // `searchActivities`, every activity.
        var searched: [Int] = []
        for (i, item) in items.enumerated() where searched.count < options.topItems ?? Int.max {
            if item.kind == .activity && (rows[i].singleEdge || !options.searchActivities) { continue }
            searched.append(i)
        }
        for i in searched { items[i].searched = true }
        let search = SegmentSearch(
            items: searched.map { (index: $0, rows: rows[$0].rows) }, occurrences: occurrences, dimensions: dimensions,
            missed: missed, missedCount: missedCount, caseCount: log.caseCount,
            promiseTiers: outcomes.flatMap { WaitProfile.promiseTiers(log: log, promise: $0.promise) }, options: options
        )

        var sorted: [Int: [Int64]] = [:]
        for (k, i) in searched.enumerated() where k < search.sortedWaits.count { sorted[i] = search.sortedWaits[k] }
        Self.fillSummaries(&items, rows: rows, occurrences: occurrences, sorted: sorted)

        self.caseType = log.caseType
        self.items = items
        self.segments = search.segments
        self.testedSegments = search.tested
        self.significantSegments = search.significant
        self.dimensions = dimensions.map(\.name)
        self.missedCases = missedCount
        self.options = options
    }

    /// The rows of one item in `WaitOccurrences`, and whether they all come from a single edge.
    struct ItemRows {
        var rows: ArraySlice<Int32>
        var singleEdge: Bool
        /// For an activity with one incoming edge: that edge's item index (its figures are the
        /// activity's).
        var edge: Int?
    }

    /// Every edge and activity with its figures, ranked by `rankItems`, with its rows.
    ///
    /// - Complexity: O(*pairs* + items × log(items)).
    static func items(
        of log: ColumnarLog, occurrences o: WaitOccurrences, missed: [Bool]?, missedCount: Int?,
        summariseEdges: Bool = true
    ) -> ([Item], [ItemRows]) {
        var items: [Item] = []
        var rows: [ItemRows] = []
        var incoming = [Int](repeating: 0, count: log.activityNames.count)
        for t in o.edgeTarget { incoming[Int(t)] += 1 }
        var buffer: [Int64] = []
        func add(_ kind: ItemKind, source: Int32?, target: Int32, _ slice: ArraySlice<Int32>) {
            guard !slice.isEmpty else { return }
            buffer.removeAll(keepingCapacity: true)
            var total: Int64 = 0
            var cases = 0
            var late = 0
            var lastCase: Int32 = -1
            // The rows are in case order (pairs are made case by case, grouped stably).
            for r in slice {
                let g = o.gap[Int(r)]
                buffer.append(g)
                if g > 0 { total += g }
                let c = o.caseIndex[Int(r)]
                if c != lastCase {
                    lastCase = c
                    cases += 1
                    if missed?[Int(c)] == true { late += 1 }
                }
            }
            // Edges left to `fillSummaries` get their figures from their sorted sample.
            let figures =
                kind == .edge && !summariseEdges
                ? (median: 0.0, p90: 0.0, excess: 0.0)
                : buffer.withUnsafeMutableBufferPointer { Self.waitFigures(unsorted: $0) }
            let name = { (code: Int32) in log.activityNames[Int(code)] }
            items.append(
                Item(
                    kind: kind, source: source.map(name), target: name(target), occurrences: slice.count, cases: cases,
                    totalWaitHours: Double(total) / 3.6e9, excessHours: figures.excess / 3.6e9,
                    medianHours: figures.median / 3600, p90Hours: figures.p90 / 3600,
                    lateCases: missed == nil ? nil : late,
                    lateShare: missedCount.flatMap { $0 > 0 ? Double(late) / Double($0) : nil }, searched: false))
            rows.append(ItemRows(rows: slice, singleEdge: kind == .edge || incoming[Int(target)] == 1, edge: nil))
        }
        for e in o.edgeSource.indices {
            add(
                .edge, source: o.edgeSource[e], target: o.edgeTarget[e],
                o.byEdge[o.edgeOffsets[e]..<o.edgeOffsets[e + 1]])
        }
        // An activity with one incoming edge has exactly that edge's waits (the same rows in the
        // same order): its figures are the edge's, without a second quickselect.
        var onlyEdge = [Int](repeating: -1, count: log.activityNames.count)
        for (i, item) in items.enumerated() where item.kind == .edge {
            let t = Int(o.edgeTarget[i])
            if incoming[t] == 1 { onlyEdge[t] = i }
        }
        for a in log.activityNames.indices {
            let slice = o.byTarget[o.targetOffsets[a]..<o.targetOffsets[a + 1]]
            if onlyEdge[a] >= 0 {
                var copy = items[onlyEdge[a]]
                copy.kind = .activity
                copy.source = nil
                items.append(copy)
                rows.append(ItemRows(rows: slice, singleEdge: true, edge: onlyEdge[a]))
            } else {
                add(.activity, source: nil, target: Int32(a), slice)
            }
        }
        let order = rankItems(items)
        var rank = [Int](repeating: 0, count: order.count)
        for (r, i) in order.enumerated() { rank[i] = r }
        return (
            order.map { items[$0] },
            order.map {
                var r = rows[$0]
                r.edge = r.edge.map { rank[$0] }
                return r
            }
        )
    }

    /// Median and 90th percentile (seconds) and excess (Σ max(gap − median, 0), microseconds) of
    /// waits in microseconds, reordering the buffer: `DurationSummary`'s quantiles.
    ///
    /// - Complexity: O(*n*) expected.
    static func waitFigures(unsorted waits: UnsafeMutableBufferPointer<Int64>) -> (
        median: Double, p90: Double, excess: Double
    ) {
        let summary = DurationSummary(microseconds: waits)
        return (summary.median, summary.p90, excess(waits, medianMicros: summary.median * 1e6))
    }

    /// `waitFigures(unsorted:)` of waits already sorted ascending, without the selections.
    ///
    /// - Precondition: `waits` is not empty and ascending.
    /// - Complexity: O(*n*).
    static func waitFigures(sorted waits: [Int64]) -> (median: Double, p90: Double, excess: Double) {
        let q = SegmentSample.quantiles(size: waits.count) { waits[$0 - 1] }
        return (q.median, q.p90, excess(waits, medianMicros: q.median * 1e6))
    }

    /// Σ max(gap − median, 0) in microseconds, with the gaps above the median summed exactly (whole
    /// seconds and microseconds apart, as `DurationSummary`'s mean), so the order of the waits
    /// does not matter.
    ///
    /// - Complexity: O(*n*).
    static func excess(_ waits: some Sequence<Int64>, medianMicros: Double) -> Double {
        var seconds: Int64 = 0
        var micros: Int64 = 0
        var above = 0
        for g in waits where Double(g) > medianMicros {
            seconds += g / 1_000_000
            micros += g % 1_000_000
            above += 1
        }
        return Double(seconds) * 1e6 + Double(micros) - Double(above) * medianMicros
    }

    /// Gives the edges whose figures `items(of:...summariseEdges: false)` left out their median,
    /// 90th percentile and excess: from the sorted sample of a searched edge, by selection for
    /// the others; then copies them to the activities that have one incoming edge.
    ///
    /// - Parameter sorted: per item index, its waits ascending, for the searched items.
    /// - Complexity: O(*n*) per edge of *n* waits.
    static func fillSummaries(
        _ items: inout [Item], rows: [ItemRows], occurrences o: WaitOccurrences, sorted: [Int: [Int64]]
    ) {
        var buffer: [Int64] = []
        for i in items.indices where items[i].kind == .edge {
            let figures: (median: Double, p90: Double, excess: Double)
            if let waits = sorted[i], waits.count == items[i].occurrences {
                figures = waitFigures(sorted: waits)
            } else {
                buffer.removeAll(keepingCapacity: true)
                for r in rows[i].rows { buffer.append(o.gap[Int(r)]) }
                figures = buffer.withUnsafeMutableBufferPointer { waitFigures(unsorted: $0) }
            }
            items[i].medianHours = figures.median / 3600
            items[i].p90Hours = figures.p90 / 3600
            items[i].excessHours = figures.excess / 3.6e9
        }
        for i in items.indices where items[i].kind == .activity {
            guard let e = rows[i].edge else { continue }
            items[i].medianHours = items[e].medianHours
            items[i].p90Hours = items[e].p90Hours
            items[i].excessHours = items[e].excessHours
        }
    }

    /// The ranking of items: by total waiting hours, descending; ties by kind (edges first) and
    /// name in code-point order.
    static func rankItems(_ items: [Item]) -> [Int] {
        items.indices.sorted { a, b in
            let x = items[a]
            let y = items[b]
            if x.totalWaitHours != y.totalWaitHours { return x.totalWaitHours > y.totalWaitHours }
            if x.kind != y.kind { return x.kind == .edge }
            return x.name.utf8.lexicographicallyPrecedes(y.name.utf8)
        }
    }
}

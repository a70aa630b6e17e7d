import _WaybillSupport

/// The segment search of the bottleneck analysis: which one- and two-attribute segments of an
/// item wait significantly and clearly longer than the rest of the item.
///
/// 1. **Candidates.** For each searched item, every level of every dimension and every pair of
///    levels of two different dimensions (`SegmentSample`'s cells), whose segment and rest both
///    hold at least max(`minSupport`, ⌈`minSupportShare` × n⌉) waits.
/// 2. **Test.** A one-sided Mann–Whitney U test, segment against the rest of the same item
///    (`MannWhitney`): is the segment's wait stochastically greater? Rank-based, so a few
///    extreme waits do not make a segment, and no distribution is assumed.
/// 3. **Multiple testing.** Benjamini–Hochberg at q = `falseDiscoveryRate` over *all* candidates
///    of all items together (the size of that family is `tested`).
/// 4. **Effect size and redundancy.** With a million waits a shift of a few percent is
///    significant, so a discovery is kept only if its median is at least `minLift` times the
///    rest's. A pair a ∧ b is kept only if it is an *interaction*, something neither level says
///    alone: the interaction contrast of the medians
///    I = med(a ∧ b) · med(¬a ∧ ¬b) / (med(a ∧ ¬b) · med(¬a ∧ b)) is at least `pairLiftGain`,
///    i.e. b's effect among a is that much larger than among ¬a (and symmetrically). Two main
///    effects that merely add up (standard shipping, and the 02:00 invoice batch) give I ≈ 1 and
///    are reported as their single levels. Conversely a single level a is dropped when a kept pair
///    a ∧ b holds its delay: a ∧ ¬b is not `minLift` times longer than ¬a. (Comparing the pair's
///    lift with its parents' lifts instead fails when the pair *is* what makes a parent slow:
///    SwiftShip in the east makes the whole east look slow.)
/// 5. **Merging levels.** Greedily, from the kept segment with the most excess hours: the kept
///    segments that differ from it in one dimension's level only (Tuesday beside Monday, with the
///    same node) join it, most excess first, while the merged segment keeps `mergeLiftRatio` of
///    the seed's lift and adds excess hours. Merging tests nothing new: each part is a discovery
///    on its own, so the merged segment reports the largest p-value and adjusted p of its parts.
/// 6. **Ranking.** Within each item, up to `segmentsPerItem` of what survives are picked by a
///    forward stagewise fit of the waits beyond the item's `WaitProfile` (`SegmentRanking`): the
///    segment whose waits exceed what their weekday, hour of day and promise tier predict by the
///    most hours first, then the one that adds the most beyond it, and so on. Across items the
///    picks are ranked by that figure over the item's total waiting hours plus those of the
///    median searched item (`unexplainedShare`, Cestnik's m-estimate of the share, so that a
///    tiny item's large share of a few hours does not come first), which is scale-free: the schedules every order waits for (a nightly batch, a carrier's
///    collection times, closed nights and Sundays), the longer transit a later promise allows, and
///    the sheer size of a long carrier leg do not crowd out a delay that belongs to one node on
///    some weekdays, one carrier in one region, or one channel's retries. A segment with the same
///    waits as one before it (the same count and medians: `ship_speed=pickup` and
///    `channel=store_pickup`) is left out.
///
/// - Complexity: O(*n* log *n* + *n* × *T*) per item of *n* waits for *T* = *D*(*D* + 1)/2
///   tables over *D* dimensions (the one sort and one pass per table); each median of a kept
///   candidate is O(*n*/256 + 256) by the running counts; the ranking O(*k* × *n*) for an item's
///   *k* merged candidates plus O(`segmentsPerItem` × Σ candidate sizes); the reported segments
///   cost O(*n*) each for their cases.
struct SegmentSearch {
    /// The reported segments, ranked.
    var segments: [BottleneckAnalysis.Segment] = []
    /// Candidates tested.
    var tested = 0
    /// Candidates significant after Benjamini–Hochberg (before the effect-size filters).
    var significant = 0
    /// Per searched item, its waits in microseconds, ascending (the samples' sort, which the
    /// items' median and 90th percentile reuse).
    var sortedWaits: [[Int64]] = []

    /// A segment measured: its cells and figures.
    private struct Measured {
        var sample: Int
        var set: SegmentSample.CellSet
        var parts: [Int]  // indices into the tests
        var occurrences: Int
        var median: Double  // seconds
        var restMedian: Double
        var lift: Double?
        var excessSeconds: Double
    }

    /// A picked segment: its index in the merged list, and its figures beyond the calendar.
    private struct Ranked: Sendable {
        var merged: Int
        var unexplainedHours: Double
        var share: Double
    }

    /// Runs the search on the given items.
    ///
    /// - Parameters:
    ///   - items: each searched item's index in the ranking and its rows in `occurrences`.
    ///   - missed: per case, whether it missed its SLA (nil: no SLA columns).
    ///   - promiseTiers: per case, its promise tier for the ranking's `WaitProfile` (nil: none).
    init(
        items: [(index: Int, rows: ArraySlice<Int32>)], occurrences: WaitOccurrences,
        dimensions: [SegmentDimensions.Dimension], missed: [Bool]?, missedCount: Int?, caseCount: Int,
        promiseTiers: [Int8]? = nil, options: BottleneckAnalysis.Options
    ) {
        guard !items.isEmpty, !dimensions.isEmpty else { return }
        let samples = Self.samples(items.map(\.rows), occurrences: occurrences, dimensions: dimensions)
        sortedWaits = samples.map(\.values)

        // 1-2. Every supported cell, tested against the rest of its item.
        var tests: [(sample: Int, table: Int, cell: Int, p: Double)] = []
        let supports = samples.map {
            max(options.minSupport, Int((options.minSupportShare * Double($0.count)).rounded(.up)))
        }
        for (s, sample) in samples.enumerated() {
            let n = sample.count
            let support = supports[s]
            for (t, table) in sample.tables.enumerated() {
                for cell in 0..<table.cellCount where !table.hasMissingLevel(cell) {
                    let n1 = Int(sample.counts[table.base + cell])
                    guard n1 >= support && n - n1 >= support else { continue }
                    let result = MannWhitney.greater(
                        doubledRankSum: sample.doubledRankSums[table.base + cell], n1: n1, n2: n - n1,
                        tieTerm: sample.tieTerm)
                    tests.append((s, t, cell, result.p))
                }
            }
        }
        tested = tests.count
        // 3. Benjamini–Hochberg over the whole family.
        let adjusted = BenjaminiHochberg.adjust(tests.map(\.p))
        significant = adjusted.reduce(0) { $1 <= options.falseDiscoveryRate ? $0 + 1 : $0 }

        // 4. Significant, clearly longer, and (pairs) not explained by one level.
        let itemMedians = samples.map { s in
            s.median(SegmentSample.CellSet(table: s.tables[0], cells: []), outside: true, size: s.count)
        }
        func measure(_ s: Int, _ set: SegmentSample.CellSet, parts: [Int]) -> Measured? {
            let sample = samples[s]
            let m = sample.count(set)
            guard m > 0, m < sample.count else { return nil }
            let median = sample.median(set, outside: false, size: m)
            let rest = sample.median(set, outside: true, size: sample.count - m)
            let lift: Double? = rest > 0 ? median / rest : nil
            return Measured(
                sample: s, set: set, parts: parts, occurrences: m, median: median, restMedian: rest, lift: lift,
                excessSeconds: Double(m) * (median - rest))
        }
        func clearlyLonger(_ x: Measured) -> Bool {
            guard x.median > x.restMedian else { return false }
            return x.lift.map { $0 >= options.minLift } ?? (x.median > 0)
        }
        func median(_ s: Int, _ table: SegmentSample.Table, _ cells: [Int]) -> Double? {
            let set = SegmentSample.CellSet(table: table, cells: cells)
            let m = samples[s].count(set)
            return m == 0 ? nil : samples[s].median(set, outside: false, size: m)
        }
        /// The cells of a pair table where `axis` has `level` and the other axis has not `other`:
        /// a parent level without the pair.
        func remainder(_ table: SegmentSample.Table, axis: Int, level: Int, other: Int) -> [Int] {
            (0..<table.widths[1 - axis]).filter { $0 != other }.map {
                axis == 0 ? level * table.widths[1] + $0 : $0 * table.widths[1] + level
            }
        }
        /// How many times a segment's median exceeds a comparison median (infinite when that is
        /// not positive and the segment's is).
        func ratio(_ a: Double, _ b: Double?) -> Double {
            guard let b else { return 1 }
            return b > 0 ? a / b : (a > b ? .infinity : 1)
        }
        var kept: [Measured] = []
        for (k, test) in tests.enumerated() where adjusted[k] <= options.falseDiscoveryRate {
            let sample = samples[test.sample]
            let table = sample.tables[test.table]
            let set = SegmentSample.CellSet(table: table, cells: [test.cell])
            // A segment whose median is at most the item's cannot be longer than its rest.
            let m = sample.count(set)
            guard sample.median(set, outside: false, size: m) > itemMedians[test.sample] else { continue }
            guard let x = measure(test.sample, set, parts: [k]), clearlyLonger(x) else { continue }
            if table.dimensions.count == 2 {
                // Keep a pair only for an interaction: the effect of each level differs between
                // the other level and its absence (a multiplicative contrast on the medians).
                let levels = table.levels(ofCell: test.cell)
                let aNotB = remainder(table, axis: 0, level: levels[0], other: levels[1])
                let bNotA = remainder(table, axis: 1, level: levels[1], other: levels[0])
                let neither = (0..<table.cellCount).filter {
                    let l = table.levels(ofCell: $0)
                    return l[0] != levels[0] && l[1] != levels[1]
                }
                // Each parent without the pair needs the support of a segment, or the pair is
                // (nearly) all of that parent and the level alone says it.
                let sizes = [aNotB, bNotA].map { sample.count(SegmentSample.CellSet(table: table, cells: $0)) }
                guard sizes.allSatisfy({ $0 >= supports[test.sample] }),
                    let ma = median(test.sample, table, aNotB), let mb = median(test.sample, table, bNotA)
                else { continue }
                let interaction: Double
                if ma > 0, mb > 0, let mn = median(test.sample, table, neither), mn > 0 {
                    interaction = x.median * mn / (ma * mb)
                } else {
                    interaction = ratio(x.median, max(ma, mb))
                }
                guard interaction >= options.pairLiftGain else { continue }
            }
            kept.append(x)
        }
        // A single level whose delay lies in a kept pair within it is no finding of its own: drop
        // it when, without that pair, it is not clearly longer than the rest of the item.
        let pairs = kept.filter { $0.set.table.dimensions.count == 2 }
        kept.removeAll { single in
            guard single.set.table.dimensions.count == 1 else { return false }
            let d = single.set.table.dimensions[0]
            let level = single.set.cells[0]
            return pairs.contains { pair in
                guard pair.sample == single.sample, let axis = pair.set.table.dimensions.firstIndex(of: d) else {
                    return false
                }
                let levels = pair.set.table.levels(ofCell: pair.set.cells[0])
                guard levels[axis] == level else { return false }
                let rest = remainder(pair.set.table, axis: axis, level: level, other: levels[1 - axis])
                guard let without = median(single.sample, pair.set.table, rest) else { return true }
                return ratio(without, single.restMedian) < options.minLift
            }
        }

        // 5. Merge levels of one dimension, seeds by excess.
        func before(_ a: Measured, _ b: Measured) -> Bool {
            if a.excessSeconds != b.excessSeconds { return a.excessSeconds > b.excessSeconds }
            if a.sample != b.sample { return a.sample < b.sample }
            if a.set.table.base != b.set.table.base { return a.set.table.base < b.set.table.base }
            return a.set.cells.lexicographicallyPrecedes(b.set.cells)
        }
        kept.sort(by: before)
        var consumed = Set<Int>()  // indices into kept
        var merged: [Measured] = []
        for (i, seed) in kept.enumerated() where !consumed.contains(i) {
            let table = seed.set.table
            let seedLevels = table.levels(ofCell: seed.set.cells[0])
            var best = (members: [i], measured: seed)
            for axis in table.dimensions.indices {
                var members = [i]
                var current = seed
                for (j, other) in kept.enumerated() where j != i && !consumed.contains(j) {
                    guard other.sample == seed.sample, other.set.table.base == table.base else { continue }
                    let levels = table.levels(ofCell: other.set.cells[0])
                    guard levels.indices.allSatisfy({ $0 == axis || levels[$0] == seedLevels[$0] }) else { continue }
                    let cells = current.set.cells + other.set.cells
                    guard
                        let trial = measure(
                            seed.sample, SegmentSample.CellSet(table: table, cells: cells),
                            parts: current.parts + other.parts),
                        trial.excessSeconds > current.excessSeconds, clearlyLonger(trial)
                    else { continue }
                    let strong =
                        if let a = trial.lift, let b = seed.lift { a >= options.mergeLiftRatio * b } else {
                            trial.median >= options.mergeLiftRatio * seed.median
                        }
                    guard strong else { continue }
                    members.append(j)
                    current = trial
                }
                if current.excessSeconds > best.measured.excessSeconds { best = (members, current) }
            }
            consumed.formUnion(best.members)
            merged.append(best.measured)
        }

        // 6. Pick per item by the stagewise fit beyond the calendar, rank across items, describe.
        merged.sort(by: before)
        var candidates = [[Int]](repeating: [], count: samples.count)  // indices into merged
        var seen = Set<[Double]>()
        for (i, x) in merged.enumerated() {
            // The same waits under two names (ship_speed=pickup, channel=store_pickup) once.
            let signature = [Double(x.sample), Double(x.occurrences), x.median, x.restMedian]
            guard seen.insert(signature).inserted else { continue }
            candidates[x.sample].append(i)
        }
        let weekday = dimensions.firstIndex { if case .weekday = $0.source { true } else { false } }!
        let hour = dimensions.firstIndex { if case .hourOfDay = $0.source { true } else { false } }!
        let limit = options.segmentsPerItem
        let ranking = (merged: merged, candidates: candidates)
        // Each searched item's total waiting hours, and the median of them: the prior weight of
        // the shares below.
        let itemHours = samples.map { $0.values.reduce(0.0) { $0 + WaitProfile.hours($1) } }
        let prior = Self.median(itemHours)
        let picked = Concurrently.map(samples.count) { s -> [Ranked] in
            let sample = samples[s]
            let candidates = ranking.candidates[s]
            guard !candidates.isEmpty else { return [] }
            let residuals = SegmentRanking.residuals(sample, weekday: weekday, hour: hour, tiers: promiseTiers)
            let members = candidates.map { SegmentRanking.members(sample, ranking.merged[$0].set) }
            let weight = itemHours[s] + prior
            return SegmentRanking.picks(
                residuals: residuals, members: members, limit: limit, minOwnShare: options.minOwnShare
            ).map {
                Ranked(
                    merged: candidates[$0.candidate], unexplainedHours: $0.unexplainedHours,
                    share: weight > 0 ? $0.unexplainedHours / weight : 0)
            }
        }
        // Across items by the share of the item's waiting that the segment adds beyond the
        // profile, as Cestnik's m-estimate: unexplained hours / (item hours + m), m the median
        // item's hours. A share is scale-free, so a retry loop of a few hundred hours is not
        // buried under the thousands of a carrier leg; the prior m keeps an item of a few dozen
        // hours from ranking first on a share that is large only because the item is small. Ties
        // by unexplained hours, then the merge's order.
        let order = picked.joined().sorted { a, b in
            if a.share != b.share { return a.share > b.share }
            if a.unexplainedHours != b.unexplainedHours { return a.unexplainedHours > b.unexplainedHours }
            return a.merged < b.merged
        }
        var stamp = [Int32](repeating: -1, count: caseCount)
        var generation: Int32 = 0
        for ranked in order {
            let x = merged[ranked.merged]
            let sample = samples[x.sample]
            let p90 = sample.quantiles(x.set, outside: false, size: x.occurrences).p90
            let (cases, late, total) = sample.cases(x.set, missed: missed, stamp: &stamp, generation: generation)
            generation += 1
            var conditions: [BottleneckAnalysis.Condition] = []
            for (axis, d) in x.set.table.dimensions.enumerated() {
                let codes = Set(x.set.cells.map { x.set.table.levels(ofCell: $0)[axis] }).sorted()
                conditions.append(
                    BottleneckAnalysis.Condition(
                        dimension: dimensions[d].name, levels: codes.map { dimensions[d].levels[$0] }))
            }
            segments.append(
                BottleneckAnalysis.Segment(
                    item: items[x.sample].index, conditions: conditions, occurrences: x.occurrences, cases: cases,
                    totalWaitHours: Double(total) / 3.6e9,
                    medianHours: x.median / 3600, p90Hours: p90 / 3600, restMedianHours: x.restMedian / 3600,
                    lift: x.lift, excessHours: x.excessSeconds / 3600,
                    pValue: x.parts.map { tests[$0].p }.max()!, adjustedP: x.parts.map { adjusted[$0] }.max()!,
                    lateCases: missed == nil ? nil : late,
                    lateShare: missedCount.flatMap { $0 > 0 ? Double(late) / Double($0) : nil },
                    unexplainedHours: ranked.unexplainedHours, unexplainedShare: ranked.share))
        }
    }

    /// The median of some values (the mean of the two middle ones for an even count), 0 for none.
    ///
    /// - Complexity: O(*n* log *n*).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let m = sorted.count
        return m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2
    }

    /// Builds the items' samples, as many at a time as there are free cores.
    ///
    /// - Complexity: see `SegmentSample.init`.
    private static func samples(
        _ rows: [ArraySlice<Int32>], occurrences: WaitOccurrences, dimensions: [SegmentDimensions.Dimension]
    ) -> [SegmentSample] {
        Concurrently.map(rows.count) { i in
            SegmentSample(rows: rows[i], occurrences: occurrences, dimensions: dimensions, pairs: true)
        }
    }
}

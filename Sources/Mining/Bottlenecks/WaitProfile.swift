import Storage

/// The wait an item's calendar and its cases' promised service predict: the item's mean wait,
/// plus how much longer its waits are on that weekday, at that hour of day (of the earlier
/// event's completion), and in that promise tier, each as a deviation from the item's mean.
///
/// Processes run on schedules: warehouses open and close, carriers collect at fixed times, an ERP
/// invoices in a nightly batch, vans leave in the morning. A wait that starts at 21:00 or on a
/// Saturday is long because of the calendar, and so is every order's that waits then. Orders are
/// also promised different service: a parcel promised in five days is allowed to wait longer in
/// transit than one promised tomorrow. The bottleneck ranking (`SegmentRanking`) measures a
/// segment by the waiting it adds *beyond* this profile, so that the schedules and the service
/// levels the SLA already allows for are not reported as bottlenecks, while a delay tied to one
/// node, channel or carrier, or to a node on some weekdays only, is.
///
/// An additive main-effects model (as an analysis of variance without interactions), fitted by
/// the marginal means rather than by least squares so that it costs one pass: at most 7 + 24 + 5
/// parameters per item however large it is, so that a small item is not fitted wait by wait, as
/// a 168-cell weekday × hour table would be. Negative waits count as zero, as in the totals.
struct WaitProfile: Sendable {
    /// The item's mean wait, and per weekday (Monday first), per hour and per tier the mean wait,
    /// in hours.
    let mean: Double
    let weekdayMeans: [Double]
    let hourMeans: [Double]
    let tierMeans: [Double]

    /// Fits the profile of an item's waits.
    ///
    /// - Parameters:
    ///   - waits: the waits in microseconds.
    ///   - weekday: per wait, its weekday code 0 ... 6.
    ///   - hour: per wait, its hour code 0 ... 23.
    ///   - tier: per wait, its promise tier (`promiseTiers`), or nil for none.
    /// - Precondition: the codes have one entry per wait and are in range.
    /// - Complexity: O(*n*).
    init(waits: [Int64], weekday: [Int8], hour: [Int8], tier: [Int8]?) {
        precondition(waits.count == weekday.count && waits.count == hour.count, "one code per wait")
        precondition(tier.map { $0.count == waits.count } ?? true, "one tier per wait")
        func means(_ codes: [Int8]?, levels: Int, overall: Double) -> [Double] {
            guard let codes else { return [] }
            var sums = [Double](repeating: 0, count: levels)
            var counts = [Int](repeating: 0, count: levels)
            for p in waits.indices {
                sums[Int(codes[p])] += Self.hours(waits[p])
                counts[Int(codes[p])] += 1
            }
            // A level without waits predicts no deviation (no wait needs it).
            return (0..<levels).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : overall }
        }
        let mean = waits.isEmpty ? 0 : waits.reduce(0.0) { $0 + Self.hours($1) } / Double(waits.count)
        self.mean = mean
        weekdayMeans = means(weekday, levels: 7, overall: mean)
        hourMeans = means(hour, levels: 24, overall: mean)
        tierMeans = means(tier, levels: Int(Self.noTier) + 1, overall: mean)
    }

    /// A wait in hours, negative ones as zero.
    @inline(__always)
    static func hours(_ wait: Int64) -> Double { Double(max(wait, 0)) / 3.6e9 }

    /// Per wait, its hours beyond the profile: max(wait, 0) − the prediction. They sum to zero over
    /// the item (up to rounding).
    ///
    /// - Complexity: O(*n*).
    func residuals(waits: [Int64], weekday: [Int8], hour: [Int8], tier: [Int8]?) -> [Double] {
        waits.indices.map { p in
            var expected = weekdayMeans[Int(weekday[p])] + hourMeans[Int(hour[p])] - mean
            if let tier { expected += tierMeans[Int(tier[p])] - mean }
            return Self.hours(waits[p]) - expected
        }
    }

    /// The tier of a case without a promise.
    static let noTier: Int8 = 4

    /// Per case, its promise tier: the quartile (0 ... 3) of its promised lead time (the promise
    /// minus the case's first event), cut at the quartiles over the cases with a promise, as
    /// `CaseDimensions` cuts numbers; `noTier` for a case without one. Nil when fewer than two
    /// tiers occur (nothing to tell apart).
    ///
    /// - Precondition: `promise` has one entry per case of `log` (`Int64.min`: none).
    /// - Complexity: O(*cases* log *cases*).
    static func promiseTiers(log: ColumnarLog, promise: [Int64]) -> [Int8]? {
        precondition(promise.count == log.caseCount, "one promise per case")
        var leads = [Int64](repeating: 0, count: log.caseCount)
        var known: [Int64] = []
        for c in 0..<log.caseCount where promise[c] != Int64.min && log.caseOffsets[c] < log.caseOffsets[c + 1] {
            leads[c] = promise[c] &- log.timestamps[log.caseOffsets[c]]
            known.append(leads[c])
        }
        guard !known.isEmpty else { return nil }
        known.sort()
        // Nearest-rank quartiles; a lead equal to a cut point goes to the lower tier.
        let cuts = [1, 2, 3].map { known[max(0, (known.count * $0 + 3) / 4 - 1)] }
        var tiers = [Int8](repeating: noTier, count: log.caseCount)
        for c in 0..<log.caseCount where promise[c] != Int64.min && log.caseOffsets[c] < log.caseOffsets[c + 1] {
            tiers[c] = Int8(cuts.reduce(0) { leads[c] > $1 ? $0 + 1 : $0 })
        }
        var seen = [Bool](repeating: false, count: Int(noTier) + 1)
        for t in tiers { seen[Int(t)] = true }
        return seen.filter { $0 }.count >= 2 ? tiers : nil
    }
}

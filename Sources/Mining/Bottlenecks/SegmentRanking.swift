/// How the bottleneck segments of one item are chosen and scored for the global ranking: a
/// forward stagewise fit of the item's waits beyond what its calendar and promises predict.
///
/// Each wait starts with its residual beyond the item's `WaitProfile`. Repeatedly, the
/// candidate segment whose residuals sum highest is taken; that sum is its *unexplained hours*
/// (the waiting it adds beyond what the weekday, hour and promise predict, and beyond the
/// segments taken before it). Its waits' residuals are then lowered by their mean, as if a term "+ that mean for
/// these waits" were added to the model, before the next pick. This is forward stagewise additive
/// modelling with segment indicators as the terms (Hastie, Tibshirani and Friedman, *The Elements
/// of Statistical Learning*, 2nd ed., § 10.3 and 16.2), the model-updating form of subgroup set
/// selection (as the weighted covering of Lavrač et al., *Subgroup discovery with CN2-SD*, JMLR
/// 2004, with the waits' shares of the found effect removed instead of down-weighted): a segment
/// that only restates one taken before it (DC-S, beside DC-S on Monday and Tuesday; a region that
/// is slow because the slow node lies in it) has little left, while one that overlaps an earlier
/// segment but adds its own delay (SwiftShip in the east, within standard shipping) keeps it.
///
/// - Complexity: O(*k* × *n*) to gather *k* candidates' waits over an item of *n*, and
///   O(*picks* × Σ candidate sizes) for the picks.
enum SegmentRanking {
    /// A pick: the candidate (an index into the candidates given) and its unexplained hours.
    struct Pick: Equatable {
        var candidate: Int
        var unexplainedHours: Double
    }

    /// Picks up to `limit` candidates, best first, ties by the candidates' order.
    ///
    /// - Parameters:
    ///   - residuals: per wait (position in the item), its hours beyond the calendar profile.
    ///   - members: per candidate, the positions of its waits, ascending.
    /// - Complexity: O(*limit* × Σ |members|).
    static func picks(residuals: [Double], members: [[Int32]], limit: Int) -> [Pick] {
        var residuals = residuals
        var scores = members.map { positions in positions.reduce(0.0) { $0 + residuals[Int($1)] } }
        var taken = [Bool](repeating: false, count: members.count)
        var result: [Pick] = []
        while result.count < min(limit, members.count) {
            var best = -1
            for c in members.indices where !taken[c] && (best < 0 || scores[c] > scores[best]) { best = c }
            taken[best] = true
            result.append(Pick(candidate: best, unexplainedHours: scores[best]))
            let positions = members[best]
            // A pick that adds nothing changes nothing: lowering its waits by a negative mean would
            // raise the others above what they add.
            guard scores[best] > 0, !positions.isEmpty, result.count < min(limit, members.count) else { continue }
            let shift = scores[best] / Double(positions.count)
            for p in positions { residuals[Int(p)] -= shift }
            // The sums are taken afresh rather than updated by the overlaps (the same cost, one
            // pass over each candidate's waits), so rounding does not accumulate.
            for c in members.indices where !taken[c] {
                scores[c] = members[c].reduce(0.0) { $0 + residuals[Int($1)] }
            }
        }
        return result
    }

    /// The residuals of a sample's waits beyond its `WaitProfile`, by position.
    ///
    /// - Parameters:
    ///   - weekday, hour: the dimensions (indices) of the waits' weekday and hour of day.
    ///   - tiers: per case, its promise tier (`WaitProfile.promiseTiers`), nil for none.
    /// - Complexity: O(*n*).
    static func residuals(_ sample: SegmentSample, weekday: Int, hour: Int, tiers: [Int8]?) -> [Double] {
        let tier = tiers.map { t in sample.cases.map { t[Int($0)] } }
        let profile = WaitProfile(
            waits: sample.values, weekday: sample.codes[weekday], hour: sample.codes[hour], tier: tier)
        return profile.residuals(
            waits: sample.values, weekday: sample.codes[weekday], hour: sample.codes[hour], tier: tier)
    }

    /// The positions of a sample's waits in a set of cells, ascending.
    ///
    /// - Complexity: O(*n*).
    static func members(_ sample: SegmentSample, _ set: SegmentSample.CellSet) -> [Int32] {
        var positions: [Int32] = []
        positions.reserveCapacity(sample.count(set))
        for p in 0..<sample.count where sample.contains(p, set) { positions.append(Int32(p)) }
        return positions
    }
}

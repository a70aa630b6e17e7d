/// How the bottleneck segments of one item are chosen and scored for the global ranking: a
/// forward stagewise fit of the item's waits beyond what its calendar and promises predict.
///
/// Each wait starts with its residual beyond the item's `WaitProfile`. Repeatedly, the candidate
/// segment whose residuals sum highest is taken; that sum is its *unexplained hours* (the waiting
/// it adds beyond what the weekday, hour and promise predict, and beyond the segments taken before
/// it). Its waits' residuals are then lowered by their mean, as if a term "+ that mean for these
/// waits" were added to the model, before the next pick. This is forward stagewise additive
/// modelling with segment indicators as the terms (Hastie, Tibshirani and Friedman, *The Elements
/// of Statistical Learning*, 2nd ed., § 10.3 and 16.2), the model-updating form of subgroup set
/// selection (as the weighted covering of Lavrač et al., *Subgroup discovery with CN2-SD*, JMLR
/// 2004, with the waits' share of the found effect removed instead of the waits down-weighted).
///
/// A segment that overlaps an earlier pick but adds its own delay (SwiftShip in the east, within
/// standard shipping) keeps it. One that mostly restates an earlier pick (a carrier or node inside
/// the B2B channel that is already taken, a region that is slow because the slow node lies in it)
/// has little left: when less than `minOwnShare` of its unexplained hours before any pick remains,
/// it is not a finding of its own and is left out (a redundancy filter in the manner of subgroup
/// set selection, where a subgroup that a selected one covers is not reported again).
///
/// - Complexity: O(*k* × *n*) to gather *k* candidates' waits over an item of *n*, and
///   O(*picks* × Σ candidate sizes) for the picks.
enum SegmentRanking {
    /// A pick: the candidate (an index into the candidates given) and its unexplained hours.
    struct Pick: Equatable {
        var candidate: Int
        var unexplainedHours: Double
    }

    /// Picks up to `limit` candidates, best first, ties by the candidates' order, leaving out
    /// restatements.
    ///
    /// - Parameters:
    ///   - residuals: per wait (position in the item), its hours beyond the `WaitProfile`.
    ///   - members: per candidate, the positions of its waits, ascending.
    ///   - minOwnShare: a candidate whose unexplained hours were positive before any pick is left
    ///     out when less than this share of them remains at its turn.
    /// - Complexity: O(*limit* × Σ |members|) (a left-out candidate costs nothing more).
    static func picks(residuals: [Double], members: [[Int32]], limit: Int, minOwnShare: Double = 0.5) -> [Pick] {
        var residuals = residuals
        var scores = members.map { positions in positions.reduce(0.0) { $0 + residuals[Int($1)] } }
        let own = scores
        var taken = [Bool](repeating: false, count: members.count)
        var result: [Pick] = []
        var left = members.count
        while result.count < limit && left > 0 {
            var best = -1
            for c in members.indices where !taken[c] && (best < 0 || scores[c] > scores[best]) { best = c }
            taken[best] = true
            left -= 1
            if own[best] > 0 && scores[best] < minOwnShare * own[best] { continue }
            result.append(Pick(candidate: best, unexplainedHours: scores[best]))
            let positions = members[best]
            // A pick that adds nothing changes nothing: lowering its waits by a negative mean would
            // raise the others above what they add.
            guard scores[best] > 0, !positions.isEmpty, result.count < limit, left > 0 else { continue }
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

import Storage
import Testing
import _TestSupport

@testable import Mining

/// The bottleneck ranking's parts: the wait profile against a reference built from group means,
/// the promise tiers as quartiles, and the stagewise picks on hand-made residuals.
@Suite struct SegmentRankingTests {
    /// Random waits with weekday, hour and tier codes (some levels left empty on purpose).
    static func waits(_ n: Int, seed: UInt64) -> (waits: [Int64], weekday: [Int8], hour: [Int8], tier: [Int8]) {
        var rng = SplitMix(seed: seed)
        var waits: [Int64] = []
        var weekday: [Int8] = []
        var hour: [Int8] = []
        var tier: [Int8] = []
        for _ in 0..<n {
            // Some negative waits (they count as zero) and a long tail.
            waits.append(Int64(rng.next() % 40_000_000_000) - 2_000_000_000)
            weekday.append(Int8(rng.next() % 6))  // no Sundays
            hour.append(Int8(rng.next() % 24))
            tier.append([0, 1, 3, WaitProfile.noTier][Int(rng.next() % 4)])
        }
        return (waits, weekday, hour, tier)
    }

    @Test(arguments: [1, 7, 500]) func profileEqualsGroupMeans(n: Int) {
        let x = Self.waits(n, seed: UInt64(n))
        let profile = WaitProfile(waits: x.waits, weekday: x.weekday, hour: x.hour, tier: x.tier)
        let residuals = profile.residuals(waits: x.waits, weekday: x.weekday, hour: x.hour, tier: x.tier)
        // The reference: the mean of the waits (negative as zero) sharing a code, by filtering.
        let hours = x.waits.map { Double(max($0, 0)) / 3.6e9 }
        func mean(_ keep: (Int) -> Bool) -> Double {
            let chosen = hours.indices.filter(keep).map { hours[$0] }
            return chosen.reduce(0, +) / Double(chosen.count)
        }
        let overall = mean { _ in true }
        var sum = 0.0
        for p in hours.indices {
            let expected =
                mean { x.weekday[$0] == x.weekday[p] } + mean { x.hour[$0] == x.hour[p] }
                + mean { x.tier[$0] == x.tier[p] } - 2 * overall
            #expect(abs(residuals[p] - (hours[p] - expected)) <= 1e-9 * max(1, abs(hours[p])))
            sum += residuals[p]
        }
        // The marginal-means fit leaves nothing over on the whole item.
        #expect(abs(sum) <= 1e-9 * Double(n) * max(1, overall))
        // Without tiers the profile is the calendar's alone.
        let calendar = WaitProfile(waits: x.waits, weekday: x.weekday, hour: x.hour, tier: nil)
        let p = n - 1
        let expected = mean { x.weekday[$0] == x.weekday[p] } + mean { x.hour[$0] == x.hour[p] } - overall
        let r = calendar.residuals(waits: x.waits, weekday: x.weekday, hour: x.hour, tier: nil)[p]
        #expect(abs(r - (hours[p] - expected)) <= 1e-9 * max(1, abs(hours[p])))
    }

    @Test func promiseTiersAreQuartilesOfTheLeadTime() throws {
        typealias E = MiningFixtures.Event
        // Eight cases with leads of 1 ... 8 hours from their first event, and one without.
        let cases = (0..<9).map { c in [E(activity: "A", time: Int64(c) * 100), E(activity: "B", time: 50_000)] }
        let log = MiningFixtures.log(cases)
        let promise = (0..<9).map { c in c == 8 ? Int64.min : (Int64(c) * 100 + Int64(c + 1) * 3_600) * 1_000_000 }
        let tiers = try #require(WaitProfile.promiseTiers(log: log, promise: promise))
        // Nearest-rank quartiles 2 h, 4 h, 6 h; a lead on a cut point goes to the lower tier.
        #expect(tiers == [0, 0, 1, 1, 2, 2, 3, 3, WaitProfile.noTier])
        // One lead for everyone (or no promise at all) tells nothing apart.
        let same = (0..<9).map { Int64($0) * 100 * 1_000_000 + 3_600_000_000 }
        #expect(WaitProfile.promiseTiers(log: log, promise: same) == nil)
        #expect(WaitProfile.promiseTiers(log: log, promise: [Int64](repeating: .min, count: 9)) == nil)
    }

    @Test func stagewisePicksCountWhatEachSegmentAdds() {
        // Ten waits. A = 0...3 at +3 h each; B = 0...1 lies inside A and says nothing more;
        // C = 3...5 overlaps A at wait 3 and adds +2 h at waits 4 and 5; D = 6...9 is below the
        // profile.
        let residuals: [Double] = [3, 3, 3, 3, 2, 2, -1, -1, -1, -1]
        let members: [[Int32]] = [[0, 1, 2, 3], [0, 1], [3, 4, 5], [6, 7, 8, 9]]
        let all = SegmentRanking.picks(residuals: residuals, members: members, limit: 4, minOwnShare: 0)
        #expect(all.map(\.candidate) == [0, 2, 1, 3])
        // A: 12 h. Then A's waits are lowered by its mean (3 h): C keeps 0 + 2 + 2 of its 7, B has
        // 0 of its 6 left. D adds nothing, and as a pick that adds nothing it lowers nothing.
        #expect(all.map(\.unexplainedHours) == [12, 4, 0, -4])
        // By default a restatement (less than half of its own hours left: B) is left out; C keeps
        // 4/7 and stays; D had nothing to restate.
        let picks = SegmentRanking.picks(residuals: residuals, members: members, limit: 4)
        #expect(picks.map(\.candidate) == [0, 2, 3] && picks.map(\.unexplainedHours) == [12, 4, -4])
        #expect(SegmentRanking.picks(residuals: residuals, members: members, limit: 4, minOwnShare: 0.6).count == 2)
        // A limit keeps the first picks only.
        #expect(SegmentRanking.picks(residuals: residuals, members: members, limit: 2).map(\.candidate) == [0, 2])
        #expect(SegmentRanking.picks(residuals: residuals, members: [], limit: 3).isEmpty)
        // Ties by the candidates' order.
        #expect(SegmentRanking.picks(residuals: [1, 1], members: [[1], [0]], limit: 2).map(\.candidate) == [0, 1])
    }
}

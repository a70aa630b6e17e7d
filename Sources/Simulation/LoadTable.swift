import Foundation

/// Queue-wait multipliers per node and working day, from how busy the node is that day.
///
/// A node's load on a day is its intake that day over its usual intake on that weekday (the mean
/// over the window's non-promotion days), and the wait before picking scales with
/// `load ^ exponent`. Promotions therefore lengthen waits at the nodes they flood without any
/// special case, which is how real backlogs behave; a quiet day is quicker than usual.
struct LoadTable: Sendable {
    private let factors: [Double]
    private let days: Int

    /// Builds the table from node-major intake counts (`days` per node).
    ///
    /// - Complexity: O(*m* · *d*) for *m* nodes and *d* days.
    init(counts: [Int], days: Int, plan: ScenarioPlan) {
        self.days = days
        let nodes = counts.count / days
        var factors = [Double](repeating: 1, count: counts.count)
        let startDay = plan.windowStart / Clock.day
        let promoDay = (0..<plan.days).map { d in plan.promotion(at: plan.windowStart + Millis(d) * Clock.day) != nil }
        for node in 0..<nodes {
            let base = node * days
            var usual = [Double](repeating: 0, count: 7)
            for weekday in 0..<7 {
                var sum = 0
                var n = 0
                for d in 0..<plan.days where Clock.weekday(ofDay: startDay + Int64(d)) == weekday && !promoDay[d] {
                    sum += counts[base + d]
                    n += 1
                }
                if n == 0 || sum == 0 {
                    for d in 0..<plan.days where Clock.weekday(ofDay: startDay + Int64(d)) == weekday {
                        sum += counts[base + d]
                        n += 1
                    }
                }
                usual[weekday] = n > 0 ? Double(sum) / Double(n) : 0
            }
            for d in 0..<plan.days {
                let expected = usual[Clock.weekday(ofDay: startDay + Int64(d))]
                // Below ~20 orders a day the ratio is noise, not load.
                guard expected >= 20 else { continue }
                let load = min(5, max(0.6, Double(counts[base + d]) / expected))
                factors[base + d] = pow(load, plan.waitLoadExponent)
            }
        }
        self.factors = factors
    }

    /// The wait multiplier for a node on a day (days from the window start); 1 outside the window.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    func factor(node: UInt8, day: Int32) -> Double {
        guard day >= 0, Int(day) < days else { return 1 }
        return factors[Int(node) * days + Int(day)]
    }
}

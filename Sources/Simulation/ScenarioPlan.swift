/// The concrete scenario one config describes: the window, the promotion dates, and the size of
/// every injected pattern, all fixed before the first order is drawn.
///
/// Promotion dates are drawn from the seed (so different seeds give different calendars), the
/// rest is set by the config. The plan is immutable and shared by the threads that generate
/// orders.
struct ScenarioPlan: Sendable {
    /// One promotion window, whole days.
    struct PromotionWindow: Sendable {
        var name: String
        var code: String
        var start: Millis
        var end: Millis
        var factor: Double
    }

    let config: SimulationConfig
    let windowStart: Millis
    let windowEnd: Millis
    let days: Int
    let promotions: [PromotionWindow]
    /// Channels whose intake the promotions multiply (not B2B).
    let promotedChannels: [Bool] = [true, true, true, true, false]

    // Pattern 1: a congested node.
    let congestedNode: UInt8 = Retailer.dcS
    /// Weekdays (0 = Monday) on which it is congested.
    let congestedWeekdays: [Int] = [0, 1]
    let congestionFactor: Double
    /// Median Picked → Packed wait, before congestion.
    let packWaitMedian: Millis = 35 * Clock.minute

    // Pattern 2: marketplace inventory-sync lag.
    let allocationFailureRates: [Double]
    let baselineFailureRate = 0.03
    let syncRetryMedian: Millis = 4 * Clock.hour
    let maxAllocationAttempts = 3

    // Pattern 3: a slow carrier in one region.
    let slowCarrier: UInt8 = Retailer.swiftShip
    let slowRegion: UInt8 = 2
    let slowTransitFactor: Double
    let slowDeliveryFailureRate = 0.16

    // Pattern 4: queue waits grow with load.
    let waitLoadExponent = 1.3

    // Pattern 6: drift.
    let driftStart: Millis?
    let driftChannel: UInt8 = Retailer.marketplaceA
    let driftChannelFactor = 2.0
    let driftCarrier: UInt8 = Retailer.natPost
    let driftTransitFactor = 1.8

    /// Builds the plan for a validated config.
    ///
    /// - Complexity: O(1).
    init(_ config: SimulationConfig) {
        self.config = config
        let startDay = config.startDay ?? 0
        windowStart = startDay * Clock.day
        days = config.weeks * 7
        windowEnd = windowStart + Millis(days) * Clock.day
        congestionFactor = config.congestionFactor
        slowTransitFactor = config.slowCarrierTransitFactor
        let mpA = config.marketplaceFailureRate
        allocationFailureRates = [0.03, mpA, max(0.03, mpA * 0.4), 0.03, 0.03]
        let origin = windowStart
        driftStart = config.driftFromWeek.map { origin + Millis($0 - 1) * Clock.week }

        // The promotion calendar: a long sale early in the window and, when the window has room,
        // a short flash sale later. Dates vary with the seed; lengths and names do not.
        var rng = SeededGenerator(seed: config.seed, stream: 0x5052_4F4D_4F, lane: 9)
        var calendar: [PromotionWindow] = []
        let factor = config.promotionVolumeFactor
        let days = self.days
        func window(_ name: String, _ code: String, firstDay: Int, length: Int) -> PromotionWindow {
            let start = origin + Millis(firstDay) * Clock.day
            return PromotionWindow(
                name: name, code: code, start: start, end: start + Millis(length) * Clock.day, factor: factor)
        }
        if days >= 14 {
            calendar.append(window("Mid-Season Sale", "MIDSEASON", firstDay: 7 + rng.int(below: 4), length: 4))
        } else {
            calendar.append(window("Mid-Season Sale", "MIDSEASON", firstDay: 2 + rng.int(below: 2), length: 3))
        }
        if days >= 28 {
            // A weekend sale: Saturday and Sunday in the second half of the window.
            let saturdays = (max(21, days / 2)..<(days - 2)).filter {
                Clock.weekday(ofDay: startDay + Int64($0)) == 5
            }
            if !saturdays.isEmpty {
                let first = saturdays[rng.int(below: saturdays.count)]
                calendar.append(window("Flash Weekend", "FLASH48", firstDay: first, length: 2))
            }
        }
        promotions = calendar
    }

    /// The promotion running at `t`, if any.
    ///
    /// - Complexity: O(*p*) in the number of promotions (at most two).
    @inline(__always)
    func promotion(at t: Millis) -> Int? {
        for (i, p) in promotions.enumerated() where t >= p.start && t < p.end { return i }
        return nil
    }

    /// True when the drift is active at `t`.
    @inline(__always)
    func drifted(_ t: Millis) -> Bool {
        guard let driftStart else { return false }
        return t >= driftStart
    }

    /// Probability that one allocation attempt of a channel's order fails.
    @inline(__always)
    func allocationFailureRate(channel: UInt8) -> Double { allocationFailureRates[Int(channel)] }

    /// True when `node` is congested on the weekday of `t`.
    @inline(__always)
    func isCongested(node: UInt8, at t: Millis) -> Bool {
        node == congestedNode && congestedWeekdays.contains(Clock.weekday(t))
    }
}

/// When orders arrive and through which channel: an inhomogeneous arrival process over the window.
///
/// The window is cut into hour-by-channel cells. A cell's weight is the channel's share times its
/// weekday and hour-of-day profile (normalised so that shares hold over the window), times the
/// promotion factor and the drift factor where they apply. Orders are drawn from the cells by
/// inverse transform sampling, placed uniformly within their hour at millisecond resolution, and
/// sorted, so order numbers rise with creation time as in a real OMS.
struct ArrivalSchedule {
    /// Creation time of each order, ascending.
    var created: [Millis]
    /// Channel code of each order.
    var channel: [UInt8]
    /// The drift channel's expected share outside promotions, before and after the drift start.
    var driftShares: (before: Double, after: Double)

    /// Draws `plan.config.orders` arrivals.
    ///
    /// - Complexity: O(*n* log *n*) for *n* orders (a binary search per draw, then a sort), plus
    ///   O(*h*) for the *h* hour cells of the window.
    init(plan: ScenarioPlan) {
        let channels = Retailer.channelNames.count
        let hours = plan.days * 24
        // Normalise each channel's profile so its share holds over the window.
        var norm = [Double](repeating: 0, count: channels)
        for h in 0..<hours {
            let t = plan.windowStart + Millis(h) * Clock.hour
            let wd = Clock.weekday(t)
            for c in 0..<channels {
                norm[c] += Retailer.weekdayProfile[c][wd] * Retailer.hourlyProfile[c][h % 24]
            }
        }
        var cdf = [Double](repeating: 0, count: hours * channels)
        var total = 0.0
        var shareSums = (
            before: [Double](repeating: 0, count: channels), after: [Double](repeating: 0, count: channels)
        )
        for h in 0..<hours {
            let t = plan.windowStart + Millis(h) * Clock.hour
            let wd = Clock.weekday(t)
            let promo = plan.promotion(at: t)
            let drifted = plan.drifted(t)
            for c in 0..<channels {
                var w =
                    Retailer.channelShares[c] * Retailer.weekdayProfile[c][wd] * Retailer.hourlyProfile[c][h % 24]
                    / norm[c]
                if drifted && c == Int(plan.driftChannel) { w *= plan.driftChannelFactor }
                if promo == nil {
                    if drifted { shareSums.after[c] += w } else { shareSums.before[c] += w }
                }
                if let promo, plan.promotedChannels[c] { w *= plan.promotions[promo].factor }
                total += w
                cdf[h * channels + c] = total
            }
        }
        func share(_ sums: [Double]) -> Double {
            let all = sums.reduce(0, +)
            return all > 0 ? sums[Int(plan.driftChannel)] / all : 0
        }
        driftShares = (share(shareSums.before), share(shareSums.after))

        var rng = SeededGenerator(seed: plan.config.seed, stream: 0x4152_5249_5645, lane: 8)
        let n = plan.config.orders
        var keys = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let u = rng.uniform() * total
            var lo = 0
            var hi = cdf.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cdf[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            let hour = lo / channels
            let offset = Millis(hour) * Clock.hour + Millis(rng.int(below: Int(Clock.hour)))
            keys[i] = UInt64(offset) << 3 | UInt64(lo % channels)
        }
        keys.sort()
        created = keys.map { plan.windowStart + Millis($0 >> 3) }
        channel = keys.map { UInt8($0 & 7) }
    }
}

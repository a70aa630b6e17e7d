import Foundation

/// The first pass: for each order, who bought what through which channel, the promise made, the
/// payment, and the OMS's allocation attempts.
///
/// Also counts each node's intake per working day, which the second pass turns into queue-wait
/// factors (`LoadTable`); that is why the simulation runs in two passes.
struct OrderIntake: Sendable {
    let plan: ScenarioPlan
    /// Number of distinct consumer accounts and business accounts to draw customers from.
    let consumerPool: Int
    let businessPool: Int
    /// Days covered by the load counts: the window plus room for orders allocated after it.
    let loadDays: Int

    init(plan: ScenarioPlan) {
        self.plan = plan
        consumerPool = max(200, plan.config.orders * 2 / 5)
        businessPool = max(20, plan.config.orders / 100)
        loadDays = plan.days + 28
    }

    private static let categoryMix = Retailer.categoryMix.map(cumulative)
    private static let regionMix = cumulative(Retailer.regionWeights)
    private static let consumerMethods = cumulative([0.68, 0.22, 0.10])
    private static let declineRates: [Double] = [0.012, 0.003, 0.003, 0.012, 0.006]
    private static let cancelRequestRates: [Double] = [0.02, 0.015, 0.015, 0.025, 0.01]

    /// Generates orders `range` (creation times and channels from `arrivals`) into a new chunk,
    /// and adds each allocated order's node and working day to `load` (node-major, `loadDays`
    /// per node).
    ///
    /// - Complexity: O(*n*) for *n* orders in the range.
    func generate(_ range: Range<Int>, arrivals: ArrivalSchedule, load: inout [Int]) -> SourceRows {
        var rows = SourceRows()
        rows.orders.reserve(range.count)
        for i in range {
            order(i, created: arrivals.created[i], channel: arrivals.channel[i], rows: &rows, load: &load)
        }
        return rows
    }

    /// A customer's home region: fixed per account, so repeat customers keep their address.
    @inline(__always)
    private func region(ofCustomer customer: Int32, business: Bool) -> UInt8 {
        let h = SplitMix64.mix(UInt64(customer) &* 2 &+ (business ? 1 : 0) ^ plan.config.seed)
        let u = Double(h >> 11) * 0x1.0p-53 * Self.regionMix[Self.regionMix.count - 1]
        var r = 0
        while r < Self.regionMix.count - 1 && u >= Self.regionMix[r] { r += 1 }
        return UInt8(r)
    }

    /// The catalogue price of a SKU in cents: the same for every order and every seed, ending
    /// in .99 as retail prices do.
    @inline(__always)
    static func price(category: Int, sku: Int) -> Int64 {
        var mixer = SplitMix64(state: UInt64(category) << 32 | UInt64(sku))
        let u1 = 1.0 - Double(mixer.next() >> 11) * 0x1.0p-53
        let u2 = Double(mixer.next() >> 11) * 0x1.0p-53
        let z = max(-3, min(3, (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)))
        let euros = Retailer.priceMedians[category] * exp(Retailer.priceSpreads[category] * z)
        return max(1, Int64(euros.rounded())) * 100 - 1
    }

    /// The promised time: a delivery date by speed and channel (Sundays do not count, the promise
    /// is kept by 21:00), or for store pickup four hours while the store is open, else noon.
    @inline(__always)
    private func promise(created: Millis, channel: UInt8, speed: UInt8) -> Millis {
        let midnight = Clock.midnight(created)
        let tod = created - midnight
        if speed == Retailer.pickup {
            if tod >= 9 * Clock.hour && tod < 17 * Clock.hour { return created + 4 * Clock.hour }
            return (tod < 9 * Clock.hour ? midnight : midnight + Clock.day) + 12 * Clock.hour
        }
        // Count delivery days (Monday to Saturday) from the dispatch day: express orders placed
        // before noon on a warehouse day leave that day and arrive the next delivery day.
        var day = Clock.dayNumber(created)
        var days = [3, 3, 3, 3, 4][Int(channel)]
        if speed == Retailer.express {
            if tod >= 12 * Clock.hour || Clock.weekday(ofDay: day) == 6 {
                repeat { day += 1 } while Clock.weekday(ofDay: day) == 6
            }
            days = 1
        }
        while days > 0 {
            day += 1
            if Clock.weekday(ofDay: day) != 6 { days -= 1 }
        }
        return day * Clock.day + 21 * Clock.hour
    }

    /// Generates one order.
    ///
    /// - Complexity: O(*l*) in its lines.
    private func order(_ i: Int, created: Millis, channel: UInt8, rows: inout SourceRows, load: inout [Int]) {
        var rng = SeededGenerator(seed: plan.config.seed, stream: UInt64(i), lane: 1)
        let end = plan.windowEnd
        let c = Int(channel)
        let isB2B = channel == Retailer.b2b
        let oi = Int32(i)

        // Who and what.
        let customer: Int32 =
            isB2B ? Int32(rng.int(below: businessPool)) : Int32(Double(consumerPool) * pow(rng.uniform(), 1.6))
        let region = self.region(ofCustomer: customer, business: isB2B)
        let category = UInt8(rng.pick(Self.categoryMix[c]))
        var lineCount = 1
        if isB2B {
            lineCount = 1 + rng.int(below: 5)
        } else {
            while lineCount < 5 && rng.chance(0.42) { lineCount += 1 }
        }
        var value: Int64 = 0
        var items: Int32 = 0
        var firstLine: Int64 = 0
        for l in 0..<lineCount {
            let lineCategory = l == 0 || rng.chance(0.75) ? Int(category) : rng.pick(Self.categoryMix[c])
            let size = Retailer.catalogSizes[lineCategory]
            let sku = min(size - 1, Int(Double(size) * rng.uniform() * rng.uniform()))
            let price = Self.price(category: lineCategory, sku: sku)
            let qty: Int32 =
                isB2B ? Int32(4 + rng.int(below: 37)) : (rng.chance(0.86) ? 1 : Int32(2 + rng.int(below: 2)))
            rows.lines.order.append(oi)
            rows.lines.lineNo.append(UInt8(l + 1))
            rows.lines.category.append(UInt8(lineCategory))
            rows.lines.sku.append(Int32(sku + 1))
            rows.lines.qty.append(qty)
            rows.lines.priceCents.append(Int32(price))
            value += Int64(qty) * price
            items += qty
            if l == 0 { firstLine = Int64(qty) * price }
        }

        // How it will be fulfilled, and what was promised.
        let speed: UInt8 =
            channel == Retailer.storePickup
            ? Retailer.pickup : (rng.chance(Retailer.expressShare[c]) ? Retailer.express : Retailer.standard)
        let node: UInt8
        if channel == Retailer.storePickup {
            node = Retailer.store(region: region, index: rng.int(below: Retailer.storesPerRegion))
        } else if (channel == Retailer.web || channel == Retailer.marketplaceB) && speed == Retailer.standard
            && rng.chance(0.07)
        {
            node = Retailer.store(region: region, index: rng.int(below: Retailer.storesPerRegion))
        } else {
            node = Retailer.regionDC[Int(region)]
        }
        let carrier: UInt8
        if channel == Retailer.storePickup {
            carrier = 255
        } else if isB2B {
            carrier = UInt8(rng.pick(Retailer.b2bCarriers))
        } else if !Retailer.isDC(node) {
            carrier = UInt8(rng.pick(Retailer.storeCarriers))
        } else if speed == Retailer.express {
            carrier = UInt8(rng.pick(Retailer.expressCarriers))
        } else {
            carrier = UInt8(rng.pick(Retailer.standardCarriers))
        }
        let window = plan.promotion(at: created)
        if let window { rows.tally.promotionOrders[window] += 1 }
        let promo = plan.promotedChannels[c] ? window : nil
        let isMarketplace = channel == Retailer.marketplaceA || channel == Retailer.marketplaceB
        let externalRef: UInt64 = isMarketplace ? 1_000_000_000 + rng.next() % 9_000_000_000 : 0

        // Payment: card authorisation in seconds; B2B credit check in office hours.
        let method: UInt8 = isMarketplace ? 3 : isB2B ? 4 : UInt8(rng.pick(Self.consumerMethods))
        let authorization =
            isB2B
            ? Retailer.officeHours.align(created) + rng.duration(median: 40 * Clock.minute, sigma: 1.0)
            : created + rng.duration(median: 20 * Clock.second, sigma: 0.9)
        var authorized = authorization
        var paymentStatus = PaymentStatus.authorized
        var cancelled = Clock.never
        var cancelReason: UInt8 = 0
        var allocated = Clock.never
        rows.tally.events[Activity.orderCreated] += 1
        if rng.chance(Self.declineRates[c]) {
            authorized = Clock.never
            paymentStatus = authorization <= end ? PaymentStatus.declined : PaymentStatus.pending
            cancelled = authorization + rng.duration(median: 8 * Clock.minute, sigma: 0.6)
        } else {
            if authorized <= end {
                rows.tally.events[Activity.paymentAuthorized] += 1
            } else {
                paymentStatus = PaymentStatus.pending
            }
            // Allocation: marketplace orders fail more often because the marketplace sold
            // stock the OMS no longer has; the retry waits for the next inventory sync.
            let failureRate = plan.allocationFailureRate(channel: channel)
            let retryMedian = isMarketplace ? plan.syncRetryMedian : 75 * Clock.minute
            var t = authorized + rng.duration(median: 90 * Clock.second, sigma: 0.7)
            var attempt = 1
            var failedInWindow = false
            while true {
                let fails = rng.chance(failureRate)
                if t <= end {
                    rows.allocations.order.append(oi)
                    rows.allocations.attempt.append(UInt8(attempt))
                    rows.allocations.at.append(t)
                    rows.allocations.failed.append(fails)
                    rows.allocations.node.append(node)
                    rows.tally.events[fails ? Activity.allocationFailed : Activity.orderAllocated] += 1
                    if fails { failedInWindow = true }
                }
                if !fails {
                    allocated = t
                    break
                }
                if attempt == plan.maxAllocationAttempts {
                    cancelled = t + rng.duration(median: 5 * Clock.minute, sigma: 0.5)
                    cancelReason = 1
                    break
                }
                t += rng.duration(median: retryMedian, sigma: 0.5)
                attempt += 1
            }
            if failedInWindow { rows.tally.syncFailedOrders[c] += 1 }
        }

        // The node's work queue: the working day the order reaches it.
        var workDay: Int32 = -1
        if allocated != Clock.never {
            let hours = Retailer.isDC(node) ? Retailer.dcHours : Retailer.storeHours
            let day = Int(Clock.dayNumber(hours.align(allocated)) - plan.windowStart / Clock.day)
            if day < loadDays {
                workDay = Int32(day)
                load[Int(node) * loadDays + day] += 1
            }
        }
        let cancelRequest =
            rng.chance(Self.cancelRequestRates[c])
            ? created + rng.duration(median: 150 * Clock.minute, sigma: 1.2) : Clock.never

        rows.orders.created.append(created)
        rows.orders.channel.append(channel)
        rows.orders.customer.append(customer)
        rows.orders.region.append(region)
        rows.orders.category.append(category)
        rows.orders.valueCents.append(value)
        rows.orders.itemCount.append(items)
        rows.orders.lineCount.append(UInt8(lineCount))
        rows.orders.firstLineCents.append(firstLine)
        rows.orders.speed.append(speed)
        rows.orders.node.append(node)
        rows.orders.carrier.append(carrier)
        rows.orders.promised.append(promise(created: created, channel: channel, speed: speed))
        rows.orders.promo.append(promo.map { Int8($0) } ?? -1)
        rows.orders.externalRef.append(externalRef)
        rows.orders.paymentMethod.append(method)
        rows.orders.authorized.append(authorized)
        rows.orders.paymentStatus.append(paymentStatus)
        rows.orders.allocated.append(allocated)
        rows.orders.workDay.append(workDay)
        rows.orders.cancelRequest.append(cancelRequest)
        rows.orders.cancelled.append(cancelled)
        rows.orders.cancelReason.append(cancelReason)
        rows.orders.status.append(0)
    }
}

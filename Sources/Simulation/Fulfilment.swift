/// The second pass: each allocated order through the warehouse or store, the carrier or the
/// pickup counter, invoicing, returns and refunds, cut off at the window end.
///
/// Every step waits realistically: warehouse work only during opening hours and after a queue
/// whose length follows the node's load; carriers collect at fixed times; vans leave in the
/// morning; the ERP invoices in a nightly batch; refunds are processed in office hours. The
/// injected patterns act on the steps they name (see `ScenarioPlan`). Each order's whole future
/// is drawn first, then only what happened before the window end is written, so orders created
/// late are still in flight.
struct Fulfilment: Sendable {
    let plan: ScenarioPlan
    let load: LoadTable

    /// Completes the chunk produced by `OrderIntake` for orders `range`.
    ///
    /// - Complexity: O(*n*) for *n* orders.
    func complete(_ rows: inout SourceRows, range: Range<Int>) {
        for (k, i) in range.enumerated() { order(k, index: i, rows: &rows) }
    }

    // Probability that a click-and-collect parcel is collected at all.
    private static let collectionRate = 0.95

    /// Completes one order.
    ///
    /// - Complexity: O(1).
    private func order(_ k: Int, index i: Int, rows: inout SourceRows) {
        var rng = SeededGenerator(seed: plan.config.seed, stream: UInt64(i), lane: 2)
        let end = plan.windowEnd
        let oi = Int32(i)
        let channel = rows.orders.channel[k]
        let node = rows.orders.node[k]
        let region = rows.orders.region[k]
        let category = Int(rows.orders.category[k])
        let carrier = rows.orders.carrier[k]
        let isPickup = channel == Retailer.storePickup
        let isB2B = channel == Retailer.b2b
        let allocated = rows.orders.allocated[k]
        var cancelled = rows.orders.cancelled[k]
        var cancelReason = rows.orders.cancelReason[k]
        var shippedOrCollected = Clock.never  // carrier pickup, or customer pickup at the store
        var finished = Clock.never  // delivered or collected
        var ready = Clock.never
        var label = Clock.never
        var packed = Clock.never
        var returned = Clock.never
        var invoiced = Clock.never
        var pickStarted = Clock.never

        if allocated != Clock.never {
            let isDC = Retailer.isDC(node)
            let hours = isDC ? Retailer.dcHours : Retailer.storeHours
            let lines = Millis(rows.orders.lineCount[k])

            // Queue, pick, pack.
            let queue = Double(rng.duration(median: (isDC ? 80 : 40) * Clock.minute, sigma: 0.7))
            let loadFactor = load.factor(node: node, day: rows.orders.workDay[k])
            let pickStart = hours.align(hours.align(allocated) + Millis(queue * loadFactor))
            let pickMedian = 4 * Clock.minute + (lines - 1) * 90 * Clock.second + (isB2B ? 20 * Clock.minute : 0)
            let pickDone = pickStart + rng.duration(median: pickMedian, sigma: 0.4)
            let congested = plan.isCongested(node: node, at: pickDone)
            var wait = Double(rng.duration(median: plan.packWaitMedian, sigma: 0.6))
            if congested { wait *= plan.congestionFactor }
            let packStart = hours.align(pickDone + Millis(wait))
            packed = packStart + rng.duration(median: (isB2B ? 15 : 4) * Clock.minute, sigma: 0.35)
            if isPickup {
                ready = packed + rng.duration(median: 8 * Clock.minute, sigma: 0.5)
            } else {
                label = packed + rng.duration(median: 3 * Clock.minute, sigma: 0.5)
            }

            // A customer's cancellation succeeds until the parcel is labelled or on the shelf.
            let request = rows.orders.cancelRequest[k]
            if request < (isPickup ? ready : label) {
                cancelled = request
                cancelReason = 2
            }
            let stop = min(cancelled, end)
            let pickers = isDC ? Retailer.workersPerDC : Retailer.workersPerStore
            if pickStart <= stop {
                pickStarted = pickStart
                task(rows: &rows, oi, node, pack: false, pickStart, pickDone, worker: rng.int(below: pickers))
            }
            if packStart <= stop {
                task(rows: &rows, oi, node, pack: true, packStart, packed, worker: rng.int(below: pickers))
                if congested { rows.tally.congestedOrders += 1 }
            }

            if cancelled == Clock.never {
                if isPickup {
                    var pickedUp = Clock.never
                    if rng.chance(Self.collectionRate) {
                        pickedUp = Retailer.storeHours.align(
                            ready + rng.duration(median: 20 * Clock.hour, sigma: 0.9))
                        shippedOrCollected = pickedUp
                        finished = pickedUp
                    } else {
                        cancelled = Retailer.storeHours.align(ready + 7 * Clock.day)
                        cancelReason = 3
                    }
                    if ready <= end {
                        rows.pickups.order.append(oi)
                        rows.pickups.store.append(node)
                        rows.pickups.ready.append(ready)
                        rows.pickups.pickedUp.append(pickedUp <= end ? pickedUp : Clock.never)
                        rows.tally.events[Activity.readyForPickup] += 1
                        if pickedUp <= end { rows.tally.events[Activity.pickedUp] += 1 }
                    }
                } else {
                    let (collected, delivered) = ship(
                        rows: &rows, oi, k, label: label, node: node, region: region, carrier: carrier, rng: &rng)
                    shippedOrCollected = collected
                    finished = delivered
                }
            }
        }

        // Invoicing: the nightly ERP batch after goods leave.
        if shippedOrCollected != Clock.never {
            invoiced = Retailer.invoiceBatch.next(atOrAfter: shippedOrCollected + Clock.minute)
            if invoiced <= end {
                rows.invoices.order.append(oi)
                rows.invoices.at.append(invoiced)
                rows.invoices.amountCents.append(rows.orders.valueCents[k])
                rows.tally.events[Activity.invoiced] += 1
            }
        }

        // Returns and refunds.
        let promised = rows.orders.promised[k]
        let keptAt = isPickup ? ready : finished
        if finished != Clock.never {
            returned = returnIfAny(
                rows: &rows, oi, k, finished: finished, late: keptAt > promised, lateBy: keptAt - promised,
                category: category, carrier: carrier, isPickup: isPickup, rng: &rng)
        }

        // The state the systems show at the window end.
        var status: UInt8
        if cancelled <= end {
            status = 8
            rows.tally.cancelled += 1
            rows.tally.events[Activity.orderCancelled] += 1
        } else if returned <= end {
            status = 9
        } else if finished <= end {
            status = isPickup ? 7 : 5
        } else if ready <= end {
            status = 6
        } else if shippedOrCollected <= end {
            status = 4
        } else if pickStarted <= end {
            status = 3
        } else if allocated <= end {
            status = 2
        } else if rows.orders.authorized[k] <= end {
            status = 1
        } else {
            status = 0
        }
        if status == 5 || status == 7 || status == 9 {
            rows.tally.finished += 1
            if keptAt > promised { rows.tally.late += 1 }
        } else if status != 8 {
            rows.tally.open += 1
        }
        rows.orders.status[k] = status
        rows.orders.cancelled[k] = cancelled <= end ? cancelled : Clock.never
        rows.orders.cancelReason[k] = cancelReason
        var payment = rows.orders.paymentStatus[k]
        if payment != PaymentStatus.declined && payment != PaymentStatus.pending {
            if cancelled <= end {
                payment = PaymentStatus.voided
            } else if invoiced <= end {
                payment = PaymentStatus.captured
            }
        }
        rows.orders.paymentStatus[k] = payment
    }

    /// Appends a warehouse task; a task still running at the window end has no completion.
    @inline(__always)
    private func task(
        rows: inout SourceRows, _ oi: Int32, _ node: UInt8, pack: Bool, _ start: Millis, _ done: Millis, worker: Int
    ) {
        let end = plan.windowEnd
        rows.tasks.order.append(oi)
        rows.tasks.node.append(node)
        rows.tasks.isPack.append(pack)
        rows.tasks.started.append(start)
        rows.tasks.completed.append(done <= end ? done : Clock.never)
        rows.tasks.worker.append(UInt16(worker))
        if pack {
            if done <= end { rows.tally.events[Activity.packed] += 1 }
        } else {
            rows.tally.events[Activity.pickStarted] += 1
            if done <= end { rows.tally.events[Activity.picked] += 1 }
        }
    }

    /// Appends a carrier scan if it happened in the window.
    @inline(__always)
    private func scan(
        rows: inout SourceRows, _ oi: Int32, _ carrier: UInt8, _ at: Millis, _ kind: UInt8, _ location: UInt8
    ) {
        guard at <= plan.windowEnd else { return }
        rows.scans.order.append(oi)
        rows.scans.carrier.append(carrier)
        rows.scans.at.append(at)
        rows.scans.scan.append(kind)
        rows.scans.location.append(location)
        rows.tally.events[Activity.ofScan[Int(kind)]] += 1
    }

    /// Labels, collects, moves and delivers a parcel; returns the collection and delivery times.
    ///
    /// - Complexity: O(1).
    private func ship(
        rows: inout SourceRows, _ oi: Int32, _ k: Int, label: Millis, node: UInt8, region: UInt8, carrier: UInt8,
        rng: inout SeededGenerator
    ) -> (collected: Millis, delivered: Millis) {
        let end = plan.windowEnd
        let speed = rows.orders.speed[k]
        let slow = carrier == plan.slowCarrier && region == plan.slowRegion
        if label <= end {
            rows.shipments.order.append(oi)
            rows.shipments.carrier.append(carrier)
            rows.shipments.speed.append(speed)
            rows.shipments.label.append(label)
            let grams =
                Double(rows.orders.itemCount[k]) * [650, 1400, 1800, 300, 700, 900][Int(rows.orders.category[k])]
            rows.shipments.weightGrams.append(Int32(grams * (0.85 + 0.3 * rng.uniform())) + 120)
            rows.tally.events[Activity.labelCreated] += 1
            if slow { rows.tally.slowCarrierShipments += 1 }
        }
        let collections = Retailer.isDC(node) ? Retailer.dcCollections : Retailer.storeCollections
        let collected =
            collections.next(atOrAfter: label + 15 * Clock.minute) + Millis(rng.int(below: 20 * 60)) * Clock.second
        var factor = 1.0
        if slow { factor *= plan.slowTransitFactor }
        if carrier == plan.driftCarrier && plan.drifted(collected) { factor *= plan.driftTransitFactor }
        let median = Retailer.transitHours[Int(carrier)][speed == Retailer.express ? 1 : 0] * Double(Clock.hour)
        let transit = Millis(rng.logNormal(median: median, sigma: 0.3) * factor)
        let arrival = collected + transit
        scan(rows: &rows, oi, carrier, collected, Scan.pickedUp, node)
        // Sort-centre scans on the way: the origin's, the destination region's when the parcel
        // crosses regions, and the delivery depot's on arrival.
        let origin = Retailer.nodeRegions[Int(node)]
        let hub = collected + min(rng.duration(median: 150 * Clock.minute, sigma: 0.4), transit / 4)
        scan(rows: &rows, oi, carrier, hub, Scan.inTransit, Scan.sortCentre(origin))
        if origin != region {
            let linehaul = collected + transit / 2 + Millis(rng.int(below: Int(transit / 8) + 1))
            scan(rows: &rows, oi, carrier, linehaul, Scan.inTransit, Scan.sortCentre(region))
        }
        let depot = arrival - min(rng.duration(median: 60 * Clock.minute, sigma: 0.5), transit / 4)
        scan(rows: &rows, oi, carrier, depot, Scan.inTransit, Scan.depot(region))
        let failureRate = slow ? plan.slowDeliveryFailureRate : Retailer.deliveryFailureRates[Int(carrier)]
        var readyForRound = arrival + 30 * Clock.minute
        for attempt in 1...3 {
            let round = Retailer.deliveryRounds.next(atOrAfter: readyForRound)
            let outForDelivery = round + Millis(rng.int(below: 75 * 60)) * Clock.second
            let drop = max(
                outForDelivery + 5 * Clock.minute,
                min(
                    outForDelivery + rng.duration(median: 3 * Clock.hour, sigma: 0.5),
                    Clock.midnight(round) + 20 * Clock.hour))
            scan(rows: &rows, oi, carrier, outForDelivery, Scan.outForDelivery, Scan.depot(region))
            if attempt < 3 && rng.chance(failureRate) {
                scan(rows: &rows, oi, carrier, drop, Scan.deliveryFailed, Scan.town(region))
                readyForRound = drop + Clock.hour
                continue
            }
            scan(rows: &rows, oi, carrier, drop, Scan.delivered, Scan.town(region))
            return (collected, drop)
        }
        preconditionFailure("the third delivery attempt always succeeds")
    }

    /// Decides whether the customer returns the order and why, and writes the return and refund.
    ///
    /// Reasons compete: size/fit, defects, changed minds and "not as described" by category;
    /// damage by carrier; `late_delivery` only for parcels that arrived after their promise.
    ///
    /// - Returns: when the return was requested, or `never`.
    /// - Complexity: O(1).
    private func returnIfAny(
        rows: inout SourceRows, _ oi: Int32, _ k: Int, finished: Millis, late: Bool, lateBy: Millis, category: Int,
        carrier: UInt8, isPickup: Bool, rng: inout SeededGenerator
    ) -> Millis {
        let end = plan.windowEnd
        let hazards = (
            Retailer.sizeFitRates[category], isPickup ? 0 : Retailer.damageRates[Int(carrier)],
            late ? Retailer.lateReturnRate : 0, Retailer.defectiveRates[category],
            Retailer.changedMindRates[category], Retailer.notAsDescribedRates[category]
        )
        let total = hazards.0 + hazards.1 + hazards.2 + hazards.3 + hazards.4 + hazards.5
        var u = rng.uniform()
        guard u < total else { return Clock.never }
        var reason = 0
        for h in [hazards.0, hazards.1, hazards.2, hazards.3, hazards.4] {
            if u < h { break }
            u -= h
            reason += 1
        }
        let delayMedian: Millis =
            reason == Retailer.lateDelivery
            ? 20 * Clock.hour : reason == Retailer.damaged ? 14 * Clock.hour : 3 * Clock.day
        let requested = finished + rng.duration(median: delayMedian, sigma: 0.6)
        let received =
            isPickup
            ? Retailer.storeHours.align(requested + rng.duration(median: Clock.day, sigma: 0.5))
            : Retailer.dcHours.align(requested + rng.duration(median: 4 * Clock.day, sigma: 0.35))
        let refunded = Retailer.officeHours.align(received + rng.duration(median: 18 * Clock.hour, sigma: 0.7))
        guard requested <= end else { return requested }
        let template = rng.int(below: ReturnComments.templates[reason].count)
        let detail: Int =
            reason == Retailer.lateDelivery
            ? Int((lateBy + Clock.day - 1) / Clock.day) : Int((requested - finished) / Clock.day) + 1
        rows.returns.order.append(oi)
        rows.returns.requested.append(requested)
        rows.returns.received.append(received <= end ? received : Clock.never)
        rows.returns.reason.append(UInt8(reason))
        rows.returns.template.append(UInt8(template))
        rows.returns.detail.append(Int16(min(detail, 999)))
        rows.tally.returns += 1
        rows.tally.events[Activity.returnRequested] += 1
        if received <= end { rows.tally.events[Activity.returnReceived] += 1 }
        if refunded <= end {
            let partial = rows.orders.lineCount[k] > 1 && reason != Retailer.damaged && reason != Retailer.lateDelivery
            rows.refunds.order.append(oi)
            rows.refunds.at.append(refunded)
            rows.refunds.amountCents.append(partial ? rows.orders.firstLineCents[k] : rows.orders.valueCents[k])
            rows.tally.events[Activity.refundIssued] += 1
        }
        return requested
    }
}

import Foundation
import Storage
import _WaybillSupport

/// Simulates a multi-channel retailer's operational systems and writes their tables, the
/// extraction mapping and the ground truth of the injected patterns.
///
/// A run draws order arrivals over the window (`ArrivalSchedule`), generates each order's intake
/// (`OrderIntake`), turns the nodes' daily intake into queue-wait factors (`LoadTable`), then
/// completes every order's fulfilment (`Fulfilment`) and writes the rows (`SourceWriter`). Orders
/// are processed in chunks: the intake pass runs on all cores, then a helper thread completes and
/// renders chunks while the calling thread inserts the previous ones, so generation overlaps the
/// SQLite inserts (which bound the run: about 20 s for a million orders and 12.7 million rows on
/// two cores). Every order draws from its own random stream and chunks are written in order, so
/// the output does not depend on the threads.
public enum Simulator {
    /// Orders per chunk: large enough to amortise the hand-offs, small enough to bound memory.
    static let chunkSize = 16_384

    /// The source-system database written into the output folder.
    public static let sourceFileName = "source.sqlite"
    /// The extraction mapping written into the output folder.
    public static let mappingFileName = "mapping.yaml"
    /// The ground truth written into the output folder.
    public static let groundTruthFileName = "ground-truth.json"

    /// Runs the simulation and writes `source.sqlite`, `mapping.yaml` and `ground-truth.json`
    /// into `outputDirectory` (created if missing), replacing earlier files.
    ///
    /// The database is written under a temporary name and renamed when complete, so an
    /// interrupted run never leaves a partial `source.sqlite`.
    ///
    /// - Throws: `SimulationError` for an invalid config (`.invalidConfig`) or an output that
    ///   cannot be written (`.cannotWrite`).
    /// - Complexity: O(*n* log *n*) for *n* orders (the arrival sort); in practice linear, about
    ///   13 rows per order.
    public static func run(_ config: SimulationConfig, outputDirectory: String) throws -> SimulationResult {
        try config.validate()
        let directory = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SimulationError(
                .cannotWrite, "cannot create the output folder", location: outputDirectory, cause: error)
        }
        let sourcePath = directory.appendingPathComponent(sourceFileName).path
        let mappingPath = directory.appendingPathComponent(mappingFileName).path
        let truthPath = directory.appendingPathComponent(groundTruthFileName).path
        let partialPath = directory.appendingPathComponent(".\(sourceFileName).partial").path

        let plan = ScenarioPlan(config)
        let arrivals = ArrivalSchedule(plan: plan)
        try? FileManager.default.removeItem(atPath: partialPath)
        let (rows, tally): ([String: Int], Tally)
        do {
            (rows, tally) = try generate(plan: plan, arrivals: arrivals, into: partialPath)
        } catch let error as StoreError {
            try? FileManager.default.removeItem(atPath: partialPath)
            throw SimulationError(.cannotWrite, "cannot write the source database", location: sourcePath, cause: error)
        }
        guard rename(partialPath, sourcePath) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: partialPath)
            throw SimulationError(
                .cannotWrite, "cannot move the finished database into place: \(reason)", location: sourcePath)
        }

        let truth = groundTruth(plan: plan, arrivals: arrivals, tally: tally)
        do {
            try Data(MappingFile.text.utf8).write(to: URL(fileURLWithPath: mappingPath), options: .atomic)
        } catch {
            throw SimulationError(.cannotWrite, "cannot write the mapping", location: mappingPath, cause: error)
        }
        do {
            try truth.encoded().write(to: URL(fileURLWithPath: truthPath), options: .atomic)
        } catch {
            throw SimulationError(.cannotWrite, "cannot write the ground truth", location: truthPath, cause: error)
        }
        var perActivity: [String: Int] = [:]
        for (i, name) in Activity.names.enumerated() { perActivity[name] = tally.events[i] }
        return SimulationResult(
            sourcePath: sourcePath, mappingPath: mappingPath, groundTruthPath: truthPath, orders: config.orders,
            rows: rows, events: tally.events.reduce(0, +), eventsPerActivity: perActivity)
    }

    /// Generates every chunk and writes it to a new database at `path`.
    ///
    /// - Complexity: O(*n*) for *n* orders.
    private static func generate(plan: ScenarioPlan, arrivals: ArrivalSchedule, into path: String) throws
        -> ([String: Int], Tally)
    {
        let n = plan.config.orders
        let ranges = stride(from: 0, to: n, by: chunkSize).map { $0..<min(n, $0 + chunkSize) }
        let intake = OrderIntake(plan: plan)

        // Pass 1 on all cores: intake, plus each node's intake per working day.
        let firstPass = Slots<(SourceRows, [Int])>()
        DispatchQueue.concurrentPerform(iterations: ranges.count) { c in
            var load = [Int](repeating: 0, count: Retailer.nodeNames.count * intake.loadDays)
            let rows = intake.generate(ranges[c], arrivals: arrivals, load: &load)
            firstPass.put(c, (rows, load))
        }
        var counts = [Int](repeating: 0, count: Retailer.nodeNames.count * intake.loadDays)
        for c in ranges.indices {
            for (i, v) in firstPass.peek(c).1.enumerated() { counts[i] += v }
        }
        let fulfilment = Fulfilment(plan: plan, load: LoadTable(counts: counts, days: intake.loadDays, plan: plan))

        // Pass 2 and rendering on a helper thread, ahead of the writer on this one.
        let secondPass = Slots<(RenderedRows, Tally)>(capacity: 3)
        let producer = Thread {
            for c in ranges.indices {
                guard var rows = firstPass.take(c)?.0 else { return }
                fulfilment.complete(&rows, range: ranges[c])
                let rendered = rows.rendered(range: ranges[c], plan: plan)
                guard secondPass.put(c, (rendered, rows.tally)) else { return }
            }
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer { secondPass.cancel() }

        let writer = try SourceWriter(path: path)
        var tally = Tally()
        for c in ranges.indices {
            guard let (rows, chunkTally) = secondPass.take(c) else { break }
            try writer.write(rows)
            tally.add(chunkTally)
        }
        return (try writer.finish(), tally)
    }

    /// Builds the ground truth from the plan and the counts kept while generating.
    private static func groundTruth(plan: ScenarioPlan, arrivals: ArrivalSchedule, tally: Tally) -> GroundTruth {
        var patterns: [InjectedPattern] = []
        patterns.append(
            .congestedNode(
                .init(
                    node: Retailer.nodeNames[Int(plan.congestedNode)],
                    weekdays: plan.congestedWeekdays.map { Clock.weekdayNames[$0] }, edge: ["Picked", "Packed"],
                    factor: plan.congestionFactor, baselineMedianMinutes: Double(plan.packWaitMedian / Clock.minute),
                    affectedOrders: tally.congestedOrders)))
        for channel in [Retailer.marketplaceA, Retailer.marketplaceB] {
            patterns.append(
                .allocationSyncLag(
                    .init(
                        channel: Retailer.channelNames[Int(channel)],
                        failureRate: plan.allocationFailureRate(channel: channel),
                        baselineRate: plan.baselineFailureRate,
                        retryDelayMedianHours: Double(plan.syncRetryMedian) / Double(Clock.hour),
                        maxAttempts: plan.maxAllocationAttempts, affectedOrders: tally.syncFailedOrders[Int(channel)])))
        }
        patterns.append(
            .slowCarrier(
                .init(
                    carrier: Retailer.carrierNames[Int(plan.slowCarrier)],
                    region: Retailer.regionNames[Int(plan.slowRegion)],
                    transitFactor: plan.slowTransitFactor, deliveryFailureRate: plan.slowDeliveryFailureRate,
                    baselineDeliveryFailureRate: Retailer.deliveryFailureRates[Int(plan.slowCarrier)],
                    affectedOrders: tally.slowCarrierShipments)))
        for (i, p) in plan.promotions.enumerated() {
            patterns.append(
                .promotion(
                    .init(
                        name: p.name, code: p.code, start: TextFormat.iso(p.start), end: TextFormat.iso(p.end),
                        volumeFactor: p.factor,
                        channels: plan.promotedChannels.indices.filter { plan.promotedChannels[$0] }.map {
                            Retailer.channelNames[$0]
                        }, waitLoadExponent: plan.waitLoadExponent, orders: tally.promotionOrders[i])))
        }
        let categories = Retailer.categoryNames.indices.map { c in
            let rates = [
                ("size_fit", Retailer.sizeFitRates[c]), ("defective", Retailer.defectiveRates[c]),
                ("changed_mind", Retailer.changedMindRates[c]), ("not_as_described", Retailer.notAsDescribedRates[c]),
            ]
            return InjectedPattern.ReturnReasons.CategoryRates(
                category: Retailer.categoryNames[c], sizeFit: rates[0].1, defective: rates[1].1,
                changedMind: rates[2].1,
                notAsDescribed: rates[3].1, dominantReason: rates.max { $0.1 < $1.1 }!.0)
        }
        let damage = Retailer.carrierNames.indices.map {
            InjectedPattern.ReturnReasons.CarrierRate(
                carrier: Retailer.carrierNames[$0], rate: Retailer.damageRates[$0])
        }
        patterns.append(
            .returnReasons(
                .init(
                    byCategory: categories, carrierDamageRates: damage,
                    damagedCarrier: damage.max { $0.rate < $1.rate }!.carrier,
                    lateDeliveryRate: Retailer.lateReturnRate,
                    lateReason: Retailer.returnReasonNames[Retailer.lateDelivery], returns: tally.returns)))
        if let start = plan.driftStart, let week = plan.config.driftFromWeek {
            patterns.append(
                .drift(
                    .init(
                        fromWeek: week, start: TextFormat.iso(start),
                        channel: Retailer.channelNames[Int(plan.driftChannel)],
                        channelWeightFactor: plan.driftChannelFactor, shareBefore: rounded(arrivals.driftShares.before),
                        shareAfter: rounded(arrivals.driftShares.after),
                        carrier: Retailer.carrierNames[Int(plan.driftCarrier)], transitFactor: plan.driftTransitFactor))
            )
        }
        return GroundTruth(
            config: plan.config, windowStart: TextFormat.iso(plan.windowStart),
            windowEnd: TextFormat.iso(plan.windowEnd),
            patterns: patterns,
            summary: .init(
                orders: plan.config.orders, openOrders: tally.open, cancelledOrders: tally.cancelled,
                returnedOrders: tally.returns, lateOrders: tally.late, finishedOrders: tally.finished))
    }

    /// Four decimals: enough for a share, and stable in the JSON text.
    private static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}

/// Numbered hand-off slots between threads: `put` blocks while `capacity` items wait, `take`
/// blocks until its item arrives; `cancel` releases everyone (after an error).
final class Slots<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Int: T] = [:]
    private let capacity: Int
    private var cancelled = false

    init(capacity: Int = .max) {
        self.capacity = capacity
    }

    /// Stores item `index`; false if the hand-off was cancelled.
    @discardableResult
    func put(_ index: Int, _ item: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items[index] = item
        condition.broadcast()
        return true
    }

    /// Removes and returns item `index`, waiting for it; nil if cancelled.
    func take(_ index: Int) -> T? {
        condition.lock()
        defer { condition.unlock() }
        while items[index] == nil && !cancelled { condition.wait() }
        guard !cancelled else { return nil }
        let item = items.removeValue(forKey: index)
        condition.broadcast()
        return item
    }

    /// Item `index` without removing it (it must be there).
    func peek(_ index: Int) -> T {
        condition.lock()
        defer { condition.unlock() }
        return items[index]!
    }

    /// Wakes every waiter; later puts and takes fail.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

import Dispatch
import Storage
import _WaybillSupport

/// What `waybill mine` computes on a (filtered) case view: the directly-follows graph with
/// performance, the variants and the activity figures, with the log's size and time range.
///
/// The three analyses are independent, so they run concurrently.
public struct ProcessAnalysis: Sendable {
    /// The object type the cases are.
    public var caseType: String
    /// Cases and events analysed.
    public var caseCount: Int
    public var eventCount: Int
    /// The earliest and latest completion timestamps (nil for an empty log).
    public var firstEvent: Microseconds?
    public var lastEvent: Microseconds?
    /// The directly-follows graph, with start and end activities.
    public var directlyFollows: DirectlyFollowsGraph
    /// The ranked variants.
    public var variants: VariantTable
    /// Per-activity figures.
    public var activities: ActivityStatistics
    /// The median case throughput time (first to last completion), in seconds, as pandas
    /// computes a median; nil for an empty log.
    public var medianThroughputSeconds: Double?
    /// SLA attainment by segment and week, when an SLA rule applies to the log (set by the caller:
    /// the outcomes need the whole log, not only the filtered cases).
    public var sla: SLAReport?

    /// Analyses a columnar log.
    ///
    /// - Complexity: O(*events*) expected (see each analysis).
    public init(log: ColumnarLog) {
        let results = ResultSlots()
        DispatchQueue.concurrentPerform(iterations: 3) { job in
            switch job {
            case 0: results.set(dfg: DirectlyFollowsGraph(log: log))
            case 1: results.set(variants: VariantTable(log: log))
            default: results.set(activities: ActivityStatistics(log: log))
            }
        }
        caseType = log.caseType
        caseCount = log.caseCount
        eventCount = log.eventCount
        firstEvent = log.timestamps.min()
        lastEvent = log.timestamps.max()
        (directlyFollows, variants, activities) = results.take()
        var throughput = (0..<log.caseCount).compactMap { c -> Double? in
            let range = log.events(ofCase: c)
            return range.isEmpty ? nil : Double(log.timestamps[range.upperBound - 1] - log.timestamps[range.lowerBound]) / 1e6
        }
        throughput.sort()
        medianThroughputSeconds =
            throughput.isEmpty
            ? nil
            : throughput.count % 2 == 1
                ? throughput[throughput.count / 2]
                : (throughput[throughput.count / 2 - 1] + throughput[throughput.count / 2]) / 2
    }

    /// The default run name: the UTC date of the latest event, `YYYY-MM-DD` (nil for an empty log).
    public var defaultRunName: String? { lastEvent.map { String(Timestamp.format($0).prefix(10)) } }
}

/// Where the concurrent analyses leave their results; each slot is written by one job only.
private final class ResultSlots: @unchecked Sendable {
    private var dfg: DirectlyFollowsGraph?
    private var variants: VariantTable?
    private var activities: ActivityStatistics?
    private let lock = SemaphoreLock()

    func set(dfg value: DirectlyFollowsGraph) { lock.locked { dfg = value } }
    func set(variants value: VariantTable) { lock.locked { variants = value } }
    func set(activities value: ActivityStatistics) { lock.locked { activities = value } }
    func take() -> (DirectlyFollowsGraph, VariantTable, ActivityStatistics) {
        lock.locked { (dfg!, variants!, activities!) }
    }
}

/// A minimal lock on `DispatchSemaphore`, so the module needs no Foundation.
private struct SemaphoreLock: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 1)
    func locked<T>(_ body: () -> T) -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return body()
    }
}

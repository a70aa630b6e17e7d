import Mining
import Storage
import _WaybillSupport

/// The state of the operation around a case at any instant: work in progress and recent
/// throughput at its node, the recent late rate of its carrier, the recent allocation-failure
/// rate of its channel.
///
/// Every figure at instant τ counts only events at or before τ, so it can describe a prefix
/// without leaking the future. Each group keeps sorted arrays of event times (and prefix sums),
/// and a query is two binary searches; or, made for one instant (scoring the open cases as of
/// then), each group keeps its figures at that instant, counted in one pass without sorting.
public struct ProcessContext: Sendable {
    /// The attributes and activities the figures are about, and their windows.
    public struct Options: Sendable, Equatable, Codable {
        public var nodeAttribute = "node"
        public var carrierAttribute = "carrier"
        public var channelAttribute = "channel"
        public var allocationFailedActivity = "Allocation Failed"
        public var allocatedActivity = "Order Allocated"
        /// The window of "recent" throughput and allocation failures, in hours.
        public var recentHours = 24.0
        /// The window of the carrier's recent late rate, in hours.
        public var carrierWindowHours = 168.0
        public init() {}
    }

    /// Sorted times per group level.
    struct Times: Sendable {
        var byLevel: [[Microseconds]]
        /// Count of times in (from, to].
        func count(_ level: Int, _ from: Microseconds, _ to: Microseconds) -> Int {
            let times = byLevel[level]
            return upperBound(times, to) - upperBound(times, from)
        }
    }

    let options: Options
    /// Per case: node, carrier and channel level codes (-1 none).
    let node: [Int32], carrier: [Int32], channel: [Int32]
    let nodeStarts: Times, nodeEnds: Times
    let carrierFinished: Times
    /// Per carrier: prefix sums of late flags in `carrierFinished` order.
    let carrierLateSums: [[Int32]]
    let channelFailures: Times, channelAllocations: Times

    /// Which figures the log supports.
    public let hasNode: Bool, hasCarrier: Bool, hasChannel: Bool, hasAllocations: Bool

    /// Every group's figures at one instant, when the context was made for that instant only.
    struct Snapshot: Sendable {
        var instant: Microseconds
        /// Per node level.
        var workInProgress: [Double], throughput: [Double]
        /// Per carrier level.
        var lateRate: [Double]
        /// Per channel level.
        var allocationFailureRate: [Double]
    }
    let snapshot: Snapshot?

    /// Builds the per-group time arrays of a log, with cases' ends and lateness from `outcomes`
    /// (the milestone time, or the cancellation, as of `outcomes.asOf`).
    ///
    /// - Complexity: O(*events* + *cases* log *cases*).
    public init(log: ColumnarLog, outcomes: SLAOutcomes, cancellationActivities: [String], options: Options = Options())
    {
        self.options = options
        let groups = Groups(log: log, cancellationActivities: cancellationActivities, options: options)
        let n = log.caseCount
        (node, carrier, channel) = (groups.node, groups.carrier, groups.channel)
        (hasNode, hasCarrier, hasChannel) = (groups.hasNode, groups.hasCarrier, groups.hasChannel)

        // Two independent halves on two threads: node and carrier times, channel allocations.
        let (cancel, failed, allocated) = (groups.cancel, groups.failed, groups.allocated)
        let hasAllocations = groups.hasAllocations
        let (node, carrier, channel) = (self.node, self.carrier, self.channel)
        let (nodeLevels, carrierLevels, channelLevels) = (groups.nodeLevels, groups.carrierLevels, groups.channelLevels)
        let nodeAndCarrier = { @Sendable in
            var starts = [[Microseconds]](repeating: [], count: nodeLevels)
            var ends = starts
            var finished = [[(Microseconds, Bool)]](repeating: [], count: carrierLevels)
            for c in 0..<n {
                let range = log.events(ofCase: c)
                guard !range.isEmpty else { continue }
                let end = Self.end(of: c, log: log, outcomes: outcomes, cancel: cancel)
                if node[c] >= 0 {
                    starts[Int(node[c])].append(log.timestamps[range.lowerBound])
                    if end != .min { ends[Int(node[c])].append(end) }
                }
                if carrier[c] >= 0, outcomes.milestoneTime[c] != .min, outcomes.promise[c] != .min {
                    finished[Int(carrier[c])].append(
                        (outcomes.milestoneTime[c], outcomes.milestoneTime[c] > outcomes.promise[c]))
                }
            }
            var lateSums: [[Int32]] = []
            var finishedTimes: [[Microseconds]] = []
            for list in finished {
                // By time, ties in case order (a stable sort), the late flag carried along.
                var times = list.map(\.0)
                var late = list.map { Int32($0.1 ? 1 : 0) }
                RadixSort.sort(&times, carrying: &late)
                finishedTimes.append(times)
                var sums: [Int32] = [0]
                sums.reserveCapacity(late.count + 1)
                for flag in late { sums.append(sums.last! + flag) }
                lateSums.append(sums)
            }
            for j in starts.indices {
                RadixSort.sort(&starts[j])
                RadixSort.sort(&ends[j])
            }
            return (Times(byLevel: starts), Times(byLevel: ends), Times(byLevel: finishedTimes), lateSums)
        }
        let allocations = { @Sendable in
            var failures = [[Microseconds]](repeating: [], count: channelLevels)
            var attempts = failures
            if hasAllocations {
                for c in 0..<n where channel[c] >= 0 {
                    for i in log.events(ofCase: c) {
                        let a = log.activities[i]
                        if a == failed { failures[Int(channel[c])].append(log.timestamps[i]) }
                        if a == failed || a == allocated { attempts[Int(channel[c])].append(log.timestamps[i]) }
                    }
                }
            }
            for j in failures.indices {
                RadixSort.sort(&failures[j])
                RadixSort.sort(&attempts[j])
            }
            return (Times(byLevel: failures), Times(byLevel: attempts))
        }
        let (first, second) = Concurrently.both(nodeAndCarrier, allocations)
        (nodeStarts, nodeEnds, carrierFinished, carrierLateSums) = first
        (channelFailures, channelAllocations) = second
        self.hasAllocations = hasAllocations
        snapshot = nil
    }

    /// The figures of every group at `instant` only, counted in one pass over the log: what
    /// `init(log:outcomes:cancellationActivities:options:)` gives at that instant, without its
    /// sorted arrays. Queries must ask for `instant`.
    ///
    /// - Complexity: O(*events*).
    public init(
        log: ColumnarLog, outcomes: SLAOutcomes, cancellationActivities: [String], options: Options = Options(),
        at instant: Microseconds
    ) {
        self.options = options
        let groups = Groups(log: log, cancellationActivities: cancellationActivities, options: options)
        let n = log.caseCount
        let (node, carrier, channel) = (groups.node, groups.carrier, groups.channel)
        (self.node, self.carrier, self.channel) = (node, carrier, channel)
        (hasNode, hasCarrier, hasChannel) = (groups.hasNode, groups.hasCarrier, groups.hasChannel)
        let (cancel, failed, allocated) = (groups.cancel, groups.failed, groups.allocated)
        hasAllocations = groups.hasAllocations
        let recent = instant - Int64(options.recentHours * 3.6e9)
        let carrierFrom = instant - Int64(options.carrierWindowHours * 3.6e9)
        // Counts in the windows (from, instant], as the binary searches count them.
        var inProgress = [Int](repeating: 0, count: groups.nodeLevels)
        var ended = inProgress
        var finished = [Int](repeating: 0, count: groups.carrierLevels)
        var late = finished
        var attempts = [Int](repeating: 0, count: groups.channelLevels)
        var failures = attempts
        for c in 0..<n {
            let range = log.events(ofCase: c)
            guard !range.isEmpty else { continue }
            if node[c] >= 0 {
                let level = Int(node[c])
                let end = Self.end(of: c, log: log, outcomes: outcomes, cancel: cancel)
                if log.timestamps[range.lowerBound] <= instant { inProgress[level] += 1 }
                if end != .min && end <= instant {
                    inProgress[level] -= 1
                    if end > recent { ended[level] += 1 }
                }
            }
            let milestone = outcomes.milestoneTime[c]
            if carrier[c] >= 0, milestone != .min, outcomes.promise[c] != .min, milestone > carrierFrom,
                milestone <= instant
            {
                finished[Int(carrier[c])] += 1
                if milestone > outcomes.promise[c] { late[Int(carrier[c])] += 1 }
            }
            if hasAllocations && channel[c] >= 0 {
                for i in range where log.timestamps[i] > recent && log.timestamps[i] <= instant {
                    let a = log.activities[i]
                    if a == failed { failures[Int(channel[c])] += 1 }
                    if a == failed || a == allocated { attempts[Int(channel[c])] += 1 }
                }
            }
        }
        func rate(_ part: Int, _ whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : .nan }
        snapshot = Snapshot(
            instant: instant, workInProgress: inProgress.map(Double.init), throughput: ended.map(Double.init),
            lateRate: zip(late, finished).map(rate), allocationFailureRate: zip(failures, attempts).map(rate))
        let empty = Times(byLevel: [])
        (nodeStarts, nodeEnds, carrierFinished, channelFailures, channelAllocations) = (
            empty, empty, empty, empty, empty
        )
        carrierLateSums = []
    }

    /// What both kinds of context read from the log first: each case's node, carrier and channel
    /// level codes (−1 none) and their level counts, the cancelling activities, and the
    /// allocation activities' codes.
    private struct Groups {
        var node: [Int32], carrier: [Int32], channel: [Int32]
        var nodeLevels: Int, carrierLevels: Int, channelLevels: Int
        var hasNode: Bool, hasCarrier: Bool, hasChannel: Bool
        /// Per activity code: whether it cancels a case.
        var cancel: [Bool]
        var failed: Int32?, allocated: Int32?

        var hasAllocations: Bool { hasChannel && failed != nil && allocated != nil }

        /// - Complexity: O(1) per attribute of a cached log, else O(*cases*); O(activities).
        init(log: ColumnarLog, cancellationActivities: [String], options: Options) {
            let none = [Int32](repeating: -1, count: log.caseCount)
            let node = log.textCodes(options.nodeAttribute)
            let carrier = log.textCodes(options.carrierAttribute)
            let channel = log.textCodes(options.channelAttribute)
            (self.node, self.carrier, self.channel) = (
                node?.codes ?? none, carrier?.codes ?? none, channel?.codes ?? none
            )
            nodeLevels = node?.levels.count ?? 0
            carrierLevels = carrier?.levels.count ?? 0
            channelLevels = channel?.levels.count ?? 0
            (hasNode, hasCarrier, hasChannel) = (node != nil, carrier != nil, channel != nil)
            cancel = [Bool](repeating: false, count: log.activityNames.count)
            for name in cancellationActivities {
                if let a = log.activityNames.firstIndex(of: name) { cancel[a] = true }
            }
            failed = log.activityNames.firstIndex(of: options.allocationFailedActivity).map(Int32.init)
            allocated = log.activityNames.firstIndex(of: options.allocatedActivity).map(Int32.init)
        }
    }

    /// When case `c` ends: at its milestone or its first cancellation, whichever is first
    /// (`Microseconds.min` while it has neither).
    ///
    /// - Complexity: O(events of the case).
    static func end(of c: Int, log: ColumnarLog, outcomes: SLAOutcomes, cancel: [Bool]) -> Microseconds {
        var end = outcomes.milestoneTime[c]
        if let i = log.events(ofCase: c).first(where: { cancel[Int(log.activities[$0])] }),
            end == .min || log.timestamps[i] < end
        {
            end = log.timestamps[i]
        }
        return end
    }

    /// The snapshot's figure for `level` at `t`, which must be the snapshot's instant.
    private func snapshotFigure(_ figures: [Double], _ level: Int, _ t: Microseconds) -> Double {
        precondition(t == snapshot!.instant, "a context made for one instant answers only for that instant")
        return figures[level]
    }

    /// Cases at the case's node started by τ and neither fulfilled nor cancelled by τ (NaN
    /// without a node).
    ///
    /// - Complexity: O(log *cases*).
    public func nodeWorkInProgress(case c: Int, at t: Microseconds) -> Double {
        let level = Int(node[c])
        guard level >= 0 else { return .nan }
        if let snapshot { return snapshotFigure(snapshot.workInProgress, level, t) }
        return Double(nodeStarts.count(level, .min, t) - nodeEnds.count(level, .min, t))
    }

    /// Cases at the case's node fulfilled or cancelled in the `recentHours` before τ.
    ///
    /// - Complexity: O(log *cases*).
    public func nodeRecentThroughput(case c: Int, at t: Microseconds) -> Double {
        let level = Int(node[c])
        guard level >= 0 else { return .nan }
        if let snapshot { return snapshotFigure(snapshot.throughput, level, t) }
        return Double(nodeEnds.count(level, t - Int64(options.recentHours * 3.6e9), t))
    }

    /// Share of the carrier's orders reaching their milestone in the `carrierWindowHours` before
    /// τ that were late (NaN when none did).
    ///
    /// - Complexity: O(log *cases*).
    public func carrierRecentLateRate(case c: Int, at t: Microseconds) -> Double {
        let level = Int(carrier[c])
        guard level >= 0 else { return .nan }
        if let snapshot { return snapshotFigure(snapshot.lateRate, level, t) }
        let times = carrierFinished.byLevel[level]
        let hi = upperBound(times, t)
        let lo = upperBound(times, t - Int64(options.carrierWindowHours * 3.6e9))
        guard hi > lo else { return .nan }
        return Double(carrierLateSums[level][hi] - carrierLateSums[level][lo]) / Double(hi - lo)
    }

    /// Share of the channel's allocation attempts in the `recentHours` before τ that failed (NaN
    /// when there were none).
    ///
    /// - Complexity: O(log *events*).
    public func channelRecentAllocationFailureRate(case c: Int, at t: Microseconds) -> Double {
        let level = Int(channel[c])
        guard hasAllocations, level >= 0 else { return .nan }
        if let snapshot { return snapshotFigure(snapshot.allocationFailureRate, level, t) }
        let from = t - Int64(options.recentHours * 3.6e9)
        let attempts = channelAllocations.count(level, from, t)
        guard attempts > 0 else { return .nan }
        return Double(channelFailures.count(level, from, t)) / Double(attempts)
    }
}

/// The number of elements ≤ `value` in a sorted array.
///
/// - Complexity: O(log *n*).
@inline(__always)
func upperBound(_ sorted: [Microseconds], _ value: Microseconds) -> Int {
    var lo = 0
    var hi = sorted.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if sorted[mid] <= value { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

import Storage
import _WaybillSupport

/// Per-activity figures: how often it occurs, in how many cases, how often it is repeated, how
/// long it takes and how long cases wait before it.
///
/// - **Frequency**: events of the activity (`pm4py.get_event_attribute_values`).
/// - **Cases**: cases with at least one (the same with `count_once_per_case=True`).
/// - **Rework cases**: cases where it occurs more than once (`pm4py.get_rework_cases_per_activity`).
/// - **Service time**: *completion − start* over the events that have a start timestamp
///   (`pm4py.get_service_time` on an interval log); absent when none has. Lifecycle start/complete
///   pairs are not matched into intervals here: the case view carries start timestamps only.
/// - **Waiting time**: for each event that has a predecessor in its case, *its start − the
///   predecessor's completion*, where an event without a start timestamp starts at its completion
///   and the predecessor is the previous event in the directly-follows order (see
///   `ColumnarLog.directlyFollowsOrder()`). So the waiting time before an activity is exactly the
///   gaps of the directly-follows edges into it: *start − previous completion* on interval logs,
///   *completion − previous completion* otherwise. Negative when the activity started before its
///   predecessor finished. The first event of a case has no waiting time.
///
/// Durations are summarised by `DurationSummary` (median of an even count: mean of the middle two;
/// 90th percentile: linear interpolation).
public struct ActivityStatistics: Sendable {
    /// The figures of one activity.
    public struct Row: Sendable, Equatable {
        /// Activity code.
        public var activity: Int32
        /// Events of the activity.
        public var frequency: Int
        /// Cases with at least one event of it.
        public var cases: Int
        /// Cases with more than one event of it.
        public var reworkCases: Int
        /// Completion − start, over its events that have a start timestamp (nil if none has).
        public var serviceTime: DurationSummary?
        /// Its start − the previous event's completion, over its events that have a predecessor.
        public var waitingTime: DurationSummary?
    }

    /// Activity names, indexed by code (the log's coding).
    public var activityNames: [String]
    /// One row per activity that occurs, by frequency descending, then name.
    public var rows: [Row]

    /// Computes the figures of every activity that occurs in a columnar log.
    ///
    /// - Complexity: O(*events* + *a*) for *a* activities, plus the reordering of interval cases
    ///   that need it (see `ColumnarLog.directlyFollowsOrder()`).
    public init(log: ColumnarLog) {
        let a = log.activityNames.count
        var frequency = [Int](repeating: 0, count: a)
        var cases = [Int](repeating: 0, count: a)
        var rework = [Int](repeating: 0, count: a)
        var inCase = [Int](repeating: 0, count: a)  // occurrences in the current case
        var touched: [Int] = []
        var serviceCount = [Int](repeating: 0, count: a)
        var waitingCount = [Int](repeating: 0, count: a)
        let order = log.directlyFollowsOrder()
        for c in 0..<log.caseCount {
            let range = log.events(ofCase: c)
            for i in range {
                let x = Int(log.activities[i])
                frequency[x] += 1
                inCase[x] += 1
                if inCase[x] == 1 {
                    cases[x] += 1
                    touched.append(x)
                } else if inCase[x] == 2 {
                    rework[x] += 1
                }
                if log.startTimestamps[i] != Int64.min { serviceCount[x] += 1 }
            }
            for x in touched { inCase[x] = 0 }
            touched.removeAll(keepingCapacity: true)
            for k in range.dropFirst() { waitingCount[Int(log.activities[order?[k] ?? k])] += 1 }
        }

        // Durations gathered per activity (counting sorts), then summarised.
        func gather(_ counts: [Int], _ fill: (_ put: (Int, Int64) -> Void) -> Void) -> [DurationSummary?] {
            var offsets = [Int](repeating: 0, count: a + 1)
            for x in 0..<a { offsets[x + 1] = offsets[x] + counts[x] }
            var slots = offsets
            var values = [Int64](repeating: 0, count: offsets[a])
            fill { x, v in
                values[slots[x]] = v
                slots[x] += 1
            }
            return values.withUnsafeMutableBufferPointer { all in
                (0..<a).map { x in
                    counts[x] == 0
                        ? nil
                        : DurationSummary(
                            microseconds: UnsafeMutableBufferPointer(rebasing: all[offsets[x]..<offsets[x + 1]]))
                }
            }
        }
        let service = gather(serviceCount) { put in
            for i in 0..<log.eventCount where log.startTimestamps[i] != Int64.min {
                put(Int(log.activities[i]), log.timestamps[i] - log.startTimestamps[i])
            }
        }
        let waiting = gather(waitingCount) { put in
            for c in 0..<log.caseCount {
                let range = log.events(ofCase: c)
                guard !range.isEmpty else { continue }
                var previous = order?[range.lowerBound] ?? range.lowerBound
                for k in range.dropFirst() {
                    let i = order?[k] ?? k
                    put(Int(log.activities[i]), log.effectiveStart(i) - log.timestamps[previous])
                    previous = i
                }
            }
        }

        let rank = ActivityNameOrder.ranks(log.activityNames)
        self.activityNames = log.activityNames
        self.rows = (0..<a).filter { frequency[$0] > 0 }
            .sorted { frequency[$0] != frequency[$1] ? frequency[$0] > frequency[$1] : rank[$0] < rank[$1] }
            .map {
                Row(
                    activity: Int32($0), frequency: frequency[$0], cases: cases[$0], reworkCases: rework[$0],
                    serviceTime: service[$0], waitingTime: waiting[$0])
            }
    }

    /// The row of an activity, by name.
    ///
    /// - Complexity: O(*a*).
    public func row(_ name: String) -> Row? {
        guard let code = activityNames.firstIndex(of: name) else { return nil }
        return rows.first { $0.activity == Int32(code) }
    }
}

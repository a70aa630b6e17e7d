import Mining
import Storage
import _WaybillSupport

/// The order states a model learns from or scores: each row is one case as it stood at one
/// instant (its prefix time), with the case's label and a weight.
///
/// A row's features may use only what was known at its prefix time: the case's events up to then
/// (`eventCount` of them) and other cases' events up to then. Training rows stop before the
/// moment the case's outcome was decided (`SLAOutcomes.decidedAt`), so no row sees its answer.
public struct PrefixRows: Sendable, Equatable {
    /// How training prefixes are taken.
    public enum Mode: Sendable, Equatable, Codable {
        /// After each event.
        case everyEvent
        /// Every `hours` hours from the case's first event.
        case snapshots(hours: Double)
    }

    /// Per row: the case (index into the log).
    public var caseIndex: [Int32] = []
    /// Per row: how many of the case's events are in the prefix (at least 1).
    public var eventCount: [Int32] = []
    /// Per row: the prefix time.
    public var time: [Microseconds] = []
    /// Per row: 1 missed, 0 met, -1 not decided (scoring rows).
    public var label: [Int8] = []
    /// Per row: weight, so that each case's rows sum to 1.
    public var weight: [Double] = []

    public init() {}

    /// The number of rows.
    public var count: Int { caseIndex.count }

    mutating func append(case c: Int, events: Int, time t: Microseconds, label l: Int8, weight w: Double) {
        caseIndex.append(Int32(c))
        eventCount.append(Int32(events))
        time.append(t)
        label.append(l)
        weight.append(w)
    }

    /// Training rows of every decided case, in case order, prefixes in time order.
    ///
    /// With `.everyEvent`, one row after each event that completes before the decision time; with
    /// `.snapshots(hours:)`, one row at the first event and every `hours` after it, before the
    /// decision. Cases left with no row (decided at their first event) are skipped.
    ///
    /// - Complexity: O(*events* + rows).
    public static func training(log: ColumnarLog, outcomes: SLAOutcomes, mode: Mode, cases: [Int]? = nil) -> PrefixRows {
        var rows = PrefixRows()
        var times: [Microseconds] = []
        var counts: [Int] = []
        for c in cases ?? Array(0..<log.caseCount) {
            guard let label = outcomes.label(ofCase: c) else { continue }
            let decided = outcomes.decidedAt[c]
            let range = log.events(ofCase: c)
            guard !range.isEmpty else { continue }
            times.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
            switch mode {
            case .everyEvent:
                for i in range where log.timestamps[i] < decided {
                    times.append(log.timestamps[i])
                    counts.append(i - range.lowerBound + 1)
                }
            case .snapshots(let hours):
                let step = Int64(hours * 3.6e9)
                var t = log.timestamps[range.lowerBound]
                var k = range.lowerBound
                while t < decided {
                    while k + 1 < range.upperBound && log.timestamps[k + 1] <= t { k += 1 }
                    times.append(t)
                    counts.append(k - range.lowerBound + 1)
                    t += step
                }
            }
            let w = times.isEmpty ? 0 : 1 / Double(times.count)
            for (t, n) in zip(times, counts) { rows.append(case: c, events: n, time: t, label: label ? 1 : 0, weight: w) }
        }
        return rows
    }

    /// One row per case still open at `outcomes.asOf` (promise ahead, neither milestone nor
    /// cancellation): the orders ops must look at, as they stand at that instant.
    ///
    /// - Complexity: O(*events*).
    public static func open(log: ColumnarLog, outcomes: SLAOutcomes) -> PrefixRows {
        var rows = PrefixRows()
        for c in 0..<log.caseCount where outcomes.status[c] == .open {
            let range = log.events(ofCase: c)
            var n = 0
            for i in range where log.timestamps[i] <= outcomes.asOf { n = i - range.lowerBound + 1 }
            guard n > 0 else { continue }
            rows.append(case: c, events: n, time: outcomes.asOf, label: -1, weight: 1)
        }
        return rows
    }

    /// One row per decided case at a defined prediction point, for backtests: as of the case's
    /// first `activity` event (just after it), or `fallbackHours` after its first event when it
    /// never reached the activity (nil: such cases are left out). Cases whose prediction point
    /// is at or after their decision are left out too: there is nothing left to predict.
    ///
    /// - Complexity: O(*events*).
    public static func predictionPoint(
        log: ColumnarLog, outcomes: SLAOutcomes, activity: String?, fallbackHours: Double?, cases: [Int]? = nil
    ) -> PrefixRows {
        let code = activity.flatMap { log.activityNames.firstIndex(of: $0) }.map(Int32.init)
        var rows = PrefixRows()
        for c in cases ?? Array(0..<log.caseCount) {
            guard let label = outcomes.label(ofCase: c) else { continue }
            let range = log.events(ofCase: c)
            guard !range.isEmpty else { continue }
            var point: Microseconds?
            if let code, let i = range.first(where: { log.activities[$0] == code }) { point = log.timestamps[i] }
            if point == nil, let h = fallbackHours { point = log.timestamps[range.lowerBound] + Int64(h * 3.6e9) }
            guard let t = point, t < outcomes.decidedAt[c] else { continue }
            var n = 0
            for i in range where log.timestamps[i] <= t { n = i - range.lowerBound + 1 }
            rows.append(case: c, events: n, time: t, label: label ? 1 : 0, weight: 1)
        }
        return rows
    }
}

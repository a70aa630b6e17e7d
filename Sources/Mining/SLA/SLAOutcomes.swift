import Storage
import _WaybillSupport

/// Every case's SLA status as of one instant, under an `SLARule`: the labels of the SLA report
/// and of the risk models.
///
/// Only events up to `asOf` count, so the same log gives the statuses it would have given at any
/// earlier moment. Each decided case also records *when* it was decided: a met case at its
/// milestone; a case missed by lateness or by staying open at its promise (it was already late
/// then); a cancelled case at the earlier of its cancellation and its promise. Training rows for
/// the risk models stop at that moment.
public struct SLAOutcomes: Sendable {
    /// A case's status.
    public enum Status: UInt8, Sendable, CaseIterable {
        /// The milestone completed at or before the promise.
        case met
        /// The milestone completed after the promise.
        case missedLate
        /// Cancelled before the milestone.
        case missedCancelled
        /// Neither milestone nor cancellation, and the promise has passed.
        case missedOpen
        /// Neither milestone nor cancellation, and the promise is still ahead: unlabelled.
        case open
        /// The case has no promise (attribute missing or unreadable, channel without hours).
        case noPromise

        /// The name used in files (`met`, `missed_late`, ...).
        public var name: String {
            switch self {
            case .met: "met"
            case .missedLate: "missed_late"
            case .missedCancelled: "missed_cancelled"
            case .missedOpen: "missed_open"
            case .open: "open"
            case .noPromise: "no_promise"
            }
        }

        /// True for the three kinds of miss.
        public var isMissed: Bool { self == .missedLate || self == .missedCancelled || self == .missedOpen }
        /// True when the status is a label (met or missed).
        public var isDecided: Bool { self != .open && self != .noPromise }
    }

    /// The instant the statuses hold at.
    public var asOf: Microseconds
    /// Per case: its status.
    public var status: [Status]
    /// Per case: the promised instant, `Int64.min` when none.
    public var promise: [Microseconds]
    /// Per case: the milestone's completion, `Int64.min` when not reached by `asOf`.
    public var milestoneTime: [Microseconds]
    /// Per case: when the outcome was decided, `Int64.min` for open and no-promise cases.
    public var decidedAt: [Microseconds]

    /// Evaluates the rule on every case of `log` as of `asOf` (default: the log's latest event).
    ///
    /// - Throws: `MiningError` when the rule names an attribute or activity the log lacks.
    /// - Complexity: O(*events* + *cases*).
    public init(log: ColumnarLog, rule: SLARule, asOf: Microseconds? = nil) throws {
        try rule.validate(against: log)
        let asOf = asOf ?? log.timestamps.max() ?? 0
        self.asOf = asOf
        let codes = Dictionary(log.activityNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        let defaultMilestone = codes[rule.milestone]!
        let cancellations = Set(rule.cancellationActivities.compactMap { codes[$0] })
        let channels = log.caseAttributes[rule.channelAttribute]
        let promiseColumn: [AttributeValue?]? =
            if case .attribute(let name) = rule.promise { log.caseAttributes[name] } else { nil }
        var milestoneByChannel: [String: Int32] = [:]
        for (channel, activity) in rule.milestoneByChannel { milestoneByChannel[channel] = codes[activity]! }

        let n = log.caseCount
        var status = [Status](repeating: .noPromise, count: n)
        var promise = [Microseconds](repeating: .min, count: n)
        var milestoneTime = [Microseconds](repeating: .min, count: n)
        var decidedAt = [Microseconds](repeating: .min, count: n)
        for c in 0..<n {
            let range = log.events(ofCase: c)
            let channel = channels?[c]?.text
            let milestoneCode = channel.flatMap { milestoneByChannel[$0] } ?? defaultMilestone
            var reached = Int64.min
            var cancelled = Int64.min
            for i in range {
                let t = log.timestamps[i]
                if t > asOf { break }
                let a = log.activities[i]
                if a == milestoneCode {
                    reached = t
                    break
                }
                if cancelled == .min && cancellations.contains(a) { cancelled = t }
            }
            milestoneTime[c] = reached
            let due: Microseconds?
            switch rule.promise {
            case .attribute:
                due = promiseColumn?[c].flatMap(Self.instant)
            case .hoursAfterCreation(let fallback, let byChannel):
                let hours = channel.flatMap { byChannel[$0] } ?? fallback
                due = hours.flatMap { h in range.isEmpty ? nil : log.timestamps[range.lowerBound] + Int64(h * 3.6e9) }
            }
            guard let due else { continue }
            promise[c] = due
            if reached != .min && (cancelled == .min || reached <= cancelled) {
                status[c] = reached <= due ? .met : .missedLate
                decidedAt[c] = reached <= due ? reached : due
            } else if cancelled != .min {
                status[c] = .missedCancelled
                decidedAt[c] = min(cancelled, due)
            } else if asOf > due {
                status[c] = .missedOpen
                decidedAt[c] = due
            } else {
                status[c] = .open
            }
        }
        self.status = status
        self.promise = promise
        self.milestoneTime = milestoneTime
        self.decidedAt = decidedAt
    }

    /// A promise value as an instant: a date, or text in ISO 8601 with a zone.
    static func instant(_ value: AttributeValue) -> Microseconds? {
        switch value {
        case .date(let t): t
        case .string(let s), .id(let s):
            Timestamp.parseISO(s).flatMap { $0.hasZone ? $0.micros : nil }
        default: nil
        }
    }

    /// Per case: true if missed, false if met, nil when not decided (open or no promise).
    ///
    /// - Complexity: O(1).
    public func label(ofCase c: Int) -> Bool? { status[c].isDecided ? status[c].isMissed : nil }

    /// The number of cases with each status.
    ///
    /// - Complexity: O(*cases*).
    public func counts() -> [Status: Int] {
        var counts: [Status: Int] = [:]
        for s in status { counts[s, default: 0] += 1 }
        return counts
    }
}

extension SLAOutcomes {
    /// The outcomes of the cases of `subset` (a filtered view of `log`, the log these outcomes
    /// were computed on), matched by case id, in `subset`'s case order.
    ///
    /// Filters may trim a case's events (an events window), but its SLA status is a property of
    /// the whole case, so it is computed on the whole log and then carried over.
    ///
    /// The filters keep the log's case order, so the subset's cases are first matched by one walk
    /// along both lists (no hashing; the unfiltered log, the usual case, is the same list);
    /// only a subset in another order falls back to an index by case id.
    ///
    /// - Complexity: O(*cases of log* + *cases of subset*).
    public func restricted(to subset: ColumnarLog, from log: ColumnarLog) -> SLAOutcomes {
        precondition(log.caseCount == status.count, "outcomes of another log")
        if subset.caseIDs == log.caseIDs { return self }
        var out = self
        var rows: [Int] = []
        rows.reserveCapacity(subset.caseCount)
        var c = 0
        for id in subset.caseIDs {
            while c < log.caseCount && log.caseIDs[c] != id { c += 1 }
            guard c < log.caseCount else { break }
            rows.append(c)
            c += 1
        }
        if rows.count != subset.caseCount {
            var index: [String: Int] = [:]
            index.reserveCapacity(log.caseCount)
            for (c, id) in log.caseIDs.enumerated() { index[id] = c }
            rows = subset.caseIDs.map { index[$0]! }
        }
        out.status = rows.map { status[$0] }
        out.promise = rows.map { promise[$0] }
        out.milestoneTime = rows.map { milestoneTime[$0] }
        out.decidedAt = rows.map { decidedAt[$0] }
        return out
    }
}

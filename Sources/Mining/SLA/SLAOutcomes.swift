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
        var cancels = [Bool](repeating: false, count: log.activityNames.count)
        for name in rule.cancellationActivities { if let a = codes[name] { cancels[Int(a)] = true } }
        let isCancellation = cancels
        // Per case, its channel's text as a code (one lookup per distinct channel, not per case).
        let channels = log.textCodes(rule.channelAttribute)
        let promiseColumn: CaseAttributeColumn? =
            if case .attribute(let name) = rule.promise { log.caseAttributeColumn(name) } else { nil }
        let channelMilestone = (channels?.levels ?? []).map { rule.milestoneByChannel[$0].map { codes[$0]! } }
        let channelHours: [Double?]? =
            if case .hoursAfterCreation(let fallback, let byChannel) = rule.promise {
                (channels?.levels ?? []).map { byChannel[$0] ?? fallback }
            } else { nil }

        /// One case's status, promise, milestone time and decision time.
        @Sendable func outcome(_ c: Int) -> (Status, Microseconds, Microseconds, Microseconds) {
            let range = log.events(ofCase: c)
            let channel = channels.map { Int($0.codes[c]) } ?? -1
            let milestoneCode = channel >= 0 ? channelMilestone[channel] ?? defaultMilestone : defaultMilestone
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
                if cancelled == .min && isCancellation[Int(a)] { cancelled = t }
            }
            let due: Microseconds?
            switch rule.promise {
            case .attribute:
                due = promiseColumn?[c].flatMap(Self.instant)
            case .hoursAfterCreation(let fallback, _):
                let hours = channel >= 0 ? channelHours![channel] : fallback
                due = hours.flatMap { h in range.isEmpty ? nil : log.timestamps[range.lowerBound] + Int64(h * 3.6e9) }
            }
            guard let due else { return (.noPromise, .min, reached, .min) }
            if reached != .min && (cancelled == .min || reached <= cancelled) {
                return (reached <= due ? .met : .missedLate, due, reached, reached <= due ? reached : due)
            } else if cancelled != .min {
                return (.missedCancelled, due, reached, min(cancelled, due))
            } else if asOf > due {
                return (.missedOpen, due, reached, due)
            }
            return (.open, due, reached, .min)
        }

        // The cases in two halves, on two threads.
        let n = log.caseCount
        let halves = Concurrently.map(2) { h in
            let cases = h == 0 ? 0..<(n / 2) : (n / 2)..<n
            var part = (
                status: [Status](), promise: [Microseconds](), milestone: [Microseconds](), decided: [Microseconds]()
            )
            part.status.reserveCapacity(cases.count)
            part.promise.reserveCapacity(cases.count)
            part.milestone.reserveCapacity(cases.count)
            part.decided.reserveCapacity(cases.count)
            for c in cases {
                let o = outcome(c)
                part.status.append(o.0)
                part.promise.append(o.1)
                part.milestone.append(o.2)
                part.decided.append(o.3)
            }
            return part
        }
        let status = halves[0].status + halves[1].status
        let promise = halves[0].promise + halves[1].promise
        let milestoneTime = halves[0].milestone + halves[1].milestone
        let decidedAt = halves[0].decided + halves[1].decided
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

import Storage

/// When an order is due and what counts as fulfilling it: the service-level rule that labels
/// cases as met, missed or still open.
///
/// A case **misses** its SLA when its milestone activity (per channel: `Delivered`, or
/// `Ready For Pickup` for store pickup) completes after the promise, when it is cancelled, or
/// when it is still open (no milestone, not cancelled) after the promise. A case whose promise is
/// still ahead and that has neither milestone nor cancellation is **open**: unlabelled. The rule
/// comes from the workspace's `waybill.yaml` (`sla:` section), and CLI flags override it.
public struct SLARule: Sendable, Equatable {
    /// Where a case's promised time comes from.
    public enum Promise: Sendable, Equatable {
        /// A case attribute holding the promised instant (a date, or ISO 8601 text).
        case attribute(String)
        /// A number of hours after the case's first event, per channel, with a default for
        /// channels not listed (nil: such cases have no promise).
        case hoursAfterCreation(default: Double?, byChannel: [String: Double])
    }

    /// Where the promise comes from.
    public var promise: Promise
    /// The case attribute naming the sales channel.
    public var channelAttribute: String
    /// The milestone activity for channels not listed in `milestoneByChannel`.
    public var milestone: String
    /// Milestone activities by channel (`store_pickup: Ready For Pickup`).
    public var milestoneByChannel: [String: String]
    /// Activities that end a case as cancelled (a miss unless the milestone came first).
    public var cancellationActivities: [String]

    public init(
        promise: Promise, channelAttribute: String = "channel", milestone: String,
        milestoneByChannel: [String: String] = [:], cancellationActivities: [String] = []
    ) {
        self.promise = promise
        self.channelAttribute = channelAttribute
        self.milestone = milestone
        self.milestoneByChannel = milestoneByChannel
        self.cancellationActivities = cancellationActivities
    }

    /// The rule `waybill init` writes: the `promised_at` attribute, `Delivered` (or
    /// `Ready For Pickup` for `store_pickup`), and `Order Cancelled`.
    public static let retailDefault = SLARule(
        promise: .attribute("promised_at"), milestone: "Delivered",
        milestoneByChannel: ["store_pickup": "Ready For Pickup"], cancellationActivities: ["Order Cancelled"])

    /// The milestone activity for a channel.
    public func milestone(forChannel channel: String?) -> String {
        channel.flatMap { milestoneByChannel[$0] } ?? milestone
    }

    /// Checks the rule against a log: the promise attribute and every activity it names must
    /// exist, so a typo is an error rather than every case "open".
    ///
    /// - Throws: `MiningError.unknownAttribute` or `.unknownActivity`, naming what the log has.
    /// - Complexity: O(activities + attributes).
    public func validate(against log: ColumnarLog) throws {
        let attributes = log.caseAttributeNames
        if case .attribute(let name) = promise, !log.hasCaseAttribute(name) {
            throw MiningError(
                .unknownAttribute,
                "the SLA promise attribute '\(name)' is not a case attribute of '\(log.caseType)'; it has: "
                    + MiningError.list(attributes), location: "sla.promise.attribute")
        }
        let usesChannel: Bool
        switch promise {
        case .attribute: usesChannel = !milestoneByChannel.isEmpty
        case .hoursAfterCreation(_, let byChannel): usesChannel = !milestoneByChannel.isEmpty || !byChannel.isEmpty
        }
        if usesChannel, !log.hasCaseAttribute(channelAttribute) {
            throw MiningError(
                .unknownAttribute,
                "the SLA channel attribute '\(channelAttribute)' is not a case attribute of '\(log.caseType)'; it has: "
                    + MiningError.list(attributes), location: "sla.channel_attribute")
        }
        let known = Set(log.activityNames)
        let named = [milestone] + milestoneByChannel.values.sorted() + cancellationActivities
        for activity in named where !known.contains(activity) {
            throw MiningError(
                .unknownActivity,
                "the SLA rule names the activity '\(activity)', which the log does not have; it has: "
                    + MiningError.list(known), location: "sla")
        }
    }
}

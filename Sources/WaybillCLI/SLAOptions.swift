import ArgumentParser
import Configuration
import Mining

/// Flags that override the workspace's SLA rule (`sla:` in waybill.yaml).
struct SLAOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Case attribute holding the promised instant (overrides waybill.yaml).", valueName: "name"))
    var promiseAttribute: String?

    @Option(help: ArgumentHelp("Promise = this many hours after the order's first event, for every channel.", valueName: "hours"))
    var promiseHours: Double?

    @Option(help: ArgumentHelp("Milestone activity that fulfils an order.", valueName: "activity"))
    var milestone: String?

    @Option(
        name: .customLong("milestone-for"),
        help: ArgumentHelp("Milestone for one channel; repeatable.", valueName: "channel=activity"))
    var milestoneFor: [String] = []

    @Option(
        name: .customLong("cancellation-activity"),
        help: ArgumentHelp("Activity that cancels an order; repeatable (replaces the configured list).", valueName: "activity"))
    var cancellationActivities: [String] = []

    /// True when any flag is given.
    var overridesAnything: Bool {
        promiseAttribute != nil || promiseHours != nil || milestone != nil || !milestoneFor.isEmpty
            || !cancellationActivities.isEmpty
    }

    func validate() throws {
        if promiseAttribute != nil && promiseHours != nil {
            throw ValidationError("give --promise-attribute or --promise-hours, not both")
        }
        if let h = promiseHours, !(h > 0 && h.isFinite) { throw ValidationError("--promise-hours must be positive") }
        for pair in milestoneFor where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--milestone-for takes channel=activity, such as store_pickup=Ready For Pickup")
        }
    }

    /// The configured rule with these flags applied.
    func rule(base: SLARule) -> SLARule {
        var rule = base
        if let promiseAttribute { rule.promise = .attribute(promiseAttribute) }
        if let promiseHours { rule.promise = .hoursAfterCreation(default: promiseHours, byChannel: [:]) }
        if let milestone { rule.milestone = milestone }
        for pair in milestoneFor {
            let equals = pair.firstIndex(of: "=")!
            rule.milestoneByChannel[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        if !cancellationActivities.isEmpty { rule.cancellationActivities = cancellationActivities }
        return rule
    }
}

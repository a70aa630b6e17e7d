import ArgumentParser
import Mining

/// The options that choose the cases an analysis runs on: the object type, the time window and
/// `--where` conditions. Shared by `mine`, `discover` and `conformance`.
struct CaseViewOptions: ParsableArguments {
    @Option(help: "The object type the case view flattens onto (default: orders, or the only type with events).")
    var objectType: String?

    @Option(help: ArgumentHelp("Start of the time window, inclusive.", valueName: "iso"))
    var from: String?

    @Option(help: ArgumentHelp("End of the time window, exclusive.", valueName: "iso"))
    var to: String?

    @Option(help: "cases-starting: whole cases whose first event is in the window; events: only the events in it.")
    var windowMode: CaseFilter.WindowMode = .casesStarting

    @Option(
        name: .customLong("where"),
        help: ArgumentHelp(
            "Keep cases whose case attribute has this value; repeatable, all must hold.", valueName: "key=value"))
    var conditions: [String] = []

    /// The filter these options describe (window and attribute conditions).
    ///
    /// - Throws: `MiningError.invalidOption` for an unreadable date or condition.
    func filter() throws -> CaseFilter {
        var filter = CaseFilter()
        filter.from = try from.map { try CaseFilter.parseInstant($0, option: "--from") }
        filter.to = try to.map { try CaseFilter.parseInstant($0, option: "--to") }
        filter.windowMode = windowMode
        filter.attributes = try conditions.map(CaseFilter.AttributeCondition.init(parsing:))
        return filter
    }
}

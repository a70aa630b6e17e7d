import ArgumentParser
import Storage

/// `waybill summary`: what the store holds.
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise the event store and its case view.",
        discussion: """
            Example:
              waybill summary --workspace demo --object-type orders --json
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "The object type the case view flattens onto (default: orders, or the only type with events).")
    var objectType: String?

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let store = try ws.openStore(create: false)
            let summary = try store.summary(objectType: objectType)
            if workspace.json { try printJSON(summary) } else { printSummary(summary) }
        }
    }
}

/// Prints a store summary as a short text report.
func printSummary(_ s: StoreSummary) {
    print("Event store: \(grouped(s.events)) events, \(grouped(s.activities)) activities, \(grouped(s.imports)) imports")
    let objects = s.objectsByType.sorted { $0.key < $1.key }.map { "\($0.key) \(grouped($0.value))" }
    print("Objects: \(objects.joined(separator: ", "))")
    print("Links: \(grouped(s.eventObjectLinks)) event-object, \(grouped(s.objectObjectLinks)) object-object")
    guard let v = s.caseView else { return }
    print("Case view on '\(v.caseType)': \(grouped(v.cases)) cases, \(grouped(v.events)) events, \(v.activities) activities, \(grouped(v.variants)) variants")
    print("Time range: \(v.firstEvent) to \(v.lastEvent)")
    func top(_ d: [String: Int]) -> String {
        d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
            .map { "\($0.key) (\(grouped($0.value)))" }.joined(separator: ", ")
    }
    print("Start activities: \(top(v.startActivities))")
    print("End activities: \(top(v.endActivities))")
    if !v.caseAttributes.isEmpty { print("Case attributes: \(v.caseAttributes.joined(separator: ", "))") }
}

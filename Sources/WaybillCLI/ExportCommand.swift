import ArgumentParser
import Export
import Storage

/// `waybill export`: writes the store's log for other tools.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the store's log as CSV, XES or OCEL 2.0 JSON (for PM4Py, ProM, Disco).",
        discussion: """
            CSV and XES export the case view (one object type); OCEL 2.0 JSON exports everything.

            Examples:
              waybill export --format xes --out orders.xes
              waybill export --format csv --out orders.csv --object-type orders
              waybill export --format ocel2-json --out store.jsonocel
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, xes
        case ocel2JSON = "ocel2-json"
    }

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "csv, xes or ocel2-json.")
    var format: Format

    @Option(help: ArgumentHelp("The output file.", valueName: "file"))
    var out: String

    @Option(help: "The object type of the case view (CSV and XES).")
    var objectType: String?

    @Flag(help: "CSV: write cells exactly, without neutralising leading = + - @ (for tools, not spreadsheets).")
    var raw = false

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let store = try ws.openStore(create: false)
            let events: Int
            switch format {
            case .csv: events = try CSVExporter(store: store, objectType: objectType, raw: raw).write(to: out)
            case .xes: events = try XESExporter(store: store, objectType: objectType).write(to: out)
            case .ocel2JSON: events = try OCELJSONExporter(store: store).write(to: out)
            }
            if workspace.json {
                try printJSON(["file": out, "format": format.rawValue, "events": String(events)])
            } else {
                print("\(out): \(grouped(events)) events written as \(format.rawValue)")
            }
        }
    }
}

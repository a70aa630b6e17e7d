import ArgumentParser
import Ingestion
import Storage

/// `waybill extract`: builds events from source-system tables with a mapping.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build events from operational tables (OMS, WMS, TMS, ERP, returns) with a declarative mapping.",
        discussion: """
            The mapping (YAML) gives, per activity, a SQL query over the source database returning
            case_id and timestamp (and optionally activity, resource, start_timestamp, lifecycle,
            event_id, object:<type> links and attribute columns). Extraction is incremental: each
            entry keeps a watermark, and re-running adds only new events.

            Example:
              waybill simulate --out sim && waybill extract --source sim/source.sqlite --mapping sim/mapping.yaml
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: ArgumentHelp("The source database (SQLite).", valueName: "db"))
    var source: String

    @Option(help: ArgumentHelp("The mapping file (YAML).", valueName: "file"))
    var mapping: String

    @Option(help: "Zone of source timestamps that carry none.")
    var timezone: String?

    @Option(help: "Largest share of rejected rows accepted.")
    var maxRejectRate: Double = 0.01

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let store = try ws.openStore()
            var options = ImportOptions()
            options.timeZone = timezone
            options.maxRejectRate = maxRejectRate
            let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath)
                .extract(sourcePath: source, mappingPath: mapping, options: options)
            if workspace.json { try printJSON(report) } else { printReport(report, rejectsPath: ws.rejectsPath) }
        }
    }
}

import ArgumentParser
import Foundation
import Ingestion
import Storage

/// `waybill ingest`: imports event logs into the workspace's store.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import event logs (CSV, XES, OCEL 2.0 JSON/XML/SQLite; plain or .gz) into the event store.",
        discussion: """
            Each file is one transaction: a file that fails leaves the store as it was. A file
            already imported (same content hash) is skipped; events already in the store are not
            added twice. Unusable rows go to rejects.csv in the workspace, with file, line, field
            and reason; more than --max-reject-rate of them fails the file.

            Examples:
              waybill ingest orders.csv --timezone Europe/Amsterdam
              waybill ingest log.csv --delimiter ';' --case-column OrderId --activity-column Step --timestamp-column At
              waybill ingest receipt.xes.gz order-management.json.gz
              waybill ingest events.csv --case-attributes orders.csv --case-type orders
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Argument(help: ArgumentHelp("The files to import.", valueName: "file"))
    var files: [String] = []

    @Option(help: "The format, when the file name does not tell: csv, xes, ocel2-json, ocel2-xml, ocel2-sqlite.")
    var format: String?

    @Option(help: ArgumentHelp("CSV delimiter: ',', ';', 'tab' (default: sniffed from the header).", valueName: "char"))
    var delimiter: String?

    @Option(help: "CSV column holding the case id (default: case:concept:name, case_id, ...).")
    var caseColumn: String?

    @Option(help: "CSV column holding the activity (default: concept:name, activity, ...).")
    var activityColumn: String?

    @Option(help: "CSV column holding the (completion) timestamp (default: time:timestamp, timestamp, ...).")
    var timestampColumn: String?

    @Option(help: "CSV column holding the start timestamp (default: start_timestamp, start_time).")
    var startColumn: String?

    @Option(help: "CSV column holding the resource (default: org:resource, resource, ...).")
    var resourceColumn: String?

    @Option(help: ArgumentHelp("Timestamp notation: auto (ISO 8601 or epoch), iso, epoch-s, epoch-ms, or a pattern like '%d-%m-%Y %H:%M:%S' (%Y %y %m %d %H %M %S %f %z).", valueName: "format"))
    var timestampFormat: String?

    @Option(help: ArgumentHelp("Zone of timestamps that carry none: UTC, +01:00, Europe/Amsterdam. Required when such timestamps occur.", valueName: "zone"))
    var timezone: String?

    @Option(help: "The object type a flat log's cases become.")
    var caseType: String = "case"

    @Option(help: ArgumentHelp("Largest share of rejected rows accepted (0.01 = 1%).", valueName: "rate"))
    var maxRejectRate: Double = 0.01

    @Option(help: ArgumentHelp("A CSV table of case attributes keyed by case id, imported after the files.", valueName: "file"))
    var caseAttributes: String?

    func validate() throws {
        if files.isEmpty && caseAttributes == nil { throw ValidationError("name at least one file to import") }
        if let format, InputFormat(rawValue: format) == nil {
            throw ValidationError("unknown format '\(format)'; use one of \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if !(0...1).contains(maxRejectRate) { throw ValidationError("--max-reject-rate must be between 0 and 1") }
        if let delimiter, Self.delimiterByte(delimiter) == nil { throw ValidationError("--delimiter must be one character or 'tab'") }
    }

    static func delimiterByte(_ text: String) -> UInt8? {
        if text == "tab" || text == "\\t" || text == "\t" { return 0x09 }
        let bytes = Array(text.utf8)
        return bytes.count == 1 ? bytes[0] : nil
    }

    var options: ImportOptions {
        var options = ImportOptions()
        options.delimiter = delimiter.flatMap(Self.delimiterByte)
        options.caseColumn = caseColumn
        options.activityColumn = activityColumn
        options.timestampColumn = timestampColumn
        options.startTimestampColumn = startColumn
        options.resourceColumn = resourceColumn
        options.timestampFormat = timestampFormat
        options.timeZone = timezone
        options.caseType = caseType
        options.maxRejectRate = maxRejectRate
        return options
    }

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let store = try ws.openStore()
            let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
            var reports: [IngestReport] = []
            for file in files {
                let report = try ingestor.ingest(path: file, format: format.flatMap(InputFormat.init(rawValue:)), options: options)
                reports.append(report)
                if !workspace.json { printReport(report, rejectsPath: ws.rejectsPath) }
            }
            if let caseAttributes {
                let report = try ingestor.ingestCaseAttributes(path: caseAttributes, options: options)
                reports.append(report)
                if !workspace.json { printReport(report, rejectsPath: ws.rejectsPath) }
            }
            if workspace.json { try printJSON(reports) }
        }
    }
}

/// Prints one import's outcome in a line or two.
func printReport(_ report: IngestReport, rejectsPath: String) {
    if report.alreadyImported {
        print("\(report.file): skipped, \(report.warnings.keys.first ?? "already imported")")
        return
    }
    var line = "\(report.file) (\(report.format)): \(grouped(report.eventsAdded)) events added"
    if report.duplicates > 0 { line += ", \(grouped(report.duplicates)) already stored" }
    line += ", \(grouped(report.objectsAdded)) objects added"
    if report.rejects > 0 { line += ", \(grouped(report.rejects)) rows rejected (see \(rejectsPath))" }
    line += String(format: " in %.2f s", report.seconds)
    print(line)
    for (warning, count) in report.warnings.sorted(by: { $0.key < $1.key }) { print("  warning: \(warning): \(grouped(count))") }
}

import ArgumentParser
import Configuration
import Foundation
import Mining
import SLARisk
import Storage

/// Where a model folder is: a path, or an id under the workspace's Models/.
func modelDirectory(_ text: String, in ws: Workspace) -> URL {
    let direct = URL(fileURLWithPath: text, isDirectory: true)
    if FileManager.default.fileExists(atPath: direct.appendingPathComponent("SHA256SUMS").path) { return direct }
    return ws.root.appendingPathComponent("Models").appendingPathComponent(text)
}

/// `waybill score`: the ops risk list of open orders.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score every open order with a trained model: the ranked risk list (CSV or JSON).",
        discussion: """
            Loads the model (checking every file's SHA-256), finds the orders still open at
            --as-of (default: the latest event in the store) under the model's SLA rule, builds
            their features from the events up to then, and writes the list, riskiest first:
            case_id, risk, rank, decile, promised_at, hours_to_promise, last_activity, node,
            channel, carrier, reason_1..3. A model may score a workspace other than the one it
            was trained on. Default output: <workspace>/Reports/risk-list.csv (.json with --format json).

            Examples:
              waybill score --model Models/sla-gbt-1a2b3c4d5e6f --workspace demo
              waybill score --model sla-gbt-1a2b3c4d5e6f --as-of 2026-02-20T08:00:00Z --out risk.csv
              waybill score --model ../other/Models/m1 --workspace demo --format json
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: ArgumentHelp("The model folder, or its id under <workspace>/Models.", valueName: "dir"))
    var model: String

    @Option(help: ArgumentHelp("Score as of this instant (ISO 8601; default: the latest event).", valueName: "iso"))
    var asOf: String?

    @Option(help: ArgumentHelp("Output file.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("csv or json.", valueName: "format"))
    var format: String = "csv"

    func validate() throws {
        guard format == "csv" || format == "json" else { throw ValidationError("--format takes csv or json") }
    }

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let risk = try RiskArtifacts.load(modelDirectory(model, in: ws))
            let at = try asOf.map { try CaseFilter.parseInstant($0, option: "--as-of") }
            let log = try ws.openStore(create: false).loadCaseView(
                objectType: risk.caseType, attributes: risk.caseAttributesUsed, eventDetails: false, textsAsCodes: true)
            let list = try RiskList(model: risk, log: log, asOf: at)
            let path = try out.map { URL(fileURLWithPath: $0) } ?? ws.resolve("Reports/risk-list.\(format)")
            if format == "csv" {
                try StreamedFile.write(to: path) { append in try list.writeCSV(append) }
            } else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(
                    RiskListJSON(modelID: list.modelID, asOf: list.asOf, orders: list.entries))
                try StreamedFile.write(to: path) { append in try data.withUnsafeBytes(append) }
            }
            if workspace.json {
                try printJSON(["model_id": list.modelID, "as_of": list.asOf, "orders": "\(list.count)", "output": path.path])
            } else {
                print("Scored \(grouped(list.count)) open orders as of \(list.asOf) with \(list.modelID)")
                for e in (0..<min(5, list.count)).map(list.entry) {
                    let reasons = e.reasons.map { "\($0.feature)=\($0.value)" }.joined(separator: ", ")
                    print("  \(e.rank). \(e.caseID) risk \(String(format: "%.3f", e.risk)) (\(e.lastActivity)): \(reasons)")
                }
                print("Wrote \(path.path)")
            }
            ProcessLifetime.keep(list)  // the log and matrix inside: freed by the exit, not one by one
        }
    }

    struct RiskListJSON: Encodable {
        var modelID: String
        var asOf: String
        var orders: [RiskList.Entry]
        enum CodingKeys: String, CodingKey {
            case orders
            case modelID = "model_id"
            case asOf = "as_of"
        }
    }
}

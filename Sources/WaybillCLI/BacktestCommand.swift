import ArgumentParser
import Foundation
import Learning
import Mining
import SLARisk
import Storage

/// `waybill backtest`: a model on labelled historical orders.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Score labelled historical orders at a defined prediction point and report the metrics.",
        discussion: """
            Scores the decided orders (met or missed under the model's SLA rule) whose first
            event is in [--from, --to), each as it stood just after its first --prefix-at
            activity (or --fallback-hours after its first event when it never reached it),
            or --prefix-hours after its first event. Writes backtest.csv (case_id,
            prefix_time, risk, label) and backtest-metrics.json (ROC-AUC, PR-AUC, Brier,
            log loss, precision and recall at the top k%, lift by decile, overall and by
            channel and node) into <workspace>/Reports/backtest-<model-id>/ or --out DIR.

            Examples:
              waybill backtest --model sla-gbt-1a2b3c4d5e6f --prefix-at Picked --fallback-hours 24
              waybill backtest --model Models/m1 --workspace other --from 2026-02-16 --prefix-hours 12
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: ArgumentHelp("The model folder, or its id under <workspace>/Models.", valueName: "dir"))
    var model: String

    @Option(help: ArgumentHelp("Orders whose first event is at or after this instant.", valueName: "iso"))
    var from: String?

    @Option(help: ArgumentHelp("Orders whose first event is before this instant.", valueName: "iso"))
    var to: String?

    @Option(help: ArgumentHelp("Score each order just after its first event of this activity.", valueName: "activity"))
    var prefixAt: String?

    @Option(help: ArgumentHelp("With --prefix-at: hours after creation for orders that never reached it.", valueName: "hours"))
    var fallbackHours: Double?

    @Option(help: ArgumentHelp("Score each order this many hours after its first event.", valueName: "hours"))
    var prefixHours: Double?

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String?

    func validate() throws {
        guard (prefixAt == nil) != (prefixHours == nil) else {
            throw ValidationError("give --prefix-at ACTIVITY (optionally with --fallback-hours) or --prefix-hours H")
        }
        if fallbackHours != nil && prefixAt == nil { throw ValidationError("--fallback-hours goes with --prefix-at") }
        for h in [fallbackHours, prefixHours].compactMap({ $0 }) where !(h >= 0 && h.isFinite) {
            throw ValidationError("hours must be a number ≥ 0")
        }
    }

    func run() throws {
        try runReportingErrors {
            let clock = ContinuousClock()
            let started = clock.now
            let ws = try workspace.open()
            let risk = try RiskArtifacts.load(modelDirectory(model, in: ws))
            let log = try ws.openStore(create: false).loadCaseView(
                objectType: risk.caseType, attributes: risk.caseAttributesUsed, eventDetails: false, textsAsCodes: true)
            let loaded = clock.now
            let point: Backtest.PredictionPoint =
                prefixAt.map { .activity($0, fallbackHours: fallbackHours) } ?? .hoursAfterCreation(prefixHours!)
            let backtest = try Backtest(
                model: risk, log: log, point: point, from: try from.map { try CaseFilter.parseInstant($0, option: "--from") },
                to: try to.map { try CaseFilter.parseInstant($0, option: "--to") })
            let directory = try out.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? ws.resolve("Reports/backtest-\(risk.modelID)")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let scored = clock.now
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try Data(backtest.csvBytes()).write(to: directory.appendingPathComponent("backtest.csv"), options: .atomic)
                try encoder.encode(backtest.metrics).write(
                    to: directory.appendingPathComponent("backtest-metrics.json"), options: .atomic)
            } catch {
                throw OutputError(path: directory.path, reason: error.localizedDescription)
            }
            let m = backtest.metrics.overall
            if workspace.json {
                let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
                try printJSON(
                    BacktestSummary(
                        modelID: backtest.modelID, orders: backtest.rows.count,
                        missed: backtest.rows.lazy.filter(\.label).count, output: directory.path, metrics: backtest.metrics,
                        timings: .init(
                            load: seconds(loaded - started), stages: backtest.timings, write: seconds(clock.now - scored),
                            total: seconds(clock.now - started))))
            } else {
                let positives = backtest.rows.filter(\.label).count
                print("Backtest of \(backtest.modelID) on \(grouped(backtest.rows.count)) orders (\(grouped(positives)) missed)")
                print(
                    "ROC-AUC \(format(m.rocAUC)), PR-AUC \(format(m.averagePrecision)), Brier \(format(m.brierScore, 4)), "
                        + "log loss \(format(m.logLoss, 4))")
                for top in m.topFractions {
                    print("  top \(format(top.percent, 1))%: precision \(format(top.precision)), recall \(format(top.recall))")
                }
                print("Wrote \(directory.path)/backtest.csv and backtest-metrics.json")
            }
        }
    }
}

/// What `waybill backtest --json` prints: the run, its metrics, and where the time went.
struct BacktestSummary: Encodable {
    var modelID: String
    var orders: Int
    var missed: Int
    var output: String
    var metrics: MetricsReport
    var timings: Timings

    /// Seconds of wall time: loading the model and the case view, the backtest's stages, writing.
    struct Timings: Encodable {
        var load: Double
        var stages: Backtest.Timings
        var write: Double
        var total: Double
    }

    enum CodingKeys: String, CodingKey {
        case orders, missed, output, metrics, timings
        case modelID = "model_id"
    }
}

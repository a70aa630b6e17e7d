import ArgumentParser
import Configuration
import Foundation
import Ingestion
import Mining
import SLARisk
import Simulation
import Storage
import _WaybillSupport

/// `waybill demo`: the weekly batch, end to end, on simulated data.
///
/// Each step after the simulation runs the same command a user would (`mine`, `conformance`,
/// `train sla`, `score`, `backtest`), so the demo shows exactly what those commands do.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole weekly batch on a simulated retailer, from extraction to the risk list.",
        discussion: """
            Creates (or reuses) the workspace and its waybill.yaml, simulates the retailer's
            systems into <workspace>/simulation, then runs the weekly batch:
              1. simulate   the OMS/WMS/TMS/ERP/returns tables and their ground truth
              2. extract    the event log into the store (a second run adds nothing)
              3. summary    of the store
              4. mine       the latest ISO week against the week before: DFG, variants,
                            activities, SLA attainment, bottlenecks, changes, process map
                            -> Notebooks-data/<week>/
              5. conformance  of the week on a net discovered from all orders
              6. train sla  a boosted-trees SLA-miss risk model -> Models/<model-id>/
              7. score      the open orders -> Reports/<week>/risk-list.csv
              8. backtest   the model on the last two weeks' orders, each as of Picked
                            -> Reports/<week>/backtest/

            Example:
              waybill demo --workspace demo --orders 5000
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Number of simulated orders.")
    var orders: Int = 5_000

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            if !FileManager.default.fileExists(atPath: ws.configPath) {
                do {
                    try Data(WorkspaceConfig.template.utf8).write(to: URL(fileURLWithPath: ws.configPath))
                } catch {
                    throw OutputError(path: ws.configPath, reason: error.localizedDescription)
                }
            }
            var config = SimulationConfig()
            config.orders = orders
            config.seed = seed
            let simulationFolder = ws.root.appendingPathComponent("simulation").path
            let simulation = try Simulator.run(config, outputDirectory: simulationFolder)
            step("1. simulate: \(grouped(simulation.orders)) orders of a multi-channel retailer -> \(simulationFolder)")
            let store = try ws.openStore()
            let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath)
                .extract(sourcePath: simulation.sourcePath, mappingPath: simulation.mappingPath, options: ImportOptions())
            if !workspace.json {
                print("\n2. extract: ", terminator: "")
                printReport(report, rejectsPath: ws.rejectsPath)
            }
            step("3. summary:")
            let summary = try store.summary(objectType: "orders")
            if !workspace.json { printSummary(summary) }

            // The latest ISO week (possibly partial) and the one before it.
            let latest = try store.loadCaseView(objectType: "orders").timestamps.max() ?? 0
            let weekStart = Timestamp.startOfISOWeek(latest)
            let week = Timestamp.isoWeek(latest)
            let day = { (t: Microseconds) in String(Timestamp.format(t).prefix(10)) }
            let from = day(weekStart)
            let to = day(weekStart + 7 * 86_400_000_000)
            let json = workspace.json ? ["--json"] : []

            step("4. mine \(week) (\(from) to \(to)) against the week before:")
            try run(Mine.self, ["--from", from, "--to", to, "--compare-to", "previous", "--run", week] + json)

            step("5. conformance of \(week) on a net discovered from all orders (inductive miner, noise 0.2):")
            try run(Discover.self, ["--noise", "0.2"] + json)
            try run(
                ConformanceCheck.self,
                ["--model", ws.root.appendingPathComponent("Models/process-model/model.pnml").path, "--from", from, "--to", to,
                 "--run", week] + json)

            step("6. train sla:")
            let modelID = "sla-demo"
            try run(TrainSLA.self, ["--id", modelID] + json)

            step("7. score the open orders:")
            let reports = ws.root.appendingPathComponent("Reports/\(week)")
            try run(Score.self, ["--model", modelID, "--out", reports.appendingPathComponent("risk-list.csv").path] + json)

            step("8. backtest on orders of the last two weeks, each as of its first Picked:")
            try run(
                BacktestCommand.self,
                ["--model", modelID, "--from", day(weekStart - 7 * 86_400_000_000), "--prefix-at", "Picked",
                 "--fallback-hours", "24", "--out", reports.appendingPathComponent("backtest").path] + json)
        }
    }

    /// Prints a step's heading (text mode only).
    func step(_ text: String) {
        if !workspace.json { print("\n" + text) }
    }

    /// Runs another command on this workspace, as `waybill <command> --workspace W ...` would.
    func run<C: ParsableCommand>(_ command: C.Type, _ arguments: [String]) throws {
        var parsed = try C.parse(["--workspace", workspace.workspace] + arguments)
        try parsed.run()
    }
}

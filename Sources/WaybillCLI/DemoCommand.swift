import ArgumentParser
import Foundation
import Ingestion
import Mining
import Simulation
import Storage

/// `waybill demo`: the weekly batch, end to end, on simulated data.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole weekly batch on a simulated retailer: simulate, extract, summarise, mine.",
        discussion: """
            Creates (or reuses) the workspace, simulates the retailer's systems into
            <workspace>/simulation, extracts the event log into the store, prints its summary, and
            mines it into Notebooks-data/<date of the latest event>/ (the tables of `waybill mine`).
            Running it twice adds nothing to the store the second time.

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
            var config = SimulationConfig()
            config.orders = orders
            config.seed = seed
            let simulationFolder = ws.root.appendingPathComponent("simulation").path
            let simulation = try Simulator.run(config, outputDirectory: simulationFolder)
            if !workspace.json {
                print("1. simulate: \(grouped(simulation.orders)) orders of a multi-channel retailer -> \(simulationFolder)")
            }
            let store = try ws.openStore()
            let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath)
                .extract(sourcePath: simulation.sourcePath, mappingPath: simulation.mappingPath, options: ImportOptions())
            if !workspace.json {
                print("2. extract: ", terminator: "")
                printReport(report, rejectsPath: ws.rejectsPath)
                print("3. summary:")
            }
            let summary = try store.summary(objectType: "orders")
            if workspace.json { try printJSON(summary) } else { printSummary(summary) }
            let log = try store.loadCaseView(objectType: "orders")
            let analysis = ProcessAnalysis(log: log)
            let run = analysis.defaultRunName ?? "empty"
            let files = try analysis.writeTables(to: try ws.resolve("Notebooks-data/\(run)"))
            if !workspace.json {
                print("4. mine: \(files.count) tables in \(ws.notebooksDirectory.path)/\(run)/: \(files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))")
            }
        }
    }
}

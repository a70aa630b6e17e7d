import ArgumentParser
import Foundation
import Simulation
import Storage

/// `waybill simulate`: writes a simulated retailer's source systems.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a multi-channel retailer's OMS/WMS/TMS/ERP/returns tables, with an extraction mapping and ground truth.",
        discussion: """
            Writes source.sqlite (the systems' tables), mapping.yaml (for `waybill extract`) and
            ground-truth.json (the injected patterns and their sizes) into --out. Deterministic:
            the same options and seed give byte-identical files.

            Examples:
              waybill simulate --orders 5000 --weeks 8 --out sim
              waybill simulate --orders 1000000 --seed 7 --drift-from-week 6 --out big
            """)

    @Option(help: "Number of orders.")
    var orders: Int = 5_000

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("First day, YYYY-MM-DD.", valueName: "date"))
    var start: String = "2026-01-05"

    @Option(help: "Number of weeks.")
    var weeks: Int = 8

    @Option(help: ArgumentHelp("From this week on (1-based), shift the channel mix and one carrier's delay.", valueName: "k"))
    var driftFromWeek: Int?

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String = "simulation"

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() throws {
        try runReportingErrors {
            var config = SimulationConfig()
            config.orders = orders
            config.seed = seed
            config.startDate = start
            config.weeks = weeks
            config.driftFromWeek = driftFromWeek
            let result = try Simulator.run(config, outputDirectory: out)
            if json {
                try printJSON(SimulationSummary(result))
            } else {
                print("Simulated \(grouped(result.orders)) orders, about \(grouped(result.events)) events (\(String(format: "%.1f", result.eventsPerOrder)) per order)")
                print("  source tables: \(result.sourcePath)")
                for (table, rows) in result.rows.sorted(by: { $0.key < $1.key }) { print("    \(table): \(grouped(rows)) rows") }
                print("  mapping: \(result.mappingPath)")
                print("  ground truth: \(result.groundTruthPath)")
            }
        }
    }
}

/// The JSON form of a simulation's result.
struct SimulationSummary: Encodable {
    var source: String
    var mapping: String
    var groundTruth: String
    var orders: Int
    var events: Int
    var rows: [String: Int]

    init(_ r: SimulationResult) {
        source = r.sourcePath
        mapping = r.mappingPath
        groundTruth = r.groundTruthPath
        orders = r.orders
        events = r.events
        rows = r.rows
    }
}

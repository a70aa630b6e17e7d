import ArgumentParser
import Configuration
import Features
import Foundation
import Learning
import SLARisk

/// `waybill bench-sla` (hidden): the Waybill side of `Benchmarks/sla_risk.sh`.
struct BenchSLA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sla",
        abstract: "Time the SLA-risk learners on `waybill features` CSVs, or the dataset build (prints JSON).",
        discussion: """
            With --features DIR: trains boosted trees and/or logistic regression on
            DIR/features-training.csv and scores DIR/features-test.csv (fixed rounds, no
            early stopping, no bagging). With --workspace W alone: builds the SLA dataset of
            the workspace once and times it (case view load apart).
            """,
        shouldDisplay: false)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var prefixOptions: PrefixOptions

    @Option(help: ArgumentHelp("A folder written by `waybill features`.", valueName: "dir"))
    var features: String?

    @Option(help: ArgumentHelp("Learners to run.", valueName: "gbt|logistic|both"))
    var algorithm: String = "both"

    @Option(help: "Read at most this many training rows.")
    var maxRows: Int?

    @Option(help: "Boosting rounds.") var rounds: Int = 300
    @Option(help: "Leaves per tree.") var leaves: Int = 31
    @Option(help: "Learning rate.") var learningRate: Double = 0.05
    @Option(help: "Fewest rows in a leaf.") var minDataInLeaf: Int = 20
    @Option(help: "L2 penalty on leaf values.") var lambdaL2: Double = 1
    @Option(help: "Worker threads of the trees.") var threads: Int = 2
    @Option(name: .customLong("c"), help: "The logistic inverse L2 strength.") var inverseRegularization: Double = 1
    @Option(help: "The logistic stopping tolerance.") var tolerance: Double = 1e-10

    func run() throws {
        try runReportingErrors {
            guard let features else {
                let ws = try workspace.open()
                let config = try WorkspaceConfig.load(path: ws.configPath)
                let clock = ContinuousClock()
                let start = clock.now
                let log = try ws.openStore(create: false).loadCaseView(objectType: config.caseType)
                let load = clock.now - start
                var timing = try RiskBenchmark.timeDataset(log: log, rule: config.sla, mode: prefixOptions.mode)
                timing.caseViewSeconds = Double(load.components.seconds) + Double(load.components.attoseconds) * 1e-18
                try printJSON(timing)
                return
            }
            var options = RiskBenchmark.Options()
            options.threads = threads
            options.maxTrainingRows = maxRows
            if algorithm != "logistic" {
                var p = GradientBoostingParameters()
                p.rounds = rounds
                p.maxLeaves = leaves
                p.learningRate = learningRate
                p.minDataInLeaf = minDataInLeaf
                p.lambdaL2 = lambdaL2
                p.maxBin = 255
                options.trees = p
            }
            if algorithm != "gbt" {
                options.logistic = .init(inverseRegularization: inverseRegularization, tolerance: tolerance)
            }
            try printJSON(try RiskBenchmark.run(features: features, options: options))
        }
    }
}

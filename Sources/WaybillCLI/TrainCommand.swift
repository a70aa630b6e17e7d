import ArgumentParser
import Configuration
import Features
import Foundation
import Learning
import SLARisk
import Storage

/// `waybill train`: model training commands.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train models on the workspace's event store.", subcommands: [TrainSLA.self])
}

/// `waybill train sla`: the SLA-miss risk model.
struct TrainSLA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla",
        abstract: "Train an SLA-miss risk model (boosted trees or logistic regression) into Models/<model-id>/.",
        discussion: """
            Labels the orders with the workspace's SLA rule (waybill.yaml; the SLA flags
            override it), splits the decided orders by time (earliest 70% train, next 15%
            validate and calibrate, last 15% test), builds the prefix features, fits the
            model and writes Models/<model-id>/: model.json (feature schema, encoders, the
            learner; trees as parallel arrays), metrics.json, card.md and SHA256SUMS.
            The same data, options and seed give a byte-identical model.json.

            Examples:
              waybill train sla --workspace demo
              waybill train sla --algorithm logistic --c 0.5
              waybill train sla --rounds 500 --leaves 63 --learning-rate 0.03 --seed 7
              waybill train sla --prefixes snapshot --snapshot-hours 6 --id sla-weekly
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var prefixOptions: PrefixOptions
    @OptionGroup(title: "SLA rule (overrides waybill.yaml)") var sla: SLAOptions

    @Option(
        help: ArgumentHelp(
            "gbt (gradient-boosted trees) or logistic (default: waybill.yaml's training.algorithm, else gbt).",
            valueName: "algorithm"))
    var algorithm: String?

    @Option(
        name: .customLong("c"),
        help: "Logistic regression: inverse L2 strength, scikit-learn's C (default: training.logistic.c, else 1).")
    var inverseRegularization: Double?

    @Option(
        help: """
            Boosted trees: most rounds; early stopping on the validation window may stop sooner \
            (default: training.trees.rounds, else 300).
            """)
    var rounds: Int?

    @Option(help: "Boosted trees: most leaves per tree (default: training.trees.leaves, else 31).")
    var leaves: Int?

    @Option(help: "Boosted trees: shrinkage (default: training.trees.learning_rate, else 0.05).")
    var learningRate: Double?

    @Option(help: "Seed of every random draw (default: training.seed, else 42).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Model id, the folder under Models/ (default: derived from the model's content).", valueName: "id"))
    var id: String?

    @Option(help: "The object type cases are (default: waybill.yaml's case_type, else orders).")
    var objectType: String?

    func validate() throws {
        if let algorithm, RiskModel.Algorithm(rawValue: algorithm) == nil {
            throw ValidationError("--algorithm takes gbt or logistic, not '\(algorithm)'")
        }
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if let leaves, leaves < 2 { throw ValidationError("--leaves must be at least 2") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a number above 0")
        }
        if let inverseRegularization, !(inverseRegularization > 0 && inverseRegularization.isFinite) {
            throw ValidationError("--c must be a number above 0")
        }
        if let id {
            let ok = !id.isEmpty && !id.hasPrefix(".") && id.count <= 100
                && id.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
            guard ok else { throw ValidationError("--id must be one folder name of letters, digits, '-', '_' and '.'") }
        }
    }

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let config = try WorkspaceConfig.load(path: ws.configPath)
            let log = try ws.openStore(create: false).loadCaseView(objectType: objectType ?? config.caseType)
            let data = try SLADataset(log: log, rule: sla.rule(base: config.sla), mode: prefixOptions.mode)
            let options = trainingOptions(config.training)
            let result = try RiskTrainer.train(data, options: options)
            let directory = try ws.resolve("Models/\(result.model.modelID)")
            try RiskArtifacts.write(result, to: directory)
            let test = result.metrics.test.overall
            if workspace.json {
                try printJSON(TrainSummary(
                    modelID: result.model.modelID, directory: directory.path, algorithm: options.algorithm.rawValue,
                    features: data.encoder.schema.features.count, trainingRows: data.training.rows.count,
                    testRocAUC: test.rocAUC, testPRAUC: test.averagePrecision, testBrier: test.brierScore,
                    calibration: result.metrics.calibration))
            } else {
                print(
                    "Trained \(result.model.modelID) (\(options.algorithm.rawValue), \(data.encoder.schema.features.count) features, "
                        + "\(grouped(data.training.rows.count)) training rows from \(grouped(data.split.training.count)) orders)")
                print(
                    "Test window: ROC-AUC \(format(test.rocAUC)), PR-AUC \(format(test.averagePrecision)), "
                        + "Brier \(format(test.brierScore, 4)); calibration: \(result.metrics.calibration)")
                print("Wrote \(directory.path)/ (model.json, metrics.json, card.md, SHA256SUMS)")
            }
        }
    }

    /// The trainer's options: each flag given, else `waybill.yaml`'s `training` value, else the
    /// trainer's default.
    func trainingOptions(_ file: TrainingSettings) -> RiskTrainer.Options {
        var options = RiskTrainer.Options()
        if let name = algorithm ?? file.algorithm { options.algorithm = RiskModel.Algorithm(rawValue: name)! }
        options.inverseRegularization =
            inverseRegularization ?? file.inverseRegularization ?? options.inverseRegularization
        options.trees.rounds = rounds ?? file.rounds ?? options.trees.rounds
        options.trees.maxLeaves = leaves ?? file.leaves ?? options.trees.maxLeaves
        options.trees.learningRate = learningRate ?? file.learningRate ?? options.trees.learningRate
        options.trees.maxDepth = file.maxDepth ?? options.trees.maxDepth
        options.trees.minDataInLeaf = file.minDataInLeaf ?? options.trees.minDataInLeaf
        options.trees.lambdaL2 = file.lambdaL2 ?? options.trees.lambdaL2
        options.trees.featureFraction = file.featureFraction ?? options.trees.featureFraction
        options.trees.baggingFraction = file.baggingFraction ?? options.trees.baggingFraction
        options.trees.baggingFrequency = file.baggingFrequency ?? options.trees.baggingFrequency
        options.trees.earlyStoppingRounds = file.earlyStoppingRounds ?? options.trees.earlyStoppingRounds
        options.seed = seed ?? file.seed ?? options.seed
        options.modelID = id
        return options
    }

    struct TrainSummary: Encodable {
        var modelID: String
        var directory: String
        var algorithm: String
        var features: Int
        var trainingRows: Int
        var testRocAUC: Double?
        var testPRAUC: Double?
        var testBrier: Double
        var calibration: String
    }
}

func format(_ x: Double?, _ digits: Int = 3) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }

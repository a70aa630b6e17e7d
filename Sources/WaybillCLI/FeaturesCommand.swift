import ArgumentParser
import Configuration
import Features
import Foundation
import Mining
import Storage
import _WaybillSupport

/// Options that choose how training prefixes are taken.
struct PrefixOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Take a training prefix after every event, or a snapshot every --snapshot-hours.", valueName: "event|snapshot"))
    var prefixes: String = "event"

    @Option(help: ArgumentHelp("Hours between snapshots, with --prefixes snapshot.", valueName: "hours"))
    var snapshotHours: Double = 6

    func validate() throws {
        guard prefixes == "event" || prefixes == "snapshot" else {
            throw ValidationError("--prefixes takes event or snapshot, not '\(prefixes)'")
        }
        guard snapshotHours > 0, snapshotHours.isFinite else { throw ValidationError("--snapshot-hours must be positive") }
    }

    var mode: PrefixRows.Mode { prefixes == "event" ? .everyEvent : .snapshots(hours: snapshotHours) }
}

/// `waybill features`: the SLA-risk feature matrices, as CSV for other tools.
struct FeaturesExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write the SLA-risk training features (train, validation and test windows) as CSV.",
        discussion: """
            Labels the case view with the workspace's SLA rule, splits the decided cases
            by time (earliest 70% train, next 15% validate, last 15% test), fits the
            feature schema on the training cases, and writes features-training.csv,
            features-validation.csv, features-test.csv and feature-schema.json into
            <workspace>/Notebooks-data/features/ (or --out DIR). These are exactly the
            matrices `waybill train sla` learns from, so other tools (LightGBM,
            scikit-learn) can be compared on the same data.

            Columns: case_id, prefix_time, label (1 missed, 0 met), weight (each case's
            rows sum to 1), then one column per feature. Categorical features hold their
            level index; feature-schema.json lists the levels and describes every feature.

            Examples:
              waybill features --workspace demo
              waybill features --prefixes snapshot --snapshot-hours 12 --out /tmp/f
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var prefixOptions: PrefixOptions
    @OptionGroup(title: "SLA rule (overrides waybill.yaml)") var sla: SLAOptions

    @Option(help: "The object type cases are (default: waybill.yaml's case_type, else orders).")
    var objectType: String?

    @Option(help: ArgumentHelp("Output folder (default: <workspace>/Notebooks-data/features).", valueName: "dir"))
    var out: String?

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let config = try WorkspaceConfig.load(path: ws.configPath)
            let log = try ws.openStore(create: false).loadCaseView(objectType: objectType ?? config.caseType)
            let dataset = try SLADataset(log: log, rule: sla.rule(base: config.sla), mode: prefixOptions.mode)
            let directory = try out.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ws.resolve("Notebooks-data/features")
            try writeFiles(dataset, to: directory)
            let summary = [
                "features": dataset.encoder.schema.features.count,
                "training_rows": dataset.training.rows.count,
                "validation_rows": dataset.validation.rows.count,
                "test_rows": dataset.test.rows.count,
            ]
            if workspace.json {
                try printJSON(summary)
            } else {
                print(
                    "\(dataset.encoder.schema.features.count) features; rows: \(grouped(dataset.training.rows.count)) training, "
                        + "\(grouped(dataset.validation.rows.count)) validation, \(grouped(dataset.test.rows.count)) test")
                print("Wrote 4 files to \(directory.path)")
            }
        }
    }

    func writeFiles(_ dataset: SLADataset, to directory: URL) throws {
        func write(_ text: String, _ name: String) throws {
            let url = directory.appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw OutputError(path: url.path, reason: error.localizedDescription)
            }
        }
        for (name, part) in [("training", dataset.training), ("validation", dataset.validation), ("test", dataset.test)] {
            try write(part.matrix.csv(rows: part.rows, log: dataset.log), "features-\(name).csv")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try write(String(decoding: try encoder.encode(dataset.encoder.schema), as: UTF8.self) + "\n", "feature-schema.json")
    }
}

import ArgumentParser
import Conformance
import Foundation
import Mining
import Storage

/// `waybill discover`: the inductive miner's process tree and workflow net of the case view.
struct Discover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Discover a process model (inductive miner): process tree and workflow net (PNML).",
        discussion: """
            Loads the case view on one object type, applies the time window and
            discovers a process tree with the inductive miner (Leemans et al.), or
            with its infrequent variant IMf when --noise is above 0. Writes
            process-tree.txt (the tree in PM4Py's notation, e.g.
            ->( 'a', X( 'b', tau ) )) and model.pnml (the tree as a sound workflow
            net: initial token in place "source", final marking on "sink"; PNML as
            pm4py.write_pnml writes it, readable by PM4Py and ProM) into
            <workspace>/Models/process-model/, or into --out DIR.

            The trees equal PM4Py's discover_process_tree_inductive on the same
            log and threshold. A noise threshold outside 0...1 is an error (exit
            code 3).

            Examples:
              waybill discover --workspace demo
              waybill discover --noise 0.2 --out model
              waybill discover --from 2026-02-01 --to 2026-03-01 --object-type orders --json
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @OptionGroup var cases: CaseViewOptions

    @Option(help: ArgumentHelp("IMf noise threshold, 0...1 (0: the plain inductive miner).", valueName: "share"))
    var noise: Double = 0

    @Option(help: ArgumentHelp("Output folder (default: <workspace>/Models/process-model).", valueName: "dir"))
    var out: String?

    func run() throws {
        try runReportingErrors {
            let miner = try InductiveMiner(noiseThreshold: noise)
            let filter = try cases.filter()
            try filter.validate()
            let ws = try workspace.open()
            let store = try ws.openStore(create: false)
            let log = try filter.apply(to: try store.loadCaseView(objectType: cases.objectType))
            let clock = ContinuousClock()
            let start = clock.now
            let discovery = ProcessDiscovery(log: log, miner: miner)
            let elapsed = clock.now - start
            let directory =
                try out.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ws.resolve("Models/process-model")
            let files = try discovery.write(to: directory)
            let summary = DiscoverSummary(
                discovery, files: files,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            if workspace.json { try printJSON(summary) } else { summary.print() }
        }
    }
}

/// What `waybill discover` reports (JSON with --json).
struct DiscoverSummary: Encodable {
    var cases: Int
    var events: Int
    var noiseThreshold: Double
    var tree: String
    var places: Int
    var transitions: Int
    var silentTransitions: Int
    var arcs: Int
    var files: [String]
    var discoverySeconds: Double

    init(_ d: ProcessDiscovery, files: [String], seconds: Double) {
        cases = d.cases
        events = d.events
        noiseThreshold = d.noiseThreshold
        tree = d.tree.description
        places = d.net.places.count
        transitions = d.net.transitions.count
        silentTransitions = d.net.transitions.filter(\.isSilent).count
        arcs = d.net.inputs.joined().count + d.net.outputs.joined().count
        self.files = files
        discoverySeconds = seconds
    }

    func print() {
        let variant = noiseThreshold > 0 ? "IMf, noise \(noiseThreshold)" : "IM"
        Swift.print("Discovered (\(variant)) from \(grouped(cases)) cases, \(grouped(events)) events:")
        Swift.print("  \(tree)")
        Swift.print(
            "Workflow net: \(places) places, \(transitions) transitions (\(silentTransitions) silent), \(arcs) arcs")
        Swift.print("Wrote \(files.joined(separator: ", "))")
    }
}

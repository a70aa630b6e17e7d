import ArgumentParser
import Conformance
import Foundation
import Mining
import Storage
import _WaybillSupport

/// `waybill conformance`: token-based replay of the case view on a Petri net (PNML), with
/// per-case fitness and the exception list of deviations.
struct ConformanceCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Replay the case view on a process model (PNML): fitness per case and the deviations (CSV).",
        discussion: """
            Loads the case view on one object type, applies the time window and
            --where filters, reads the model (PNML 2009 as PM4Py and ProM write it)
            and replays every case with PM4Py's token-based replay. Writes
            conformance.csv (one row per case), deviations.csv (one row per case
            and deviation: missing or remaining tokens in a place, an activity
            whose transition was not enabled, an activity not in the model),
            conformance-places.csv and conformance-activities.csv into
            <workspace>/Notebooks-data/<run>/, or into --out DIR. Prints the log
            fitness, which equals pm4py.fitness_token_based_replay's log_fitness.

            Without --model, the model is discovered from the same (filtered) cases
            with the inductive miner (--noise, as `waybill discover`) and written
            beside the tables as model.pnml and process-tree.txt.

            Examples:
              waybill conformance --model order-process.pnml --workspace demo
              waybill conformance --model net.pnml --from 2026-02-23 --to 2026-03-02 --run week-09
              waybill conformance --model net.pnml --where channel=web --out /tmp/web --json
              waybill conformance --noise 0.2 --workspace demo
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Option(
        help: ArgumentHelp(
            "The process model: a PNML file (PM4Py's or ProM's); default: discover one from the cases.",
            valueName: "file"))
    var model: String?

    @Option(help: ArgumentHelp("Without --model: the IMf noise threshold of the discovered net, 0...1.", valueName: "share"))
    var noise: Double = 0.2

    @OptionGroup var cases: CaseViewOptions

    @Option(help: ArgumentHelp("Output folder (default: <workspace>/Notebooks-data/<run>).", valueName: "dir"))
    var out: String?

    @Option(
        name: .customLong("run"),
        help: ArgumentHelp(
            "Run name, the folder under Notebooks-data (default: date of the latest event).", valueName: "name"))
    var runName: String?

    func run() throws {
        try runReportingErrors {
            let filter = try cases.filter()
            try filter.validate()
            if let runName { try ProcessAnalysis.checkRunName(runName) }

            let clock = ContinuousClock()
            let miner = try InductiveMiner(noiseThreshold: noise)
            let given = try model.map { try PetriNet.readPNML(path: $0) }
            let ws = try workspace.open()
            let store = try ws.openStore(create: false)
            let log = try filter.apply(to: try store.loadCaseView(objectType: cases.objectType))
            let discovery = given == nil ? ProcessDiscovery(log: log, miner: miner) : nil
            let net = given ?? discovery!.net
            let start = clock.now
            let replay = TokenReplay(log: log, net: net)
            let elapsed = clock.now - start
            let run =
                runName ?? log.timestamps.max().map { String(Timestamp.format($0).prefix(10)) } ?? "empty"
            let directory =
                try out.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ws.resolve("Notebooks-data/\(run)")
            let files = try replay.writeTables(to: directory) + (discovery?.write(to: directory) ?? [])
            let summary = ConformanceSummary(
                replay, model: model ?? "discovered (inductive miner, noise \(noise))", events: log.eventCount, output: directory.path, files: files,
                replaySeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            if workspace.json { try printJSON(summary) } else { summary.print() }
        }
    }
}

/// What `waybill conformance` reports: the JSON form, and the text form through `print`.
struct ConformanceSummary: Encodable {
    struct Place: Encodable {
        var place: String
        var missing: Int
        var remaining: Int
    }
    struct Activity: Encodable {
        var activity: String
        var events: Int
    }

    var model: String
    var places: Int
    var transitions: Int
    var silentTransitions: Int
    var replayIsDeterministic: Bool
    var caseType: String
    var cases: Int
    var events: Int
    var variants: Int
    var fittingCases: Int
    var logFitness: Double
    var averageTraceFitness: Double
    var percentageOfFittingTraces: Double
    var consumed: Int
    var produced: Int
    var missing: Int
    var remaining: Int
    var activitiesNotInModel: [Activity]
    var activitiesNotEnabled: [Activity]
    var topPlaces: [Place]
    var output: String
    var files: [String]
    var replaySeconds: Double

    init(_ r: TokenReplay, model: String, events: Int, output: String, files: [String], replaySeconds: Double) {
        self.model = model
        places = r.net.places.count
        transitions = r.net.transitions.count
        silentTransitions = r.net.transitions.filter(\.isSilent).count
        replayIsDeterministic = r.isReplayDeterministic
        caseType = r.caseType
        cases = r.caseCount
        self.events = events
        variants = r.variants.count
        fittingCases = r.fittingCases
        logFitness = r.logFitness
        averageTraceFitness = r.averageTraceFitness
        percentageOfFittingTraces = r.percentageOfFittingTraces
        consumed = r.consumed
        produced = r.produced
        missing = r.missing
        remaining = r.remaining
        let activities = r.activityTotals()
        activitiesNotInModel = activities.filter { !$0.inModel }.map {
            Activity(activity: $0.activity, events: $0.events)
        }
        activitiesNotEnabled = activities.filter { $0.eventsNotEnabled > 0 }.map {
            Activity(activity: $0.activity, events: $0.eventsNotEnabled)
        }
        topPlaces = r.placeTotals().prefix(5).filter { $0.missing + $0.remaining > 0 }.map {
            Place(place: r.net.places[$0.place].name, missing: $0.missing, remaining: $0.remaining)
        }
        self.output = output
        self.files = files
        self.replaySeconds = replaySeconds
    }

    func print() {
        Swift.print(
            "Replayed \(grouped(cases)) '\(caseType)' cases (\(grouped(events)) events, \(grouped(variants)) variants) on "
                + "\(model): \(places) places, \(transitions) transitions (\(silentTransitions) silent)")
        Swift.print(
            "Log fitness \(String(format: "%.6f", logFitness)); average case fitness "
                + "\(String(format: "%.6f", averageTraceFitness)); \(grouped(fittingCases)) cases fit "
                + "(\(String(format: "%.1f", percentageOfFittingTraces))%)")
        Swift.print(
            "Tokens: \(grouped(consumed)) consumed, \(grouped(produced)) produced, \(grouped(missing)) missing, "
                + "\(grouped(remaining)) remaining")
        if !activitiesNotInModel.isEmpty {
            Swift.print(
                "Activities not in the model: "
                    + activitiesNotInModel.prefix(5).map { "\($0.activity) (\(grouped($0.events)) events)" }.joined(
                        separator: ", "))
        }
        if !activitiesNotEnabled.isEmpty {
            Swift.print(
                "Activities fired without being enabled: "
                    + activitiesNotEnabled.prefix(5).map { "\($0.activity) (\(grouped($0.events)))" }.joined(
                        separator: ", "))
        }
        if !topPlaces.isEmpty {
            Swift.print(
                "Places with most deviations: "
                    + topPlaces.map {
                        "\($0.place) (\(grouped($0.missing)) missing, \(grouped($0.remaining)) remaining)"
                    }
                    .joined(separator: ", "))
        }
        Swift.print("Wrote \(files.count) files to \(output)")
    }
}

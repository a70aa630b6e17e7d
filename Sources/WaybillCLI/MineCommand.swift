import ArgumentParser
import Configuration
import Foundation
import Mining
import Storage
import _WaybillSupport

/// `waybill mine`: the directly-follows graph, variants and activity figures of the case view,
/// as CSV files for notebooks.
struct Mine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mine the case view: directly-follows graph with waiting times, variants, activity figures (CSV).",
        discussion: """
            Loads the case view on one object type, applies the filters and writes
            dfg.csv, start_activities.csv, end_activities.csv, variants.csv,
            activities.csv, sla.csv, changes.csv (with --compare-to), bottlenecks.csv,
            data-dictionary.csv, process-map.svg and process-map.dot into
            <workspace>/Notebooks-data/<run>/, or into --out DIR. The run name
            defaults to the UTC date of the latest event analysed (YYYY-MM-DD).

            Filters apply in this order: the time window, --where, start and end
            activities, throughput time, then the variants (ranked on what is left).
            Dates are ISO 8601 (2026-01-05, 2026-01-05T08:00:00+01:00), UTC unless
            they carry an offset. A filter naming an attribute, value or activity
            the log does not have is an error (exit code 3).

            The figures follow PM4Py's definitions: frequencies equal
            pm4py.discover_dfg; a gap is the next event's start (or completion)
            minus the previous completion; medians and 90th percentiles as pandas
            and NumPy compute them. data-dictionary.csv describes every column.

            --object-centric (OCEL 2.0 stores) adds the object-centric
            directly-follows graph per object type (PM4Py's discover_ocdfg counts)
            and per-type variants: object_types.csv, ocdfg.csv, ocdfg_activities.csv,
            ocdfg_start_activities.csv, ocdfg_end_activities.csv, object_variants.csv.
            It covers the whole log, so it takes no filters.

            Examples:
              waybill mine --workspace demo
              waybill mine --object-centric --object-type items
              waybill mine --from 2026-02-23 --to 2026-03-02 --run week-09
              waybill mine --where channel=web --where carrier=DPD --json
              waybill mine --window-mode events --from 2026-02-01 --out feb
              waybill mine --end-activity Delivered --min-throughput-hours 48
              waybill mine --top-variants 10
              waybill mine --variant-coverage 0.8 --object-type orders
              waybill mine --from 2026-02-23 --to 2026-03-02 --compare-to previous
              waybill mine --milestone Shipped --promise-hours 48
              waybill mine --map-coverage 0.9 --map-min-edge-frequency 5
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @OptionGroup var cases: CaseViewOptions

    @Option(
        name: .customLong("start-activity"),
        help: ArgumentHelp("Keep cases starting with this activity; repeatable (any of them).", valueName: "activity"))
    var startActivities: [String] = []

    @Option(
        name: .customLong("end-activity"),
        help: ArgumentHelp("Keep cases ending with this activity; repeatable (any of them).", valueName: "activity"))
    var endActivities: [String] = []

    @Option(help: ArgumentHelp("Keep cases taking at least this long (first to last event).", valueName: "hours"))
    var minThroughputHours: Double?

    @Option(help: ArgumentHelp("Keep cases taking at most this long.", valueName: "hours"))
    var maxThroughputHours: Double?

    @Option(help: ArgumentHelp("Keep the cases of the k most frequent variants.", valueName: "k"))
    var topVariants: Int?

    @Option(
        help: ArgumentHelp(
            "Keep the cases of the fewest top variants covering this share of cases (0.8 = 80%).", valueName: "share"))
    var variantCoverage: Double?

    @Option(
        help: ArgumentHelp(
            "Compare with another window: 'previous' (same length, just before --from) or FROM..TO.",
            valueName: "window"))
    var compareTo: String?

    @OptionGroup(title: "SLA rule (overrides waybill.yaml)") var sla: SLAOptions
    @Flag(help: "Also write the object-centric directly-follows graph and per-type variants (OCEL 2.0).")
    var objectCentric = false

    @Option(help: ArgumentHelp("Draw the process map from the k most frequent variants' cases only.", valueName: "k"))
    var mapTopVariants: Int?

    @Option(
        help: ArgumentHelp(
            "Draw the process map from the fewest top variants covering this share.", valueName: "share"))
    var mapCoverage: Double?

    @Option(help: ArgumentHelp("Hide process map edges occurring fewer times than this.", valueName: "n"))
    var mapMinEdgeFrequency: Int = 1

    @Option(help: ArgumentHelp("Draw at most this many activities, the most frequent.", valueName: "n"))
    var mapMaxActivities: Int = 60

    @Option(help: ArgumentHelp("Draw at most this many edges between activities, the most frequent.", valueName: "n"))
    var mapMaxEdges: Int = 200

    @Option(help: ArgumentHelp("Output folder (default: <workspace>/Notebooks-data/<run>).", valueName: "dir"))
    var out: String?

    @Option(
        name: .customLong("run"),
        help: ArgumentHelp(
            "Run name, the folder under Notebooks-data (default: date of the latest event).", valueName: "name"))
    var runName: String?

    func validate() throws {
        if topVariants != nil && variantCoverage != nil {
            throw ValidationError("give --top-variants or --variant-coverage, not both")
        }
        if mapTopVariants != nil && mapCoverage != nil {
            throw ValidationError("give --map-top-variants or --map-coverage, not both")
        }
    }

    func run() throws {
        try runReportingErrors {
            var filter = try cases.filter()
            filter.startActivities = startActivities
            filter.endActivities = endActivities
            filter.minThroughputSeconds = minThroughputHours.map { $0 * 3600 }
            filter.maxThroughputSeconds = maxThroughputHours.map { $0 * 3600 }
            filter.variants = topVariants.map { .top($0) } ?? variantCoverage.map { .coverage($0) }
            try filter.validate()
            if objectCentric { try ObjectCentricAnalysis.checkUnfiltered(filter) }
            var map = ProcessMap.Options()
            map.variants = mapTopVariants.map { .top($0) } ?? mapCoverage.map { .coverage($0) }
            map.minEdgeFrequency = mapMinEdgeFrequency
            map.maxActivities = mapMaxActivities
            map.maxEdges = mapMaxEdges
            try map.validate()
            if let runName { try ProcessAnalysis.checkRunName(runName) }

            let clock = ContinuousClock()
            var timings = MineSummary.Timings()
            func timed<T>(_ slot: WritableKeyPath<MineSummary.Timings, Double>, _ body: () throws -> T) rethrows -> T {
                let start = clock.now
                defer {
                    let d = clock.now - start
                    timings[keyPath: slot] += Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                }
                return try body()
            }
            let ws = try workspace.open()
            let config = try WorkspaceConfig.load(path: ws.configPath)
            let previousFilter = try compareTo.map { try Self.comparisonFilter($0, current: filter) }
            let store = try ws.openStore(create: false)
            let log = try timed(\.loadSeconds) { try store.loadCaseView(objectType: cases.objectType ?? config.caseType) }
            let filtered = try timed(\.filterSeconds) { try filter.apply(to: log) }
            let hasConfig = FileManager.default.fileExists(atPath: ws.configPath) || sla.overridesAnything
            let outcomes = try timed(\.analysisSeconds) {
                try Self.slaOutcomes(log: log, rule: sla.rule(base: config.sla), required: hasConfig)
            }
            @Sendable func analyse(_ subset: ColumnarLog, dimensions: CaseDimensions? = nil) -> ProcessAnalysis {
                var analysis = ProcessAnalysis(log: subset)
                if let outcomes {
                    analysis.sla = SLAReport(
                        outcomes: outcomes.restricted(to: subset, from: log),
                        dimensions: dimensions ?? CaseDimensions(log: subset))
                }
                return analysis
            }
            // The tables and the bottleneck search run concurrently (each timed on its own); the
            // SLA outcomes of the analysed cases give the bottlenecks' late shares.
            let dimensions = timed(\.analysisSeconds) { CaseDimensions(log: filtered) }
            @Sendable func seconds(since start: ContinuousClock.Instant) -> Double {
                let d = ContinuousClock.now - start
                return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }
            let ((analysis, analysisSeconds), (bottlenecks, bottleneckSeconds)) = Concurrently.both(
                {
                    let start = ContinuousClock.now
                    return (analyse(filtered, dimensions: dimensions), seconds(since: start))
                },
                {
                    let start = ContinuousClock.now
                    let late = outcomes?.restricted(to: filtered, from: log)
                    return (
                        BottleneckAnalysis(log: filtered, outcomes: late, caseDimensions: dimensions),
                        seconds(since: start)
                    )
                })
            timings.analysisSeconds += analysisSeconds
            timings.bottleneckSeconds = bottleneckSeconds
            let comparison = try previousFilter.map { f in
                let previous = try f.apply(to: log)
                var comparison = ProcessComparison(previous: analyse(previous), current: analysis)
                comparison.addBottlenecks(
                    previous: BottleneckAnalysis(log: previous, outcomes: outcomes?.restricted(to: previous, from: log)),
                    current: bottlenecks)
                return comparison
            }
            let run =
                runName ?? analysis.defaultRunName ?? log.timestamps.max().map {
                    String(Timestamp.format($0).prefix(10))
                }
                ?? "empty"
            let directory =
                try out.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? ws.resolve("Notebooks-data/\(run)")
            let files =
                try timed(\.writeSeconds) {
                    try analysis.writeTables(to: directory, comparison: comparison, bottlenecks: bottlenecks)
                        + (objectCentric ? ObjectCentricAnalysis(store: store).writeTables(to: directory) : [])
                }
                + timed(\.mapSeconds) { try analysis.writeProcessMap(of: filtered, options: map, to: directory) }
            var summary = MineSummary(
                analysis, casesBeforeFilters: log.caseCount, eventsBeforeFilters: log.eventCount, run: run,
                output: directory.path, files: files, timings: timings)
            summary.changes = comparison?.changes.count
            summary.bottlenecks = bottlenecks.topSentences(3)
            if workspace.json { try printJSON(summary) } else { summary.print(filtered: !filter.keepsEverything) }
        }
    }
}

extension Mine {
    /// The SLA outcomes of the whole log, or nil when the rule does not fit the log and nothing
    /// asked for it (no waybill.yaml, no SLA flag): then the error would only be noise.
    static func slaOutcomes(log: ColumnarLog, rule: SLARule, required: Bool) throws -> SLAOutcomes? {
        do {
            return try SLAOutcomes(log: log, rule: rule)
        } catch is MiningError where !required {
            return nil
        }
    }

    /// The filter of the comparison window: the same filters on another window.
    static func comparisonFilter(_ text: String, current: CaseFilter) throws -> CaseFilter {
        var filter = current
        if text == "previous" {
            guard let from = current.from, let to = current.to else {
                throw MiningError(
                    .invalidOption, "--compare-to previous needs --from and --to, to know the window's length",
                    location: "--compare-to")
            }
            filter.from = from - (to - from)
            filter.to = from
        } else {
            let parts = text.components(separatedBy: "..")
            guard parts.count == 2 else {
                throw MiningError(
                    .invalidOption, "expected 'previous' or FROM..TO, such as 2026-02-16..2026-02-23, not '\(text)'",
                    location: "--compare-to")
            }
            filter.from = try CaseFilter.parseInstant(parts[0], option: "--compare-to")
            filter.to = try CaseFilter.parseInstant(parts[1], option: "--compare-to")
        }
        try filter.validate()
        return filter
    }
}

extension CaseFilter.WindowMode: ExpressibleByArgument {}

/// What `waybill mine` reports: the JSON form, and the text form through `print`.
struct MineSummary: Encodable {
    struct Edge: Encodable {
        var source: String
        var target: String
        var frequency: Int
        var caseFrequency: Int
        var meanSeconds: Double
        var medianSeconds: Double
    }
    struct Variant: Encodable {
        var rank: Int
        var cases: Int
        var share: Double
        var medianThroughputSeconds: Double
        var activities: [String]
    }
    struct Timings: Encodable {
        var loadSeconds = 0.0
        var filterSeconds = 0.0
        var analysisSeconds = 0.0
        var bottleneckSeconds = 0.0
        var writeSeconds = 0.0
        var mapSeconds = 0.0
    }

    var caseType: String
    var cases: Int
    var events: Int
    var casesBeforeFilters: Int
    var eventsBeforeFilters: Int
    var activities: Int
    var variants: Int
    var edges: Int
    var firstEvent: String?
    var lastEvent: String?
    var run: String
    var output: String
    var files: [String]
    var topEdges: [Edge]
    var topVariants: [Variant]
    /// SLA counts over the analysed cases, when the rule applies.
    var sla: SLA?
    /// Rows of changes.csv, with --compare-to.
    var changes: Int?
    /// The top bottleneck segments as sentences (bottlenecks.csv).
    var bottlenecks: [String] = []
    var timings: Timings

    struct SLA: Encodable {
        var met: Int
        var missed: Int
        var open: Int
        var noPromise: Int
        var attainment: Double?
    }

    init(
        _ a: ProcessAnalysis, casesBeforeFilters: Int, eventsBeforeFilters: Int, run: String, output: String,
        files: [String], timings: Timings
    ) {
        let dfg = a.directlyFollows
        caseType = a.caseType
        cases = a.caseCount
        events = a.eventCount
        self.casesBeforeFilters = casesBeforeFilters
        self.eventsBeforeFilters = eventsBeforeFilters
        activities = a.activities.rows.count
        variants = a.variants.variants.count
        edges = dfg.edges.count
        firstEvent = a.firstEvent.map { Timestamp.format($0) }
        lastEvent = a.lastEvent.map { Timestamp.format($0) }
        self.run = run
        self.output = output
        self.files = files
        topEdges = dfg.edges.prefix(5).map {
            Edge(
                source: dfg.name($0.source), target: dfg.name($0.target), frequency: $0.frequency,
                caseFrequency: $0.caseFrequency, meanSeconds: $0.duration.mean, medianSeconds: $0.duration.median)
        }
        topVariants = a.variants.variants.prefix(3).map {
            Variant(
                rank: $0.rank, cases: $0.cases, share: $0.share, medianThroughputSeconds: $0.medianThroughputSeconds,
                activities: a.variants.names($0))
        }
        self.timings = timings
        sla = a.sla.map {
            let all = $0.overall
            return SLA(
                met: all.met, missed: all.missed, open: all.count(.open), noPromise: all.count(.noPromise),
                attainment: all.attainment)
        }
    }

    func print(filtered: Bool) {
        Swift.print(
            "Mined '\(caseType)': \(grouped(cases)) cases, \(grouped(events)) events, \(activities) activities, "
                + "\(grouped(variants)) variants, \(grouped(edges)) directly-follows edges")
        if filtered {
            Swift.print(
                "  filtered from \(grouped(casesBeforeFilters)) cases and \(grouped(eventsBeforeFilters)) events")
        }
        if let firstEvent, let lastEvent { Swift.print("Time range: \(firstEvent) to \(lastEvent)") }
        if !topEdges.isEmpty { Swift.print("Top edges by frequency:") }
        for e in topEdges {
            Swift.print(
                "  \(e.source) -> \(e.target): \(grouped(e.frequency)), median wait \(Self.duration(e.medianSeconds))")
        }
        if !topVariants.isEmpty { Swift.print("Top variants:") }
        for v in topVariants {
            var names = v.activities.prefix(8).joined(separator: ", ")
            if v.activities.count > 8 { names += ", ... (\(v.activities.count) activities)" }
            let share = String(format: "%.1f%%", v.share * 100)
            Swift.print(
                "  \(v.rank). \(share) (\(grouped(v.cases)) cases, median \(Self.duration(v.medianThroughputSeconds))): \(names)"
            )
        }
        if let sla {
            let attainment = sla.attainment.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
            Swift.print(
                "SLA: \(attainment) attainment (\(grouped(sla.met)) met, \(grouped(sla.missed)) missed, "
                    + "\(grouped(sla.open)) open, \(grouped(sla.noPromise)) without a promise)")
        }
        if let changes { Swift.print("Changes against the comparison window: \(changes) rows in changes.csv") }
        if !bottlenecks.isEmpty { Swift.print("Top bottlenecks:") }
        for b in bottlenecks { Swift.print("  \(b)") }
        Swift.print("Wrote \(files.count) files to \(output)")
    }

    /// A duration for people: seconds, minutes, hours or days with one decimal.
    static func duration(_ seconds: Double) -> String {
        let magnitude = abs(seconds)
        let (value, unit): (Double, String) =
            magnitude < 60
            ? (seconds, "s")
            : magnitude < 3_600
                ? (seconds / 60, "min")
                : magnitude < 172_800 ? (seconds / 3_600, "h") : (seconds / 86_400, "d")
        return String(format: "%.1f", value) + " " + unit
    }
}

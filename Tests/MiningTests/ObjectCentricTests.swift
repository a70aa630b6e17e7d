import Foundation
import Testing
import _TestSupport
import _WaybillSupport

@testable import Ingestion
@testable import Mining
@testable import Storage

/// The object-centric directly-follows graph and per-type variants against PM4Py's
/// `discover_ocdfg`, `ocel_flattening` and `get_variants` (Tests/Goldens/ocel, made by
/// make_ocel_goldens.py), and against a literal transcription of PM4Py's algorithm on small logs.
@Suite struct ObjectCentricTests {
    /// The OCEL 2.0 logs with goldens: golden name → fixture.
    static let logs = [
        "order-management": "ocel2/order-management.json.gz",
        "ocel20_example": "ocel2/ocel20_example.jsonocel",
    ]

    @Test(arguments: ["order-management", "ocel20_example"])
    func countsEqualPM4PysDiscoverOCDFG(log: String) throws {
        let store = try Self.store(Fixtures.path(Self.logs[log]!))
        let analysis = try ObjectCentricAnalysis(store: store)
        let golden = try OCELGolden.load(log)
        #expect(Figures.of(analysis) == golden.figures)
        for (t, graph) in analysis.graph.types.enumerated() {
            let expected = try #require(golden.object_types[graph.objectType])
            // The ranked variants: their sequences where the golden keeps them.
            let variants = analysis.variants[t]
            try #require(variants.variants.count >= expected.variants.top.count)
            for (k, v) in expected.variants.top.enumerated() {
                #expect(variants.names(variants.variants[k]) == v.activities, "\(graph.objectType) #\(k + 1)")
                #expect(variants.variants[k].cases == v.objects)
            }
        }
    }

    /// Flattening onto each object type (`--object-type`) gives PM4Py's flattened log: cases,
    /// events, directly-follows frequencies and start and end activities.
    @Test(arguments: ["order-management", "ocel20_example"])
    func flatteningOnEveryTypeEqualsPM4Py(log: String) throws {
        let store = try Self.store(Fixtures.path(Self.logs[log]!))
        let golden = try OCELGolden.load(log)
        #expect(try store.typesWithEvents() == golden.object_types.keys.sorted())
        for (type, expected) in golden.object_types {
            let view = try store.loadCaseView(objectType: type)
            let flat = expected.flattening
            #expect(view.caseCount == flat.cases, "\(type)")
            #expect(view.eventCount == flat.events, "\(type)")
            let dfg = DirectlyFollowsGraph(log: view)
            var frequencies: [String: Int] = [:]
            for e in dfg.edges { frequencies[dfg.name(e.source) + " -> " + dfg.name(e.target)] = e.frequency }
            var expectedFrequencies: [String: Int] = [:]
            for e in flat.dfg { expectedFrequencies[e.source + " -> " + e.target] = e.frequency }
            #expect(frequencies == expectedFrequencies, "\(type)")
            #expect(view.startActivities() == flat.start_activities, "\(type)")
            #expect(view.endActivities() == flat.end_activities, "\(type)")
        }
    }

    /// The one-pass loader gives each type the view `loadCaseView(objectType:)` gives, without
    /// the case attributes.
    @Test(arguments: ["order-management", "ocel20_example", "random"])
    func caseViewsInOnePassEqualTheSingleViews(log: String) throws {
        let store =
            try log == "random" ? Self.store(TinyOCEL.random(seed: 99)) : Self.store(Fixtures.path(Self.logs[log]!))
        let views = try store.loadCaseViews()
        #expect(views.map(\.caseType) == (try store.typesWithEvents()))
        for view in views {
            let single = try store.loadCaseView(objectType: view.caseType)
            #expect(view.activityNames == single.activityNames)
            #expect(view.activities == single.activities, "\(view.caseType)")
            #expect(view.timestamps == single.timestamps)
            #expect(view.startTimestamps == single.startTimestamps)
            #expect(view.eventIDs == single.eventIDs)
            #expect(view.caseOffsets == single.caseOffsets)
            #expect(view.caseIDs == single.caseIDs)
        }
        let two = try store.loadCaseViews(objectTypes: views.suffix(2).map(\.caseType).reversed())
        #expect(two.map(\.caseType) == views.suffix(2).map(\.caseType))
        #expect(throws: StoreError.self) { try store.loadCaseViews(objectTypes: ["no such type"]) }
    }

    /// `writeTables` writes exactly the files the golden script derives from PM4Py's figures,
    /// from the JSON layout the goldens were made from and from the XML layout of the same log.
    @Test(arguments: ["ocel2/order-management.json.gz", "ocel2/order-management.xml.gz"])
    func tablesEqualTheGoldenFiles(fixture: String) throws {
        let store = try Self.store(Fixtures.path(fixture))
        let directory = Fixtures.temporaryDirectory("ocel-mine")
        let written = try ObjectCentricAnalysis(store: store).writeTables(to: directory)
        #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent } == DataDictionary.objectCentricFiles)
        for file in DataDictionary.objectCentricFiles {
            let ours = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let golden = try String(
                contentsOf: Fixtures.goldens.appendingPathComponent("ocel/order-management.\(file)"), encoding: .utf8)
            #expect(ours == golden, "\(file)")
            #expect(
                ours.split(separator: "\n").first.map(String.init) == DataDictionary.header(file).joined(separator: ",")
            )
        }
    }

    /// The hand-made log: ties, an event linked to one object under two qualifiers, events shared
    /// by several objects of a type, an object without events and a type without events.
    @Test func handMadeLogMatchesTheReference() throws {
        var log = TinyOCEL()
        log.objects = [
            ("o1", "order"), ("o2", "order"), ("i1", "item"), ("i2", "item"), ("i3", "item"), ("p1", "package"),
            ("unused", "item"), ("c1", "customer"),
        ]
        log.events = [
            .init(id: "e1", activity: "place", time: 0, links: [("o1", "order"), ("i1", "item"), ("i2", "item")]),
            .init(id: "e2", activity: "place", time: 0, links: [("o2", "order"), ("i3", "item")]),
            .init(id: "e3", activity: "pick", time: 5, links: [("i1", "item"), ("i1", "picked"), ("i2", "item")]),
            .init(id: "e4", activity: "pick", time: 5, links: [("i3", "item")]),
            .init(id: "e5", activity: "pack", time: 9, links: [("p1", "package"), ("i1", "item"), ("i2", "item")]),
            .init(id: "e6", activity: "pack", time: 9, links: [("p1", "package"), ("i3", "item")]),
            .init(id: "e7", activity: "ship", time: 12, links: [("p1", "package")]),
            .init(id: "e8", activity: "pay", time: 3, links: [("o1", "order"), ("o2", "order")]),
            .init(id: "e9", activity: "note", time: 4, links: []),
        ]
        let store = try Self.store(log)
        let fast = Figures.of(try ObjectCentricAnalysis(store: store))
        #expect(fast == log.reference())
        // Spot checks against hand counts: the two items of e1 share (place, pick) once as events.
        let item = try #require(fast.types["item"])
        #expect(item.edges["place -> pick"] == [2, 3, 3])
        #expect(item.edges["pick -> pack"] == [2, 3, 3])
        #expect(item.activities["pick"] == [2, 3, 3])
        #expect(item.starts["place"] == [2, 3])
        #expect(fast.types["order"]?.edges["place -> pay"] == [2, 2, 2])
        #expect(fast.types["customer"] == nil)
    }

    /// Random small logs with many equal timestamps: the fast graph equals the reference.
    @Test(arguments: 1...12)
    func randomLogsMatchTheReference(seed: UInt64) throws {
        let log = TinyOCEL.random(seed: seed)
        let store = try Self.store(log)
        #expect(Figures.of(try ObjectCentricAnalysis(store: store)) == log.reference())
    }

    @Test func filtersAreRefused() throws {
        try ObjectCentricAnalysis.checkUnfiltered(CaseFilter())
        var filter = CaseFilter()
        filter.startActivities = ["place order"]
        #expect(throws: MiningError.self) { try ObjectCentricAnalysis.checkUnfiltered(filter) }
    }

    // MARK: - Helpers

    static func store(_ path: String) throws -> EventStore {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("ocel-mining").path)
        let store = try ws.openStore()
        let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: path, options: ImportOptions())
        #expect(report.rejects == 0)
        return store
    }

    static func store(_ log: TinyOCEL) throws -> EventStore {
        let directory = Fixtures.temporaryDirectory("ocel-tiny")
        return try store(Fixtures.write(log.json(), to: "log.jsonocel", in: directory))
    }
}

/// The figures of one analysis in a form both sides can produce: per type, per activity
/// [events, unique objects, total objects], per edge "source -> target" [event couples, unique
/// objects, total objects], start and end activities [events, objects], and the variants.
struct Figures: Equatable, CustomStringConvertible {
    struct TypeFigures: Equatable {
        var objects = 0
        var events = 0
        var links = 0
        var activities: [String: [Int]] = [:]
        var edges: [String: [Int]] = [:]
        var starts: [String: [Int]] = [:]
        var ends: [String: [Int]] = [:]
        /// Objects per variant, ranked (descending).
        var variantFrequencies: [Int] = []
    }
    var types: [String: TypeFigures] = [:]

    var description: String { String(describing: types.sorted { $0.key < $1.key }) }

    static func of(_ analysis: ObjectCentricAnalysis) -> Figures {
        var out = Figures()
        let g = analysis.graph
        for (t, graph) in g.types.enumerated() {
            var f = TypeFigures(objects: graph.objects, events: graph.events, links: graph.eventObjectLinks)
            for r in graph.activities {
                f.activities[g.name(r.activity)] = [r.events, r.uniqueObjects, r.totalObjects]
            }
            for e in graph.edges {
                f.edges[g.name(e.source) + " -> " + g.name(e.target)] = [
                    e.eventCouples, e.uniqueObjects, e.totalObjects,
                ]
            }
            for e in graph.startActivities { f.starts[g.name(e.activity)] = [e.events, e.objects] }
            for e in graph.endActivities { f.ends[g.name(e.activity)] = [e.events, e.objects] }
            f.variantFrequencies = analysis.variants[t].variants.map(\.cases)
            out.types[graph.objectType] = f
        }
        return out
    }
}

/// A small OCEL 2.0 log built in code, with PM4Py's OC-DFG algorithm transcribed literally.
struct TinyOCEL {
    struct Event {
        var id: String
        var activity: String
        /// Seconds after 2026-01-05T00:00:00Z.
        var time: Int64
        var links: [(object: String, qualifier: String)]
    }
    var objects: [(id: String, type: String)] = []
    var events: [Event] = []

    /// The log in the OCEL 2.0 JSON layout.
    func json() -> String {
        let q = AttributeJSON.quote
        let types = Set(objects.map(\.type)).sorted().map { #"{"name":\#(q($0)),"attributes":[]}"# }
        let eventTypes = Set(events.map(\.activity)).sorted().map { #"{"name":\#(q($0)),"attributes":[]}"# }
        let objectRows = objects.map { #"{"id":\#(q($0.id)),"type":\#(q($0.type))}"# }
        let eventRows = events.map { e in
            let links = e.links.map { #"{"objectId":\#(q($0.object)),"qualifier":\#(q($0.qualifier))}"# }
            let time = Timestamp.format(1_767_571_200_000_000 + e.time * 1_000_000)
            return
                #"{"id":\#(q(e.id)),"type":\#(q(e.activity)),"time":\#(q(time)),"relationships":[\#(links.joined(separator: ","))]}"#
        }
        return """
            {"objectTypes":[\(types.joined(separator: ","))],"eventTypes":[\(eventTypes.joined(separator: ","))],
            "objects":[\(objectRows.joined(separator: ","))],"events":[\(eventRows.joined(separator: ","))]}
            """
    }

    /// PM4Py's figures, computed as `discover_ocdfg` does: events sorted by (time, file order),
    /// relations deduplicated per (event, object), a history of each object's last event, sets.
    func reference() -> Figures {
        let typeOf = Dictionary(uniqueKeysWithValues: objects.map { ($0.id, $0.type) })
        let order = events.indices.sorted { (events[$0].time, $0) < (events[$1].time, $1) }
        var activitySets: [String: [String: (events: Set<Int>, objects: Set<String>, pairs: Set<String>)]] = [:]
        var edgeSets: [String: [String: (couples: Set<[Int]>, objects: Set<String>, triples: Set<String>)]] = [:]
        var history: [String: Int] = [:]
        var sequences: [String: [String]] = [:]
        var firstEvent: [String: Int] = [:]
        for e in order {
            var seen: Set<String> = []
            for link in events[e].links where seen.insert(link.object).inserted {
                let object = link.object
                let type = typeOf[object]!
                let activity = events[e].activity
                activitySets[type, default: [:]][activity, default: ([], [], [])].events.insert(e)
                activitySets[type]![activity]!.objects.insert(object)
                activitySets[type]![activity]!.pairs.insert("\(e)|\(object)")
                if let previous = history[object] {
                    let key = events[previous].activity + " -> " + activity
                    edgeSets[type, default: [:]][key, default: ([], [], [])].couples.insert([previous, e])
                    edgeSets[type]![key]!.objects.insert(object)
                    edgeSets[type]![key]!.triples.insert("\(previous)|\(e)|\(object)")
                } else {
                    firstEvent[object] = e
                }
                history[object] = e
                sequences[object, default: []].append(activity)
            }
        }
        var out = Figures()
        for (type, activities) in activitySets {
            var f = Figures.TypeFigures()
            let typeObjects = sequences.keys.filter { typeOf[$0] == type }
            f.objects = typeObjects.count
            f.events = Set(activities.values.flatMap(\.events)).count
            f.links = activities.values.reduce(0) { $0 + $1.pairs.count }
            for (a, s) in activities { f.activities[a] = [s.events.count, s.objects.count, s.pairs.count] }
            for (k, s) in edgeSets[type] ?? [:] { f.edges[k] = [s.couples.count, s.objects.count, s.triples.count] }
            for (role, pick) in [("start", firstEvent), ("end", history)] {
                var byActivity: [String: (events: Set<Int>, objects: Int)] = [:]
                for object in typeObjects {
                    let e = pick[object]!
                    byActivity[events[e].activity, default: ([], 0)].events.insert(e)
                    byActivity[events[e].activity]!.objects += 1
                }
                let table = byActivity.mapValues { [$0.events.count, $0.objects] }
                if role == "start" { f.starts = table } else { f.ends = table }
            }
            var variants: [[String]: Int] = [:]
            for object in typeObjects { variants[sequences[object]!, default: 0] += 1 }
            f.variantFrequencies = variants.values.sorted(by: >)
            out.types[type] = f
        }
        return out
    }

    /// A random log: three object types, 40 events over 5 activities at 6 distinct times (many
    /// ties), each linked to 0 to 4 objects, sometimes one object twice under two qualifiers.
    static func random(seed: UInt64) -> TinyOCEL {
        var rng = SplitMix(seed: seed)
        var log = TinyOCEL()
        for (type, count) in [("order", 4), ("item", 9), ("package", 3)] {
            for k in 0..<count { log.objects.append(("\(type)-\(k)", type)) }
        }
        for k in 0..<40 {
            var links: [(object: String, qualifier: String)] = []
            for _ in 0..<Int(rng.next() % 5) {
                let object = log.objects[Int(rng.next() % UInt64(log.objects.count))].id
                links.append((object, "q\(rng.next() % 2)"))
            }
            log.events.append(
                Event(id: "e\(k)", activity: "A\(rng.next() % 5)", time: Int64(rng.next() % 6) * 60, links: links))
        }
        return log
    }
}

/// The PM4Py figures of one OCEL log (Tests/Goldens/ocel/<log>.json, made by make_ocel_goldens.py).
struct OCELGolden: Decodable {
    struct Counts: Decodable {
        var events: Int
        var unique_objects: Int
        var total_objects: Int
    }
    struct Edge: Decodable {
        var source: String
        var target: String
        var event_couples: Int
        var unique_objects: Int
        var total_objects: Int
    }
    struct Endpoint: Decodable {
        var events: Int
        var objects: Int
    }
    struct Flattening: Decodable {
        struct Edge: Decodable {
            var source: String
            var target: String
            var frequency: Int
        }
        var cases: Int
        var events: Int
        var dfg: [Edge]
        var start_activities: [String: Int]
        var end_activities: [String: Int]
    }
    struct Variants: Decodable {
        struct Variant: Decodable {
            var activities: [String]
            var objects: Int
        }
        var count: Int
        var objects: Int
        var frequencies: [Int]
        var top: [Variant]
    }
    struct TypeEntry: Decodable {
        var events: Int
        var activities: [String: Counts]
        var edges: [Edge]
        var start_activities: [String: Endpoint]
        var end_activities: [String: Endpoint]
        var flattening: Flattening
        var variants: Variants
    }
    var events: Int
    var objects: Int
    var object_types: [String: TypeEntry]

    static func load(_ log: String) throws -> OCELGolden {
        let url = Fixtures.goldens.appendingPathComponent("ocel").appendingPathComponent("\(log).json")
        return try JSONDecoder().decode(OCELGolden.self, from: Data(contentsOf: url))
    }

    /// The golden in the tests' common form.
    var figures: Figures {
        var out = Figures()
        for (type, entry) in object_types {
            var f = Figures.TypeFigures(
                objects: entry.flattening.cases, events: entry.events, links: entry.flattening.events)
            for (a, c) in entry.activities { f.activities[a] = [c.events, c.unique_objects, c.total_objects] }
            for e in entry.edges {
                f.edges[e.source + " -> " + e.target] = [e.event_couples, e.unique_objects, e.total_objects]
            }
            for (a, e) in entry.start_activities { f.starts[a] = [e.events, e.objects] }
            for (a, e) in entry.end_activities { f.ends[a] = [e.events, e.objects] }
            f.variantFrequencies = entry.variants.frequencies
            #expect(entry.variants.count == entry.variants.frequencies.count)
            out.types[type] = f
        }
        return out
    }
}

import Foundation
import Testing
import _TestSupport
import _WaybillSupport
@testable import Ingestion
@testable import Storage

/// PM4Py's figures (Tests/Goldens/counts.json, made by Tests/Goldens/make_goldens.py) for the
/// real flat logs.
struct FlatGolden: Decodable {
    struct Case: Decodable {
        var case_id: String
        var activities: [String]
        var timestamps: [String]
        var start_timestamps: [String?]?
    }
    var events: Int
    var cases: Int
    var activities: Int
    var variants: Int
    var start_activities: [String: Int]
    var end_activities: [String: Int]
    var first_cases: [Case]
    var timestamp_min: String
    var timestamp_max: String

    static let all: [String: FlatGolden] = {
        struct File: Decodable { var flat: [String: FlatGolden] }
        let data = try! Data(contentsOf: Fixtures.goldens.appendingPathComponent("counts.json"))
        return try! JSONDecoder().decode(File.self, from: data).flat
    }()
}

/// Imports a fixture into a fresh workspace store.
func importFixture(_ name: String, options: ImportOptions = ImportOptions()) throws -> (EventStore, IngestReport, Workspace) {
    let ws = try Workspace(path: Fixtures.temporaryDirectory("ingest").path)
    let store = try ws.openStore()
    let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(path: Fixtures.path(name), options: options)
    return (store, report, ws)
}

@Suite struct FlatLogGoldenTests {
    static let logs = [
        "running-example.csv", "running-example.xes", "receipt.csv", "receipt.xes.gz", "interval_event_log.csv",
        "roadtraffic100traces.csv", "roadtraffic100traces.xes",
    ]

    @Test(arguments: logs)
    func countsEqualPM4Py(name: String) throws {
        let golden = try #require(FlatGolden.all[name])
        let (store, report, _) = try importFixture(name)
        #expect(report.rejects == 0)
        #expect(report.eventsAdded == golden.events)
        let log = try store.loadCaseView()
        log.checkInvariants()
        #expect(log.eventCount == golden.events)
        #expect(log.caseCount == golden.cases)
        #expect(Set(log.activities).count == golden.activities)
        #expect(log.startActivities() == golden.start_activities)
        #expect(log.endActivities() == golden.end_activities)
        var variants: Set<[Int32]> = []
        for c in 0..<log.caseCount { variants.insert(Array(log.activities[log.events(ofCase: c)])) }
        #expect(variants.count == golden.variants)
        #expect(Timestamp.format(log.timestamps.min()!, alwaysMicroseconds: true) == golden.timestamp_min)
        #expect(Timestamp.format(log.timestamps.max()!, alwaysMicroseconds: true) == golden.timestamp_max)
    }

    /// Trace order (timestamp, ties in file order) and timestamp parsing, case by case.
    @Test(arguments: logs)
    func tracesEqualPM4Py(name: String) throws {
        let golden = try #require(FlatGolden.all[name])
        let (store, _, _) = try importFixture(name)
        let log = try store.loadCaseView()
        for expected in golden.first_cases {
            let c = try #require(log.caseIDs.firstIndex(of: expected.case_id))
            let range = log.events(ofCase: c)
            #expect(range.map { log.activityNames[Int(log.activities[$0])] } == expected.activities)
            #expect(range.map { Timestamp.format(log.timestamps[$0], alwaysMicroseconds: true) } == expected.timestamps)
            if let starts = expected.start_timestamps {
                #expect(range.map { log.startTimestamps[$0] == Int64.min ? nil : Timestamp.format(log.startTimestamps[$0], alwaysMicroseconds: true) } == starts)
            }
        }
    }

    @Test func csvAndXesOfOneLogGiveTheSameCaseView() throws {
        for (csv, xes) in [("running-example.csv", "running-example.xes"), ("receipt.csv", "receipt.xes.gz")] {
            let a = try importFixture(csv).0.loadCaseView()
            let b = try importFixture(xes).0.loadCaseView()
            let orderB = Dictionary(uniqueKeysWithValues: b.caseIDs.enumerated().map { ($1, $0) })
            for c in 0..<a.caseCount {
                let d = try #require(orderB[a.caseIDs[c]])
                #expect(a.events(ofCase: c).map { a.timestamps[$0] } == b.events(ofCase: d).map { b.timestamps[$0] })
                #expect(a.events(ofCase: c).map { a.activityNames[Int(a.activities[$0])] } == b.events(ofCase: d).map { b.activityNames[Int(b.activities[$0])] })
            }
        }
    }

    @Test func csvColumnsAreTypedAndCaseAttributesKept() throws {
        let (store, _, _) = try importFixture("receipt.csv")
        let log = try store.loadCaseView()
        #expect(log.caseAttributes["channel"]?.compactMap { $0 }.count == log.caseCount)
        if case .date = log.caseAttributes["deadline"]?.first ?? nil {} else { Issue.record("case:deadline should be a date") }
        let (roads, _, _) = try importFixture("roadtraffic100traces.csv")
        try roads.materializeEventTables()
        let attrs = try AttributeJSON.decode(roads.db.rows("SELECT attrs FROM event WHERE attrs LIKE '%amount%' LIMIT 1")[0][0].text)
        #expect(attrs.first { $0.key == "amount" }?.value == .double(35))
    }

    @Test func xesLogMetadataIsKept() throws {
        let (store, report, _) = try importFixture("receipt.xes.gz")
        #expect(try store.db.scalarInt("SELECT count(*) FROM log_attribute WHERE scope = 'extension'")! >= 4)
        #expect(try store.db.scalarInt("SELECT count(*) FROM log_attribute WHERE scope = 'global:trace'")! > 0)
        #expect(report.warnings.keys.contains { $0.contains("nested") })
    }
}

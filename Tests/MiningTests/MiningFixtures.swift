import Foundation
import Testing
import _TestSupport
import _WaybillSupport

@testable import Ingestion
@testable import Storage

/// Logs for the mining tests: the real fixtures imported into a store, and small logs built by hand.
enum MiningFixtures {
    /// The flat logs with PM4Py mining goldens (Tests/Goldens/mining/<log>.json): the real logs of
    /// Tests/Fixtures, and 300 simulated orders whose events only partly have start timestamps.
    static let logs = [
        "running-example.csv", "running-example.xes", "receipt.csv", "receipt.xes.gz", "interval_event_log.csv",
        "roadtraffic100traces.csv", "roadtraffic100traces.xes", simulated,
    ]

    /// The simulated log, kept beside its golden (see make_mining_goldens.py for how it was made).
    static let simulated = "simulated-orders.csv"

    /// Where a log is: Tests/Fixtures, or Tests/Goldens/mining for the simulated one.
    static func path(_ name: String) -> String {
        name == simulated
            ? Fixtures.goldens.appendingPathComponent("mining").appendingPathComponent(name).path : Fixtures.path(name)
    }

    /// Imports a fixture into a fresh workspace with `Ingestor` and loads its case view.
    static func caseView(_ name: String) throws -> ColumnarLog {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("mining").path)
        let store = try ws.openStore()
        let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: path(name), options: ImportOptions())
        #expect(report.rejects == 0)
        return try store.loadCaseView()
    }

    /// One event of a hand-built log: activity, completion and optional start, in seconds.
    struct Event {
        var activity: String
        var time: Int64
        var start: Int64? = nil
    }

    /// A columnar log from cases of events, ordered as the case view orders them (completion
    /// time, ties in the given order), timestamps in seconds.
    static func log(_ cases: [[Event]], attributes: [String: [AttributeValue?]] = [:]) -> ColumnarLog {
        var names: [String] = []
        var code: [String: Int32] = [:]
        var log = ColumnarLog(
            caseType: "case", activityNames: [], activities: [], timestamps: [], startTimestamps: [], eventIDs: [],
            caseOffsets: [0], caseIDs: [], caseAttributes: attributes)
        var id: Int64 = 0
        for (c, events) in cases.enumerated() {
            let sorted = events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(
                \.element)
            for e in sorted {
                let x =
                    code[e.activity]
                    ?? {
                        names.append(e.activity)
                        code[e.activity] = Int32(names.count - 1)
                        return Int32(names.count - 1)
                    }()
                log.activities.append(x)
                log.timestamps.append(e.time * 1_000_000)
                log.startTimestamps.append(e.start.map { $0 * 1_000_000 } ?? Int64.min)
                log.eventIDs.append(id)
                id += 1
            }
            log.caseOffsets.append(log.activities.count)
            log.caseIDs.append("c\(c + 1)")
        }
        log.activityNames = names
        log.checkInvariants()
        return log
    }

    /// A random log: `cases` cases of 1 to `maxLength` events over `activities` activities, with
    /// many equal timestamps, and start timestamps on some events when `starts` is true.
    static func random(seed: UInt64, cases: Int, activities: Int, maxLength: Int, starts: Bool) -> ColumnarLog {
        var rng = SplitMix(seed: seed)
        let names = (0..<activities).map { "A\($0)" }
        var all: [[Event]] = []
        for _ in 0..<cases {
            let length = Int(rng.next() % UInt64(maxLength)) + 1
            var t: Int64 = Int64(rng.next() % 1_000)
            var events: [Event] = []
            for _ in 0..<length {
                t += Int64(rng.next() % 4) * 60  // a quarter of the steps add nothing: ties
                var e = Event(activity: names[Int(rng.next() % UInt64(activities))], time: t)
                if starts && rng.next() % 3 != 0 { e.start = t - Int64(rng.next() % 400) }
                events.append(e)
            }
            // Shuffle a little so the input order is not always the time order.
            if length > 1 && rng.next() % 2 == 0 { events.swapAt(0, Int(rng.next() % UInt64(length))) }
            all.append(events)
        }
        return log(all)
    }
}


/// The PM4Py figures of one log (Tests/Goldens/mining/<log>.json, made by make_mining_goldens.py).
struct MiningGolden: Decodable {
    struct Edge: Decodable {
        var source: String
        var target: String
        var frequency: Int
        var case_frequency: Int
        var mean: Double
        var median: Double
        var max: Double
        var min: Double
        var p90: Double
    }
    struct Variant: Decodable {
        var activities: [String]
        var cases: Int
        var median_throughput_seconds: Double
    }
    struct Activity: Decodable {
        var frequency: Int
        var cases: Int
        var rework_cases: Int
        var mean_service_seconds: Double?
        var median_service_seconds: Double?
        var waiting_count: Int?
        var mean_waiting_seconds: Double?
        var median_waiting_seconds: Double?
    }
    var has_start_timestamps: Bool
    var events: Int
    var cases: Int
    var dfg: [Edge]
    var start_activities: [String: Int]
    var end_activities: [String: Int]
    var variants: [Variant]
    var activities: [String: Activity]

    static func load(_ log: String) throws -> MiningGolden {
        let url = Fixtures.goldens.appendingPathComponent("mining").appendingPathComponent("\(log).json")
        return try JSONDecoder().decode(MiningGolden.self, from: Data(contentsOf: url))
    }
}

/// `a` and `b` equal within a relative tolerance (absolute near zero).
func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(1, abs(a), abs(b))
}

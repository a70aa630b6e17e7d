import Foundation
import Storage
import Testing
import _TestSupport

@testable import Mining

/// The CSV files end to end, without the CLI: fixture -> store -> case view -> filter -> files.
@Suite struct TablesTests {
    static func read(_ directory: URL, _ file: String) throws -> [String] {
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func writesEveryFileWithDocumentedHeaders() throws {
        let log = try MiningFixtures.caseView("running-example.xes")
        let analysis = ProcessAnalysis(log: log)
        let directory = Fixtures.temporaryDirectory("mine").appendingPathComponent("out/2011-01-24")
        let written = try analysis.writeTables(to: directory, bottlenecks: BottleneckAnalysis(log: log, outcomes: nil))
        // No SLA rule and no comparison: sla.csv and changes.csv are not written.
        #expect(
            written.map { URL(fileURLWithPath: $0).lastPathComponent }
                == DataDictionary.files.filter { $0 != "sla.csv" && $0 != "changes.csv" })
        #expect(analysis.defaultRunName == "2011-01-24")  // the latest event, 2011-01-24T13:56:00Z

        let dfg = try Self.read(directory, "dfg.csv")
        #expect(dfg[0] == "source,target,frequency,case_frequency,mean_seconds,median_seconds,p90_seconds,max_seconds")
        #expect(dfg.last == "")  // a final newline
        #expect(dfg.count == analysis.directlyFollows.edges.count + 2)
        // PM4Py: register request -> examine casually occurs 3 times in 3 cases.
        #expect(dfg.contains { $0.hasPrefix("register request,examine casually,3,3,") })
        #expect(try Self.read(directory, "start_activities.csv") == ["activity,cases", "register request,6", ""])
        #expect(
            try Self.read(directory, "end_activities.csv") == [
                "activity,cases", "pay compensation,3", "reject request,3", "",
            ])

        let variants = try Self.read(directory, "variants.csv")
        #expect(variants[0] == "rank,cases,share,cumulative_share,median_throughput_seconds,activities")
        #expect(variants.count == 6 + 2)
        #expect(variants[1].hasPrefix("1,1,0.166667,0.166667,"))
        #expect(variants[6].hasPrefix("6,1,0.166667,1.000000,"))
        #expect(
            variants[1].contains(#",1.000000,"[""register request"",""check ticket"","#)
                || variants[1].contains(#"[""register request"",""check ticket"""#))

        let activities = try Self.read(directory, "activities.csv")
        #expect(activities[0] == DataDictionary.header("activities.csv").joined(separator: ","))
        #expect(activities[1].hasPrefix("check ticket,9,6,2,0,,,,9,"))  // no start timestamps: empty service cells

        // The data dictionary documents every column of every file, itself included.
        let dictionary = try Self.read(directory, "data-dictionary.csv")
        #expect(dictionary[0] == "file,column,type,description")
        for file in written.map({ URL(fileURLWithPath: $0).lastPathComponent }) {
            let header = try Self.read(directory, file)[0].split(separator: ",").map(String.init)
            for column in header {
                #expect(dictionary.contains { $0.hasPrefix("\(file),\(column),") }, "\(file): \(column)")
            }
        }
    }

    @Test func intervalLogHasServiceTimes() throws {
        let analysis = ProcessAnalysis(log: try MiningFixtures.caseView("interval_event_log.csv"))
        let directory = Fixtures.temporaryDirectory("mine")
        try analysis.writeTables(to: directory)
        let rows = try Self.read(directory, "activities.csv")
        let placeOrder = try #require(rows.first { $0.hasPrefix("place order,") }).split(
            separator: ",", omittingEmptySubsequences: false)
        // PM4Py's get_service_time: mean 2521.849131121643 s, median 568 s; no waiting before the first event.
        #expect(placeOrder[1...6] == ["1266", "1266", "0", "1266", "2521.849131", "568.000000"])
        #expect(placeOrder[8...] == ["0", "", "", ""])
    }

    @Test(arguments: ["receipt.xes.gz", "interval_event_log.csv"])
    func twoRunsAreByteIdentical(name: String) throws {
        let log = try MiningFixtures.caseView(name)
        let a = Fixtures.temporaryDirectory("mine")
        let b = Fixtures.temporaryDirectory("mine")
        let written = try ProcessAnalysis(log: log).writeTables(
            to: a, bottlenecks: BottleneckAnalysis(log: log, outcomes: nil))
        let again = try MiningFixtures.caseView(name)
        try ProcessAnalysis(log: again).writeTables(to: b, bottlenecks: BottleneckAnalysis(log: again, outcomes: nil))
        for file in written.map({ URL(fileURLWithPath: $0).lastPathComponent }) {
            let x = try Data(contentsOf: a.appendingPathComponent(file))
            let y = try Data(contentsOf: b.appendingPathComponent(file))
            #expect(x == y, "\(file)")
        }
    }

    @Test func namesAreNeutralisedAndQuoted() throws {
        let log = MiningFixtures.log([
            [.init(activity: "=HYPERLINK(\"x\")", time: 0), .init(activity: "b, c", time: 1)]
        ])
        let directory = Fixtures.temporaryDirectory("mine")
        try ProcessAnalysis(log: log).writeTables(to: directory)
        let dfg = try Self.read(directory, "dfg.csv")
        #expect(dfg[1] == #""'=HYPERLINK(""x"")","b, c",1,1,1.000000,1.000000,1.000000,1.000000"#)
        let variants = try Self.read(directory, "variants.csv")
        #expect(variants[1] == #"1,1,1.000000,1.000000,1.000000,"[""=HYPERLINK(\""x\"")"",""b, c""]""#)
    }

    @Test func decimalsAreFixed() {
        #expect(ProcessAnalysis.decimal(0) == "0.000000")
        #expect(ProcessAnalysis.decimal(-0.5) == "-0.500000")
        #expect(ProcessAnalysis.decimal(-0.0000001) == "0.000000")
        #expect(ProcessAnalysis.decimal(1234567.0000005) == "1234567.000001")
        #expect(ProcessAnalysis.decimal(1e-7) == "0.000000")
        #expect(ProcessAnalysis.decimal(.nan) == "")
    }

    @Test func runNames() throws {
        try ProcessAnalysis.checkRunName("2026-W09")
        try ProcessAnalysis.checkRunName("week_9.b")
        for bad in ["", "..", ".hidden", "a/b", "../x", "a b"] {
            #expect(throws: MiningError.self, "\(bad)") { try ProcessAnalysis.checkRunName(bad) }
        }
    }
}

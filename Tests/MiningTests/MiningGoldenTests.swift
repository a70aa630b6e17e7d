import Storage
import Testing

@testable import Mining

/// Waybill's mining figures against PM4Py's on the real logs (Tests/Goldens/mining, made by
/// make_mining_goldens.py): counts exactly, durations within 1e-9 relative.
@Suite struct MiningGoldenTests {
    @Test(arguments: MiningFixtures.logs)
    func directlyFollowsGraphEqualsPM4Py(name: String) throws {
        let golden = try MiningGolden.load(name)
        let log = try MiningFixtures.caseView(name)
        #expect(log.eventCount == golden.events && log.caseCount == golden.cases)
        let dfg = DirectlyFollowsGraph(log: log)
        dfg._checkInvariants()
        #expect(dfg.edges.count == golden.dfg.count)
        for g in golden.dfg {
            let e = try #require(dfg.edge(from: g.source, to: g.target), "\(g.source) -> \(g.target)")
            #expect(e.frequency == g.frequency, "\(g.source) -> \(g.target)")
            #expect(e.caseFrequency == g.case_frequency, "\(g.source) -> \(g.target)")
            let d = e.duration
            #expect(close(d.mean, g.mean), "mean \(g.source) -> \(g.target): \(d.mean) vs \(g.mean)")
            #expect(close(d.median, g.median), "median \(g.source) -> \(g.target): \(d.median) vs \(g.median)")
            #expect(close(d.p90, g.p90), "p90 \(g.source) -> \(g.target): \(d.p90) vs \(g.p90)")
            #expect(close(d.max, g.max) && close(d.min, g.min), "max/min \(g.source) -> \(g.target)")
        }
        func named(_ counts: [DirectlyFollowsGraph.ActivityCount]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: counts.map { (dfg.name($0.activity), $0.cases) })
        }
        #expect(named(dfg.startActivities) == golden.start_activities)
        #expect(named(dfg.endActivities) == golden.end_activities)
        if !golden.has_start_timestamps { #expect(!dfg.reorderedByStart) }
        if name == "interval_event_log.csv" { #expect(dfg.reorderedByStart) }
    }

    @Test(arguments: MiningFixtures.logs)
    func variantsEqualPM4Py(name: String) throws {
        let golden = try MiningGolden.load(name)
        let table = VariantTable(log: try MiningFixtures.caseView(name))
        // Same variants, same counts, same ranking (count descending, then the sequence).
        #expect(table.variants.map { table.names($0) } == golden.variants.map(\.activities))
        #expect(table.variants.map(\.cases) == golden.variants.map(\.cases))
        for (v, g) in zip(table.variants, golden.variants) {
            #expect(close(v.medianThroughputSeconds, g.median_throughput_seconds), "\(g.activities)")
        }
        #expect(table.variants.map(\.rank) == Array(1...golden.variants.count))
        #expect(close(table.variants.last!.cumulativeShare, 1))
    }

    @Test(arguments: MiningFixtures.logs)
    func activityStatisticsEqualPM4Py(name: String) throws {
        let golden = try MiningGolden.load(name)
        let stats = ActivityStatistics(log: try MiningFixtures.caseView(name))
        #expect(stats.rows.count == golden.activities.count)
        for (activity, g) in golden.activities {
            let row = try #require(stats.row(activity), "\(activity)")
            #expect(row.frequency == g.frequency && row.cases == g.cases, "\(activity)")
            #expect(row.reworkCases == g.rework_cases, "\(activity)")
            if let mean = g.mean_service_seconds, let median = g.median_service_seconds {
                let service = try #require(row.serviceTime, "\(activity)")
                #expect(close(service.mean, mean) && close(service.median, median), "service \(activity)")
            } else {
                #expect(row.serviceTime == nil)
            }
            if let count = g.waiting_count, let mean = g.mean_waiting_seconds, let median = g.median_waiting_seconds {
                let waiting = try #require(row.waitingTime, "\(activity)")
                #expect(waiting.count == count, "\(activity)")
                #expect(close(waiting.mean, mean) && close(waiting.median, median), "waiting \(activity)")
            } else {
                #expect(row.waitingTime == nil)
            }
        }
    }

    /// The waiting time before an activity is the gaps of the edges into it, by construction.
    @Test func waitingTimeAggregatesIncomingEdges() throws {
        let log = try MiningFixtures.caseView("interval_event_log.csv")
        let dfg = DirectlyFollowsGraph(log: log)
        let stats = ActivityStatistics(log: log)
        for row in stats.rows {
            let incoming = dfg.edges.filter { $0.target == row.activity }
            let count = incoming.reduce(0) { $0 + $1.frequency }
            #expect(row.waitingTime?.count ?? 0 == count)
            if let waiting = row.waitingTime {
                let mean = incoming.reduce(0.0) { $0 + $1.duration.mean * Double($1.frequency) } / Double(count)
                #expect(close(waiting.mean, mean))
            }
        }
    }
}

import Storage
import Testing

@testable import Mining

/// The flat-array DFG against a plain reference: a dictionary keyed by pairs of activity names,
/// each case sorted by (start, completion) with a stable sort, gaps kept in arrays and sorted.
@Suite struct DirectlyFollowsGraphTests {
    struct Reference {
        var frequency: [String: Int] = [:]
        var cases: [String: Set<Int>] = [:]
        var gaps: [String: [Double]] = [:]
        var starts: [String: Int] = [:]
        var ends: [String: Int] = [:]

        init(_ log: ColumnarLog) {
            for c in 0..<log.caseCount {
                let range = log.events(ofCase: c)
                guard !range.isEmpty else { continue }
                starts[log.activityNames[Int(log.activities[range.lowerBound])], default: 0] += 1
                ends[log.activityNames[Int(log.activities[range.upperBound - 1])], default: 0] += 1
                func start(_ i: Int) -> Int64 {
                    log.startTimestamps[i] == Int64.min ? log.timestamps[i] : log.startTimestamps[i]
                }
                let ordered = range.sorted { (start($0), log.timestamps[$0], $0) < (start($1), log.timestamps[$1], $1) }
                for (i, j) in zip(ordered, ordered.dropFirst()) {
                    let key =
                        log.activityNames[Int(log.activities[i])] + " -> " + log.activityNames[Int(log.activities[j])]
                    frequency[key, default: 0] += 1
                    cases[key, default: []].insert(c)
                    gaps[key, default: []].append(Double(start(j) - log.timestamps[i]) / 1e6)
                }
            }
        }

        /// NumPy's linear percentile on a sorted array.
        static func percentile(_ sorted: [Double], _ q: Double) -> Double {
            let h = Double(sorted.count - 1) * q
            let lo = Int(h.rounded(.down))
            return lo + 1 < sorted.count ? sorted[lo] + (h - Double(lo)) * (sorted[lo + 1] - sorted[lo]) : sorted[lo]
        }
    }

    static let seeds: [UInt64] = Array(1...40)

    @Test(arguments: seeds)
    func equalsReferenceOnRandomLogs(seed: UInt64) {
        let log = MiningFixtures.random(
            seed: seed, cases: Int(seed % 7) * 30 + 1, activities: Int(seed % 9) + 1, maxLength: 12,
            starts: seed % 2 == 0)
        let dfg = DirectlyFollowsGraph(log: log)
        dfg._checkInvariants()
        let reference = Reference(log)
        #expect(dfg.edges.count == reference.frequency.count)
        for e in dfg.edges {
            let key = dfg.name(e.source) + " -> " + dfg.name(e.target)
            #expect(e.frequency == reference.frequency[key], "\(key)")
            #expect(e.caseFrequency == reference.cases[key]?.count, "\(key)")
            let sorted = reference.gaps[key, default: []].sorted()
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            let median =
                sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            #expect(close(e.duration.mean, mean), "\(key)")
            #expect(e.duration.median == median, "\(key)")
            #expect(close(e.duration.p90, Reference.percentile(sorted, 0.9)), "\(key)")
            #expect(e.duration.max == sorted.last && e.duration.min == sorted.first, "\(key)")
        }
        #expect(
            Dictionary(uniqueKeysWithValues: dfg.startActivities.map { (dfg.name($0.activity), $0.cases) })
                == reference.starts)
        #expect(
            Dictionary(uniqueKeysWithValues: dfg.endActivities.map { (dfg.name($0.activity), $0.cases) })
                == reference.ends)
    }

    /// Beyond 2,048 activities the pair table becomes a hash; both give the same graph.
    @Test func manyActivitiesUseTheHashAndAgree() {
        var cases: [[MiningFixtures.Event]] = []
        for c in 0..<300 {
            cases.append(
                (0..<10).map { k in MiningFixtures.Event(activity: "A\((c * 7 + k * 13) % 2_500)", time: Int64(k * 60))
                })
        }
        let log = MiningFixtures.log(cases)
        #expect(log.activityNames.count > 2_048)
        let dfg = DirectlyFollowsGraph(log: log)
        let reference = Reference(log)
        #expect(dfg.edges.count == reference.frequency.count)
        for e in dfg.edges {
            #expect(e.frequency == reference.frequency[dfg.name(e.source) + " -> " + dfg.name(e.target)])
        }
    }

    @Test func intervalLogsOrderByStartAndMeasureTheWait() {
        // b completes before a but starts after it: PM4Py's order is a, b; the gap is b.start - a.end.
        let log = MiningFixtures.log([
            [
                .init(activity: "a", time: 100, start: 10), .init(activity: "b", time: 90, start: 50),
                .init(activity: "c", time: 200),
            ]
        ])
        let dfg = DirectlyFollowsGraph(log: log)
        #expect(dfg.reorderedByStart)
        #expect(dfg.edge(from: "a", to: "b")?.duration.mean == -50)
        #expect(dfg.edge(from: "b", to: "c")?.duration.mean == 110)
        #expect(dfg.edge(from: "b", to: "a") == nil)
        // Start activities stay those of the completion order, as discover_dfg reports them.
        #expect(dfg.startActivities.map { dfg.name($0.activity) } == ["b"])
    }

    @Test func edgesAreRankedByFrequencyThenNames() {
        let log = MiningFixtures.log([
            [.init(activity: "b", time: 1), .init(activity: "a", time: 2)],
            [.init(activity: "a", time: 1), .init(activity: "b", time: 2)],
            [
                .init(activity: "a", time: 1), .init(activity: "c", time: 2), .init(activity: "a", time: 3),
                .init(activity: "c", time: 4),
            ],
        ])
        let dfg = DirectlyFollowsGraph(log: log)
        #expect(
            dfg.edges.map { "\(dfg.name($0.source))\(dfg.name($0.target))\($0.frequency)/\($0.caseFrequency)" } == [
                "ac2/1", "ab1/1", "ba1/1", "ca1/1",
            ])
    }

    @Test func emptyAndSingleEventLogs() {
        let empty = DirectlyFollowsGraph(log: MiningFixtures.log([]))
        #expect(empty.edges.isEmpty && empty.startActivities.isEmpty)
        let single = DirectlyFollowsGraph(log: MiningFixtures.log([[.init(activity: "a", time: 1)]]))
        #expect(single.edges.isEmpty)
        #expect(
            single.startActivities == [.init(activity: 0, cases: 1)]
                && single.endActivities == [.init(activity: 0, cases: 1)])
    }
}

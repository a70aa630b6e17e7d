import Testing

@testable import Mining
@testable import Storage

@Suite struct ProcessComparisonTests {
    typealias E = MiningFixtures.Event

    @Test func findsNewGoneAndMovedItems() {
        let before = MiningFixtures.log([
            [E(activity: "a", time: 0), E(activity: "b", time: 3600)],
            [E(activity: "a", time: 0), E(activity: "b", time: 7200)],
            [E(activity: "a", time: 0), E(activity: "c", time: 60)],
        ])
        let after = MiningFixtures.log([
            [E(activity: "a", time: 0), E(activity: "b", time: 36_000)],
            [E(activity: "a", time: 0), E(activity: "d", time: 60)],
        ])
        let changes = ProcessComparison(previous: ProcessAnalysis(log: before), current: ProcessAnalysis(log: after))
            .changes
        func find(_ kind: String, _ item: String) -> ProcessComparison.Change? {
            changes.first { $0.kind == kind && $0.item == item }
        }
        #expect(find("summary", "cases")?.delta == -1)
        #expect(find("variant_new", #"["a","d"]"#)?.current == 0.5)
        #expect(find("variant_gone", #"["a","c"]"#)?.previous == 1.0 / 3)
        #expect(find("variant_share", #"["a","b"]"#)?.delta == 0.5 - 2.0 / 3)
        #expect(find("edge_new", "a -> d")?.current == 1)
        #expect(find("edge_gone", "a -> c")?.previous == 1)
        // Median a -> b wait: 1.5 h before, 10 h now.
        #expect(find("edge_median_wait", "a -> b")?.delta == 8.5)
        let csv = ProcessComparison(previous: ProcessAnalysis(log: before), current: ProcessAnalysis(log: after)).csv()
        #expect(csv.hasPrefix("kind,item,previous,current,delta,description\n"))
        #expect(csv.contains("edge_median_wait,a -> b,1.500000,10.000000,8.500000,"))

        // Bottleneck items: a -> b waited 1 h + 2 h before, 10 h now.
        var withBottlenecks = ProcessComparison(previous: ProcessAnalysis(log: before), current: ProcessAnalysis(log: after))
        withBottlenecks.addBottlenecks(
            previous: BottleneckAnalysis(log: before, outcomes: nil), current: BottleneckAnalysis(log: after, outcomes: nil))
        let moved = withBottlenecks.changes.first { $0.kind == "bottleneck_wait_hours" && $0.item == "a -> b" }
        #expect(moved?.previous == 3 && moved?.current == 10 && moved?.delta == 7)
    }
}

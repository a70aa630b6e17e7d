import Storage
import Testing

@testable import Mining

@Suite struct VariantTableTests {
    @Test func rankingSharesAndTies() {
        let log = MiningFixtures.log([
            [.init(activity: "b", time: 0), .init(activity: "c", time: 10)],
            [.init(activity: "a", time: 0), .init(activity: "c", time: 30)],
            [.init(activity: "a", time: 0), .init(activity: "c", time: 50)],
            [.init(activity: "a", time: 0)],
            [.init(activity: "b", time: 0), .init(activity: "c", time: 20)],
            [.init(activity: "a", time: 0), .init(activity: "c", time: 0), .init(activity: "c", time: 5)],
        ])
        let table = VariantTable(log: log)
        // Two variants with 2 cases: a,c before b,c. Then the singletons: a before a,c,c (a prefix first).
        #expect(table.variants.map { table.names($0) } == [["a", "c"], ["b", "c"], ["a"], ["a", "c", "c"]])
        #expect(table.variants.map(\.cases) == [2, 2, 1, 1])
        #expect(table.variants.map(\.rank) == [1, 2, 3, 4])
        #expect(close(table.variants[0].share, 2.0 / 6) && close(table.variants[1].cumulativeShare, 4.0 / 6))
        #expect(table.variants[3].cumulativeShare == 1)
        #expect(table.variants[0].medianThroughputSeconds == 40 && table.variants[1].medianThroughputSeconds == 15)
        #expect(table.variantOfCase == [1, 0, 0, 2, 1, 3])
        #expect(table.count(covering: 0.5) == 2 && table.count(covering: 1.0 / 3) == 1 && table.count(covering: 1) == 4)
    }

    /// Hash grouping against grouping by the name sequences themselves.
    @Test(arguments: Array(UInt64(1)...20))
    func equalsGroupingByNames(seed: UInt64) {
        let log = MiningFixtures.random(seed: seed, cases: 200, activities: 3, maxLength: 5, starts: false)
        let table = VariantTable(log: log)
        var expected: [[String]: Int] = [:]
        for c in 0..<log.caseCount {
            expected[log.events(ofCase: c).map { log.activityNames[Int(log.activities[$0])] }, default: 0] += 1
        }
        #expect(table.variants.count == expected.count)
        for v in table.variants { #expect(expected[table.names(v)] == v.cases) }
        for c in 0..<log.caseCount {
            #expect(
                table.names(table.variants[Int(table.variantOfCase[c])])
                    == log.events(ofCase: c).map { log.activityNames[Int(log.activities[$0])] })
        }
        for (x, y) in zip(table.variants, table.variants.dropFirst()) {
            #expect(
                x.cases > y.cases || (x.cases == y.cases && table.names(x).lexicographicallyPrecedes(table.names(y))))
        }
    }
}

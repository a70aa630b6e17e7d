import Foundation
import Storage
import Testing
import _TestSupport

@testable import Mining

/// The bottleneck analysis: its statistics against SciPy's goldens, the segment search against
/// planted and null logs and against a simple reference, and the simulator's ground truth.
@Suite struct BottleneckTests {
    typealias E = MiningFixtures.Event

    // MARK: - Statistics against SciPy

    struct MannWhitneyGolden: Decodable {
        struct Case: Decodable {
            var name: String
            var x: [Int64]
            var y: [Int64]
            var u: Double
            var p: Double
        }
        var cases: [Case]
    }

    struct BHGolden: Decodable {
        struct Case: Decodable {
            var name: String
            var p: [Double]
            var adjusted: [Double]
        }
        var cases: [Case]
    }

    static func golden<T: Decodable>(_ file: String) throws -> T {
        let url = Fixtures.goldens.appendingPathComponent("bottlenecks").appendingPathComponent(file)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// Absolute 1e-9, or relative 1e-9 for p-values below 1e-6 (SciPy's far tail).
    static func pClose(_ a: Double, _ b: Double) -> Bool {
        b < 1e-6 ? abs(a - b) <= 1e-9 * b : abs(a - b) <= 1e-9
    }

    @Test func mannWhitneyEqualsSciPy() throws {
        let golden: MannWhitneyGolden = try Self.golden("mann_whitney.json")
        #expect(golden.cases.count >= 10)
        for c in golden.cases {
            let result = MannWhitney.greater(c.x, c.y)
            #expect(result.u == c.u, "\(c.name): U \(result.u) vs \(c.u)")
            #expect(Self.pClose(result.p, c.p), "\(c.name): p \(result.p) vs \(c.p)")
        }
    }

    @Test func benjaminiHochbergEqualsSciPy() throws {
        let golden: BHGolden = try Self.golden("benjamini_hochberg.json")
        for c in golden.cases {
            let adjusted = BenjaminiHochberg.adjust(c.p)
            #expect(adjusted.count == c.adjusted.count)
            for (a, b) in zip(adjusted, c.adjusted) { #expect(Self.pClose(a, b), "\(c.name): \(a) vs \(b)") }
        }
        #expect(BenjaminiHochberg.adjust([]) == [])
    }

    @Test func allTiedValuesGiveNoEvidence() {
        let r = MannWhitney.greater([5, 5, 5], [5, 5])
        #expect(r.p == 1 && r.z.isNaN)
    }

    // MARK: - Synthetic logs

    /// Cases of two events, A then B after a lognormal gap of median 30 min, over four weeks, with
    /// case attributes `channel` (4 levels) and `region` (3 levels). With `planted`, the gap is
    /// `factor` times longer for channel c2 in region r1.
    static func synthetic(cases: Int, seed: UInt64, planted: Bool, factor: Double = 5) -> ColumnarLog {
        var rng = SplitMix(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var all: [[E]] = []
        var channel: [AttributeValue?] = []
        var region: [AttributeValue?] = []
        for _ in 0..<cases {
            let ch = Int(rng.next() % 4)
            let re = Int(rng.next() % 3)
            let t0 = Int64(uniform() * 28 * 86_400)
            // Box-Muller: a standard normal for the lognormal gap.
            let z = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform())
            var gap = 1_800 * exp(0.5 * z)
            if planted && ch == 2 && re == 1 { gap *= factor }
            all.append([E(activity: "A", time: t0), E(activity: "B", time: t0 + Int64(gap))])
            channel.append(.string("c\(ch)"))
            region.append(.string("r\(re)"))
        }
        return MiningFixtures.log(all, attributes: ["channel": channel, "region": region])
    }

    @Test func findsAPlantedPair() throws {
        let log = Self.synthetic(cases: 3_000, seed: 11, planted: true)
        let analysis = BottleneckAnalysis(log: log, outcomes: nil)
        let edge = try #require(analysis.items.firstIndex { $0.name == "A -> B" })
        let top = try #require(analysis.segments.first)
        #expect(top.item == edge)
        #expect(
            top.conditions == [
                .init(dimension: "channel", levels: ["c2"]), .init(dimension: "region", levels: ["r1"]),
            ],
            "\(analysis.segments.map { BottleneckAnalysis.segmentText($0.conditions) })")
        #expect(top.lift.map { $0 > 3 } == true)
        #expect(top.adjustedP < 1e-6 && top.pValue <= top.adjustedP)
        // The parents (c2 alone, r1 alone) are diluted by the other levels: not reported as pairs
        // of something else, and the pair beats them.
        #expect(
            !analysis.segments.contains {
                $0.conditions.count == 2 && $0.conditions != top.conditions && $0.item == edge && ($0.lift ?? 0) > 2
            })
        #expect(analysis.sentence(top).hasPrefix("A -> B where channel is c2 and region is r1: median "))
    }

    @Test func littleInNullLogs() {
        // Under the complete null, Benjamini-Hochberg at q = 0.05 makes any discovery at all with
        // probability at most 0.05 per log; the lift floor removes most of what slips through.
        // Over five seeded logs, at most two may have any (a bound that fails by chance with
        // probability below 3%).
        var logsWithDiscoveries = 0
        var reported = 0
        for seed: UInt64 in 1...5 {
            let analysis = BottleneckAnalysis(
                log: Self.synthetic(cases: 2_000, seed: seed, planted: false), outcomes: nil)
            #expect(analysis.testedSegments > 50)
            if analysis.significantSegments > 0 { logsWithDiscoveries += 1 }
            reported += analysis.segments.count
            #expect(analysis.segments.allSatisfy { $0.adjustedP <= 0.05 && ($0.lift ?? 0) >= 1.5 })
        }
        #expect(logsWithDiscoveries <= 2 && reported <= 2, "\(logsWithDiscoveries) logs, \(reported) segments")
    }

    /// Every tested segment's p-value, median and rest median from the sample's rank sums and
    /// running counts equal those of the gathered waits (the reference: sort and rank from scratch).
    @Test func sampleMatchesAReference() throws {
        let log = Self.synthetic(cases: 2_600, seed: 3, planted: true, factor: 2)
        let occurrences = WaitOccurrences(log: log)
        let dimensions = SegmentDimensions(log: log, maxLevels: 50).dimensions
        let rows = occurrences.byEdge[occurrences.edgeOffsets[0]..<occurrences.edgeOffsets[1]]
        let sample = SegmentSample(rows: rows, occurrences: occurrences, dimensions: dimensions, pairs: true)
        #expect(sample.count == 2_600 && sample.blockSize == 1_024)
        var checked = 0
        for table in sample.tables {
            for cell in 0..<table.cellCount where !table.hasMissingLevel(cell) {
                let set = SegmentSample.CellSet(table: table, cells: [cell])
                let m = sample.count(set)
                guard m > 0 && m < sample.count else { continue }
                var inside: [Int64] = []
                var outside: [Int64] = []
                for r in rows {
                    let levels = table.dimensions.map {
                        Int(
                            dimensions[$0].code(
                                case: occurrences.caseIndex[Int(r)], timeOfWeek: occurrences.timeOfWeek[Int(r)]))
                    }
                    let c = levels.count == 1 ? levels[0] : levels[0] * table.widths[1] + levels[1]
                    if c == cell {
                        inside.append(occurrences.gap[Int(r)])
                    } else {
                        outside.append(occurrences.gap[Int(r)])
                    }
                }
                #expect(inside.count == m)
                let reference = MannWhitney.greater(inside, outside)
                let fast = MannWhitney.greater(
                    doubledRankSum: sample.doubledRankSum(set), n1: m, n2: sample.count - m, tieTerm: sample.tieTerm)
                #expect(abs(fast.p - reference.p) <= 1e-12 && fast.u == reference.u)
                let a = try #require(DurationSummary(microseconds: inside))
                let b = try #require(DurationSummary(microseconds: outside))
                let q = sample.quantiles(set, outside: false, size: m)
                #expect(q.median == a.median && q.p90 == a.p90)
                #expect(sample.median(set, outside: true, size: sample.count - m) == b.median)
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func itemsMatchTheGraphAndActivityTables() throws {
        let log = try MiningFixtures.caseView("receipt.xes.gz")
        let analysis = BottleneckAnalysis(log: log, outcomes: nil)
        let dfg = DirectlyFollowsGraph(log: log)
        let activities = ActivityStatistics(log: log)
        #expect(analysis.items.filter { $0.kind == .edge }.count == dfg.edges.count)
        for item in analysis.items {
            if item.kind == .edge {
                let e = try #require(dfg.edge(from: item.source!, to: item.target))
                #expect(item.occurrences == e.frequency && item.cases == e.caseFrequency)
                #expect(
                    close(item.medianHours * 3600, e.duration.median) && close(item.p90Hours * 3600, e.duration.p90))
            } else {
                let w = try #require(activities.row(item.target)?.waitingTime)
                #expect(item.occurrences == w.count && close(item.medianHours * 3600, w.median))
            }
            #expect(item.lateCases == nil && item.lateShare == nil)
        }
        // Ranked by total waiting hours.
        #expect(zip(analysis.items, analysis.items.dropFirst()).allSatisfy { $0.totalWaitHours >= $1.totalWaitHours })
    }

    @Test func csvIsDocumentedAndDeterministic() throws {
        let log = Self.synthetic(cases: 3_000, seed: 11, planted: true)
        let a = BottleneckAnalysis(log: log, outcomes: nil).csv()
        let b = BottleneckAnalysis(log: log, outcomes: nil).csv()
        #expect(a == b)
        let lines = a.split(separator: "\n").map(String.init)
        #expect(lines[0] == DataDictionary.header("bottlenecks.csv").joined(separator: ","))
        #expect(lines[0].hasPrefix("rank,kind,item,item_rank,segment,occurrences,cases,total_wait_hours"))
        #expect(lines.contains { $0.hasPrefix("1,segment,A -> B,1,channel=c2 & region=r1,") })
    }

    // MARK: - The simulator's ground truth

    @Test func recoversTheSimulatorsInjectedBottlenecks() throws {
        let sim = try SimulatedLog.make()
        let outcomes = try SLAOutcomes(log: sim.log, rule: .retailDefault)
        let analysis = BottleneckAnalysis(log: sim.log, outcomes: outcomes)
        func segments(of item: String) -> [BottleneckAnalysis.Segment] {
            analysis.segments.filter { analysis.items[$0.item].name == item }
        }
        func describe(_ item: String) -> String {
            segments(of: item).map { analysis.sentence($0) }.joined(separator: "\n")
        }
        func levels(_ s: BottleneckAnalysis.Segment, _ dimension: String) -> [String] {
            s.conditions.first { $0.dimension == dimension }?.levels ?? []
        }

        // Congested node: the edge's top segment is DC-S on (some of) its congested weekdays.
        let congested = try #require(sim.truth.congestedNodes.first)
        let edge = congested.edge.joined(separator: " -> ")
        let picked = try #require(segments(of: edge).first, "\(edge) has no segment")
        #expect(levels(picked, "node") == [congested.node], "\(describe(edge))")
        let weekdays = levels(picked, "weekday")
        #expect(!weekdays.isEmpty && Set(weekdays).isSubset(of: congested.weekdays), "\(describe(edge))")
        #expect(picked.lift.map { $0 > congested.factor / 3 } == true)
        #expect(picked.lateShare.map { $0 > 0 } == true && picked.adjustedP < 1e-6)

        // Allocation sync lag: the retry edge's top segment is marketplace_a.
        let lag = try #require(sim.truth.allocationSyncLags.first { $0.channel == "marketplace_a" })
        let retry = "Allocation Failed -> Order Allocated"
        let allocation = try #require(segments(of: retry).first, "\(retry) has no segment")
        #expect(levels(allocation, "channel").contains(lag.channel), "\(describe(retry))")

        // Slow carrier: a transit leg between scans surfaces SwiftShip in the east, as an interaction
        // of the two (neither alone is slow).
        let slow = try #require(sim.truth.slowCarriers.first)
        let transit = "In Transit -> In Transit"
        let carrierSegment = segments(of: transit).first {
            levels($0, "carrier").contains(slow.carrier) && levels($0, "region").contains(slow.region)
        }
        #expect(carrierSegment != nil, "\(describe(transit))")
        #expect(carrierSegment?.lift.map { $0 > 1.5 } == true)
        #expect(
            !segments(of: transit).contains { $0.conditions == [.init(dimension: "region", levels: [slow.region])] })

        // Global ranks in bottlenecks.csv (1-based among all segments): the issue asks for the
        // congested node at 1 or 2 and the others in the top 5. The simulator's designed effects
        // (service levels, carrier schedules, the invoice batch, nights and weekends) are real
        // segments with more raw excess hours; the ranking beyond the calendar and promise profile
        // puts them below (with excess hours alone the ranks were 16, 31 and 47).
        func rank(_ s: BottleneckAnalysis.Segment?) -> Int {
            s.flatMap { x in analysis.segments.firstIndex { $0 == x } }.map { $0 + 1 } ?? Int.max
        }
        let ranks = [rank(picked), rank(carrierSegment), rank(allocation)]
        #expect(ranks[0] <= 2 && ranks[1] <= 5 && ranks[2] <= 5, "global ranks \(ranks)")
        // Ranked by unexplained share, each a positive part of its item's waiting.
        #expect(
            zip(analysis.segments, analysis.segments.dropFirst()).allSatisfy {
                $0.unexplainedShare >= $1.unexplainedShare
            })
        for s in [picked, allocation] + (carrierSegment.map { [$0] } ?? []) {
            #expect(s.unexplainedHours > 0 && s.unexplainedShare > 0 && s.unexplainedShare <= 1)
        }

        // The items are ranked and the late shares are filled in.
        #expect(analysis.missedCases.map { $0 > 0 } == true)
        #expect(analysis.items.allSatisfy { $0.lateShare != nil && ($0.searched || $0.kind == .activity) })
    }
}

/// The p-value column's one format.
@Suite struct BottleneckPValueFormatTests {
    @Test func pValuesAreAlwaysScientificWithThreeDecimals() {
        #expect(BottleneckAnalysis.probability(0) == "0.000e+00")
        #expect(BottleneckAnalysis.probability(1) == "1.000e+00")
        #expect(BottleneckAnalysis.probability(0.05) == "5.000e-02")
        #expect(BottleneckAnalysis.probability(3.2154e-12) == "3.215e-12")
        #expect(BottleneckAnalysis.probability(9.9996e-5) == "1.000e-04")
        #expect(BottleneckAnalysis.probability(2.5e-300) == "2.500e-300")
        #expect(BottleneckAnalysis.probability(.nan) == "")
    }
}

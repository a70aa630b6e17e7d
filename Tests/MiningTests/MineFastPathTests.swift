import Storage
import Testing
import _WaybillSupport
import _TestSupport

@testable import Mining

/// The fast paths `waybill mine` takes, each against the simple way it replaced: the items'
/// figures from the sorted samples against selection, case dimensions keyed by value against
/// keyed by text, SLA outcomes restricted by a walk against an index by case id, and the
/// process map drawn from the analysis's graph against one built again.
@Suite struct MineFastPathTests {
    // MARK: - Items' median, 90th percentile and excess

    /// The item figures of a log, every edge summarised by selection (the simple way).
    static func referenceItems(_ log: ColumnarLog, outcomes: SLAOutcomes?) -> [BottleneckAnalysis.Item] {
        let missed = outcomes.map { $0.status.map(\.isMissed) }
        return BottleneckAnalysis.items(
            of: log, occurrences: WaitOccurrences(log: log), missed: missed,
            missedCount: missed.map { $0.filter { $0 }.count }, summariseEdges: true
        ).0
    }

    @Test(arguments: [nil, 3] as [Int?])
    func itemFiguresFromSortedSamplesEqualSelection(topItems: Int?) throws {
        let sim = try SimulatedLog.make()
        let outcomes = try SLAOutcomes(log: sim.log, rule: .retailDefault)
        let analysis = BottleneckAnalysis(
            log: sim.log, outcomes: outcomes, options: BottleneckAnalysis.Options(topItems: topItems))
        var expected = Self.referenceItems(sim.log, outcomes: outcomes)
        for i in expected.indices { expected[i].searched = analysis.items[i].searched }
        #expect(analysis.items.count == expected.count && analysis.items.count > 20)
        for (fast, reference) in zip(analysis.items, expected) {
            #expect(fast == reference, "\(fast.name)")
        }
        // Both ways of searching were taken: from a sorted sample and by selection.
        #expect(analysis.items.contains { $0.kind == .edge && $0.searched })
        #expect(topItems == nil || analysis.items.contains { $0.kind == .edge && !$0.searched })
    }

    @Test func excessEqualsASumOverTheSortedWaits() {
        var rng = SplitMix(seed: 5)
        for count in [1, 2, 3, 10, 101, 5_000] {
            let waits = (0..<count).map { _ in Int64(rng.next() % 400_000_000_000) - 1_000_000_000 }.sorted()
            let figures = BottleneckAnalysis.waitFigures(sorted: waits)
            var copy = waits
            for i in copy.indices.reversed() where i > 0 { copy.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            let unsorted = copy.withUnsafeMutableBufferPointer { BottleneckAnalysis.waitFigures(unsorted: $0) }
            #expect(figures.median == unsorted.median && figures.p90 == unsorted.p90)
            #expect(figures.excess == unsorted.excess)
            let medianMicros = figures.median * 1e6
            let naive = waits.reduce(0.0) { $0 + max(Double($1) - medianMicros, 0) }
            #expect(close(figures.excess, naive, relative: 1e-9))
        }
    }

    // MARK: - Case dimensions

    /// The dimension of a column keyed by text, as `CaseDimensions` found it before values were
    /// keyed by `Key` (with equal numbers of different texts now ordered by text: before, their
    /// order followed the dictionary's hash order).
    static func referenceDimension(
        name: String, values: [AttributeValue?], maxLevels: Int
    ) -> CaseDimensions.Dimension? {
        var isNumeric = true
        var distinct: Set<String> = []
        for value in values {
            guard let value else { continue }
            switch value {
            case .date: return nil
            case .int, .double: break
            default: isNumeric = false
            }
            if distinct.count <= maxLevels { distinct.insert(value.text) }
        }
        guard !distinct.isEmpty, distinct.count <= maxLevels else { return nil }
        let levels = distinct.sorted { a, b in
            if isNumeric, let x = Double(a), let y = Double(b), x != y { return x < y }
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
        return CaseDimensions.Dimension(
            name: name, levels: levels, codes: values.map { $0.map { index[$0.text]! } ?? -1 })
    }

    @Test func caseDimensionsEqualTheTextKeyedReference() {
        var rng = SplitMix(seed: 17)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        let columns: [String: [AttributeValue?]] = [
            "channel": (0..<3_000).map { _ in pick([.string("web"), .string("app"), .string("=store"), nil]) },
            // Ints and strings with the same text share a level.
            "mixed": (0..<3_000).map { _ in pick([.int(1), .string("1"), .int(2), .bool(true), .id("x")]) },
            "numbers": (0..<3_000).map { _ in pick([.int(3), .double(2.5), .int(-7), .double(1e6), nil]) },
            "bools": (0..<3_000).map { _ in pick([.bool(true), .bool(false)]) },
            "ids": (0..<3_000).map { .id("customer-\($0)") },
            "dates": (0..<3_000).map { _ in pick([.date(0), .string("later")]) },
        ]
        for (name, values) in columns {
            let fast = CaseDimensions.dimension(name: name, values: values, maxLevels: 50)
            let reference = Self.referenceDimension(name: name, values: values, maxLevels: 50)
            #expect(fast?.levels == reference?.levels, "\(name)")
            #expect(fast?.codes == reference?.codes, "\(name)")
        }
        #expect(CaseDimensions.dimension(name: "mixed", values: columns["mixed"]!, maxLevels: 50)?.levels.count == 4)
        // Negative and positive zero are two keys; they share a level exactly when their texts agree.
        let zeros: [AttributeValue?] = [.double(-0.0), .double(0.0), .double(0.0), .int(0)]
        let fast = CaseDimensions.dimension(name: "z", values: zeros, maxLevels: 5)
        let reference = Self.referenceDimension(name: "z", values: zeros, maxLevels: 5)
        #expect(fast?.levels == reference?.levels && fast?.codes == reference?.codes && fast != nil)
    }

    @Test func sharedCaseDimensionsGiveTheSameBottlenecks() throws {
        let sim = try SimulatedLog.make()
        let outcomes = try SLAOutcomes(log: sim.log, rule: .retailDefault)
        let alone = BottleneckAnalysis(log: sim.log, outcomes: outcomes)
        let shared = BottleneckAnalysis(log: sim.log, outcomes: outcomes, caseDimensions: CaseDimensions(log: sim.log))
        #expect(alone.csv() == shared.csv() && !alone.segments.isEmpty)
    }

    // MARK: - SLA outcomes of a subset

    /// The outcomes of a subset's cases by an index of case ids.
    static func referenceRestricted(_ outcomes: SLAOutcomes, to subset: ColumnarLog, from log: ColumnarLog)
        -> [SLAOutcomes.Status]
    {
        let index = Dictionary(uniqueKeysWithValues: log.caseIDs.enumerated().map { ($1, $0) })
        return subset.caseIDs.map { outcomes.status[index[$0]!] }
    }

    @Test func restrictedOutcomesEqualAnIndexByCaseID() throws {
        let sim = try SimulatedLog.make()
        let log = sim.log
        let outcomes = try SLAOutcomes(log: log, rule: .retailDefault)
        var rng = SplitMix(seed: 9)
        let everyOther = log.subset(keepCase: (0..<log.caseCount).map { _ in rng.next() % 3 != 0 })
        var reversed = log
        reversed.caseIDs.reverse()
        for subset in [log, everyOther, reversed] {
            let fast = outcomes.restricted(to: subset, from: log)
            #expect(fast.status == Self.referenceRestricted(outcomes, to: subset, from: log))
            #expect(fast.status.count == subset.caseCount)
        }
        #expect(everyOther.caseCount < log.caseCount && everyOther.caseCount > 0)
    }

    // MARK: - Process map

    @Test func processMapFromTheAnalysisGraphEqualsABuiltOne() throws {
        let log = try MiningFixtures.caseView("receipt.xes.gz")
        let analysis = ProcessAnalysis(log: log)
        let built = ProcessMap(log: log, variants: analysis.variants)
        let reused = ProcessMap(log: log, variants: analysis.variants, graph: analysis.directlyFollows)
        #expect(built.svg() == reused.svg() && built.dot() == reused.dot())
        var options = ProcessMap.Options()
        options.variants = .top(2)
        let top = ProcessMap(log: log, variants: analysis.variants, options: options)
        let topReused = ProcessMap(
            log: log, variants: analysis.variants, options: options, graph: analysis.directlyFollows)
        #expect(top.dot() == topReused.dot() && top.dot() != built.dot())
    }

    @Test func concurrentlyReturnsBothResults() {
        let (a, b) = Concurrently.both({ (1...1_000).reduce(0, +) }, { String(repeating: "x", count: 3) })
        #expect(a == 500_500 && b == "xxx")
    }
}

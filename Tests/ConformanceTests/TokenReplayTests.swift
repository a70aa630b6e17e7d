import Foundation
import Testing
import _TestSupport

@testable import Conformance
@testable import Ingestion
@testable import Storage

/// Token-based replay against PM4Py's on the shared logs, and against a literal transliteration
/// of PM4Py's algorithm (`ReferenceTokenReplay`) on random nets and logs.
@Suite struct TokenReplayTests {
    static let logs = ["running-example.csv", "receipt.csv", "roadtraffic100traces.csv", "interval_event_log.csv"]
    static let models = ["im", "im-top2", "heuristics", "alpha"]

    /// Imports a fixture into a fresh workspace and loads its case view.
    static func caseView(_ name: String) throws -> ColumnarLog {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("conformance").path)
        let store = try ws.openStore()
        let report = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: Fixtures.path(name), options: ImportOptions())
        #expect(report.rejects == 0)
        return try store.loadCaseView()
    }

    /// PM4Py's replay of one log on one model (make_replay_goldens.py).
    struct Golden: Decodable {
        var logFitness: Double
        var averageTraceFitness: Double
        var percentageOfFittingTraces: Double
        /// Per case: is_fit, trace_fitness, missing, remaining, consumed, produced.
        var cases: [String: [Number]]
        enum CodingKeys: String, CodingKey {
            case logFitness = "log_fitness"
            case averageTraceFitness = "average_trace_fitness"
            case percentageOfFittingTraces = "percentage_of_fitting_traces"
            case cases
        }
    }
    enum Number: Decodable {
        case bool(Bool)
        case value(Double)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) } else { self = .value(try c.decode(Double.self)) }
        }
        var double: Double {
            switch self {
            case .bool(let b): b ? 1 : 0
            case .value(let v): v
            }
        }
    }

    static let goldenCases = logs.flatMap { log in models.map { (log, $0) } }

    @Test(arguments: goldenCases)
    func matchesPM4Py(_ log: String, _ model: String) throws {
        let dir = Fixtures.goldens.appendingPathComponent("conformance")
        let golden = try JSONDecoder().decode(
            Golden.self, from: Data(contentsOf: dir.appendingPathComponent("\(log).\(model).json")))
        let net = try PetriNet.readPNML(path: dir.appendingPathComponent("\(log).\(model).pnml").path)
        let replay = TokenReplay(log: try Self.caseView(log), net: net)

        #expect(replay.caseCount == golden.cases.count)
        var differing: [String] = []
        for c in 0..<replay.caseCount {
            let r = replay.result(ofCase: c)
            guard let g = golden.cases[replay.caseIDs[c]]?.map(\.double) else {
                Issue.record("case \(replay.caseIDs[c]) not in the golden")
                continue
            }
            let mine = [
                r.isFit ? 1 : 0, r.fitness, Double(r.missing), Double(r.remaining), Double(r.consumed),
                Double(r.produced),
            ]
            if zip(mine, g).contains(where: { abs($0 - $1) > 1e-12 }) { differing.append(replay.caseIDs[c]) }
        }
        // PM4Py's replay on a net with two equally short silent paths between two places (or with
        // duplicate labels) follows the memory addresses of its Python objects; Waybill follows
        // the net's order. Everywhere else, and on every inductive miner and alpha miner net of
        // the shared logs, the results are PM4Py's case by case.
        if log == "running-example.csv" && model == "heuristics" {
            // Two silent transitions lead from 'intplace_register request' to the same place.
            #expect(!replay.isReplayDeterministic)
        }
        if replay.isReplayDeterministic || model != "heuristics" {
            #expect(differing.isEmpty, "\(differing.count) cases differ from PM4Py, e.g. \(differing.prefix(5))")
            #expect(
                abs(replay.logFitness - golden.logFitness) <= 1e-6, "\(replay.logFitness) vs \(golden.logFitness)")
            #expect(abs(replay.averageTraceFitness - golden.averageTraceFitness) <= 1e-6)
            #expect(abs(replay.percentageOfFittingTraces - golden.percentageOfFittingTraces) <= 1e-9)
        } else {
            // The heuristics nets have such choices (PM4Py takes the first silent transition in
            // an order that is neither the arcs' nor the transitions' order in the file); a few
            // cases take the other path (6 of 100 on roadtraffic100traces when last generated).
            #expect(differing.count * 10 <= replay.caseCount || differing.count <= 1, "\(differing.count) cases differ")
        }
    }

    // MARK: - Against the reference on random nets

    /// A random labelled net: a source and a sink place, transitions over a small alphabet with
    /// some silent ones and some duplicate labels, arcs of weight 1 or 2.
    static func randomNet(_ rng: inout SplitMix) -> PetriNet {
        var net = PetriNet(name: "random")
        let placeCount = 3 + Int(rng.next() % 6)
        for p in 0..<placeCount {
            net.addPlace(p == 0 ? "source" : p == placeCount - 1 ? "sink" : "p\(rng.next() % 100)_\(p)")
        }
        let transitionCount = 3 + Int(rng.next() % 8)
        for t in 0..<transitionCount {
            let silent = rng.next() % 3 == 0
            net.addTransition(
                "t\(rng.next() % 1000)_\(t)", label: silent ? nil : "abcd".map(String.init)[Int(rng.next() % 4)])
            let ins = 1 + Int(rng.next() % 2)
            let outs = 1 + Int(rng.next() % 2)
            for _ in 0..<ins {
                net.addArc(
                    fromPlace: Int(rng.next() % UInt64(placeCount - 1)), toTransition: t,
                    weight: rng.next() % 5 == 0 ? 2 : 1)
            }
            for _ in 0..<outs { net.addArc(fromTransition: t, toPlace: 1 + Int(rng.next() % UInt64(placeCount - 1))) }
        }
        net.initialMarking.tokens[0] = 1
        net.finalMarking.tokens[placeCount - 1] = 1
        if rng.next() % 4 == 0 { net.finalMarking.tokens[1] = 1 }
        net.checkInvariants()
        return net
    }

    /// A random log over a, b, c, d and x (x is in no net).
    static func randomLog(_ rng: inout SplitMix, cases: Int) -> ColumnarLog {
        let names = ["a", "b", "c", "d", "x"]
        var log = ColumnarLog(
            caseType: "case", activityNames: names, activities: [], timestamps: [], startTimestamps: [], eventIDs: [],
            caseOffsets: [0], caseIDs: [], caseAttributes: [:])
        for c in 0..<cases {
            let length = Int(rng.next() % 7)
            for i in 0..<length {
                log.activities.append(Int32(rng.next() % (rng.next() % 10 == 0 ? 5 : 4)))
                log.timestamps.append(Int64(i))
                log.startTimestamps.append(Int64.min)
                log.eventIDs.append(Int64(log.eventIDs.count))
            }
            log.caseOffsets.append(log.activities.count)
            log.caseIDs.append("c\(c)")
        }
        log.checkInvariants()
        return log
    }

    @Test(arguments: 0..<40)
    func agreesWithReference(_ seed: Int) {
        var rng = SplitMix(seed: UInt64(seed) &* 7919 &+ 13)
        let net = Self.randomNet(&rng)
        let log = Self.randomLog(&rng, cases: 60)
        let replay = TokenReplay(log: log, net: net)
        let reference = ReferenceTokenReplay(net: net)
        var m = 0
        var c = 0
        var r = 0
        var p = 0
        for k in 0..<log.caseCount {
            let trace = log.events(ofCase: k).map { log.activityNames[Int(log.activities[$0])] }
            let expected = reference.replay(trace)
            #expect(replay.result(ofCase: k) == expected, "seed \(seed) case \(k): \(trace)")
            m += expected.missing
            c += expected.consumed
            r += expected.remaining
            p += expected.produced
        }
        #expect((replay.missing, replay.consumed, replay.remaining, replay.produced) == (m, c, r, p))
    }

    // MARK: - Small nets by hand

    /// source -> a -> p1 -> (b | τ skip) -> p2 -> c -> sink.
    static func skipNet() -> PetriNet {
        var net = PetriNet(name: "skip")
        let source = net.addPlace("source")
        let p1 = net.addPlace("p1")
        let p2 = net.addPlace("p2")
        let sink = net.addPlace("sink")
        let a = net.addTransition("ta", label: "a")
        let b = net.addTransition("tb", label: "b")
        let skip = net.addTransition("skip", label: nil)
        let c = net.addTransition("tc", label: "c")
        net.addArc(fromPlace: source, toTransition: a)
        net.addArc(fromTransition: a, toPlace: p1)
        net.addArc(fromPlace: p1, toTransition: b)
        net.addArc(fromTransition: b, toPlace: p2)
        net.addArc(fromPlace: p1, toTransition: skip)
        net.addArc(fromTransition: skip, toPlace: p2)
        net.addArc(fromPlace: p2, toTransition: c)
        net.addArc(fromTransition: c, toPlace: sink)
        net.initialMarking.tokens[source] = 1
        net.finalMarking.tokens[sink] = 1
        return net
    }

    @Test func skipsThroughSilentTransitionsAndCountsDeviations() {
        let net = Self.skipNet()
        let replayer = TokenReplayer(net: net)
        #expect(replayer.isReplayDeterministic)
        let codes = { (s: String) in s.map { replayer.label(of: String($0)) ?? -1 } }
        // a c: the skip fires, 4 tokens each way.
        let fit = replayer.replay(codes("ac"))
        #expect((fit.consumed, fit.produced, fit.missing, fit.remaining, fit.isFit) == (4, 4, 0, 0, true))
        // a b b c: the second b lacks a token in p1 and leaves one in p2.
        let twice = replayer.replay(codes("abbc"))
        #expect((twice.missing, twice.remaining, twice.isFit) == (1, 1, false))
        #expect(twice.missingTokens == [.init(index: 1, count: 1)])
        #expect(twice.remainingTokens == [.init(index: 2, count: 1)])
        #expect(twice.forcedTransitions == [.init(index: 1, count: 1)])
        #expect(abs(twice.fitness - (0.5 * (1 - 1.0 / 5) + 0.5 * (1 - 1.0 / 5))) < 1e-15)
        // x is not in the net: skipped.
        #expect(replayer.replay(codes("axc")) == fit)

        let log = Self.log([["a", "b", "b", "c"], ["a", "c"], ["a", "x", "c"], ["=cmd", "a"]])
        let replay = TokenReplay(log: log, net: net)
        #expect(replay.fittingCases == 2)
        let rows = replay.deviations().map {
            "\(replay.caseIDs[$0.caseIndex]) \($0.kind.rawValue) \($0.subject) \($0.count)"
        }
        #expect(
            rows == [
                "c1 activity_not_enabled b 1", "c1 missing_tokens p1 1", "c1 remaining_tokens p2 1",
                "c3 activity_not_in_model x 1",
                "c4 activity_not_in_model =cmd 1", "c4 missing_tokens sink 1", "c4 remaining_tokens p1 1",
            ])
        let tables = replay.tables()
        #expect(tables[0].hasPrefix("case_id,variant,fitness,consumed,produced,missing,remaining,is_fit\n"))
        #expect(tables[0].contains("\nc2,"))
        #expect(tables[1].contains("c4,0.500000,activity_not_in_model,'=cmd,1\n"))
        #expect(tables[2].hasPrefix("place,missing,remaining,cases_missing,cases_remaining\np1,1,1,1,1\n"))
        #expect(tables[3].contains("\nx,false,1,1,0,0\n"))
    }

    @Test func emptyLogHasZeroFitnessAsInPM4Py() {
        let replay = TokenReplay(log: Self.log([]), net: Self.skipNet())
        #expect((replay.logFitness, replay.averageTraceFitness, replay.percentageOfFittingTraces) == (0, 0, 0))
    }

    @Test func detectsSilentChoicesAndDuplicateLabels() {
        var net = Self.skipNet()
        #expect(TokenReplayer(net: net).isReplayDeterministic)
        let second = net.addTransition("skip2", label: nil)
        net.addArc(fromPlace: 1, toTransition: second)
        net.addArc(fromTransition: second, toPlace: 2)
        #expect(!TokenReplayer(net: net).isReplayDeterministic)
        var duplicate = Self.skipNet()
        let a2 = duplicate.addTransition("ta2", label: "a")
        duplicate.addArc(fromPlace: 0, toTransition: a2)
        duplicate.addArc(fromTransition: a2, toPlace: 1)
        #expect(!TokenReplayer(net: duplicate).isReplayDeterministic)
    }

    /// A log of the given traces (cases c1, c2, ...), one second apart.
    static func log(_ traces: [[String]]) -> ColumnarLog {
        var names: [String] = []
        var log = ColumnarLog(
            caseType: "case", activityNames: [], activities: [], timestamps: [], startTimestamps: [], eventIDs: [],
            caseOffsets: [0], caseIDs: [], caseAttributes: [:])
        for (c, trace) in traces.enumerated() {
            for (i, a) in trace.enumerated() {
                if !names.contains(a) { names.append(a) }
                log.activities.append(Int32(names.firstIndex(of: a)!))
                log.timestamps.append(Int64(i) * 1_000_000)
                log.startTimestamps.append(Int64.min)
                log.eventIDs.append(Int64(log.eventIDs.count))
            }
            log.caseOffsets.append(log.activities.count)
            log.caseIDs.append("c\(c + 1)")
        }
        log.activityNames = names
        log.checkInvariants()
        return log
    }
}


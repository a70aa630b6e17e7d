import Conformance
import Foundation
import Ingestion
import Storage
import Testing
import _TestSupport

/// The inductive miner against PM4Py's goldens (Tests/Goldens/inductive, made by
/// make_im_goldens.py), the workflow-net shape of its nets, and perfect fitness of IM checked by
/// a state-space search over the net (independent of the replay module).
@Suite struct InductiveMinerTests {
    static let logs = [
        "running-example.csv", "receipt.csv", "roadtraffic100traces.csv", "interval_event_log.csv",
        "simulated-orders.csv",
    ]
    static let thresholds = ["0", "0.2"]

    // MARK: - Goldens: the four shared logs

    @Test(arguments: logs, thresholds)
    func treeAndNetMatchPM4Py(log name: String, noise: String) throws {
        let golden = try IMGolden.load(name)[noise]!
        let log = try Self.caseView(name)
        let discovery = ProcessDiscovery(log: log, miner: try InductiveMiner(noiseThreshold: Double(noise)!))
        #expect(discovery.tree.description == golden.tree)
        let net = discovery.net
        net.checkInvariants()
        #expect(net.places.count == golden.places)
        #expect(net.transitions.count == golden.transitions)
        #expect(net.transitions.filter(\.isSilent).count == golden.silentTransitions)
        #expect(net.inputs.joined().count + net.outputs.joined().count == golden.arcs)
        #expect(NetCheck.isWorkflowNet(net))
        #expect(NetCheck.isSound(net))
    }

    /// IM's guarantee: every trace of the log is a firing sequence of the net from the initial to
    /// the final marking (PM4Py's replay of its own IM net gives fitness 1 on these logs too).
    @Test(arguments: logs)
    func imNetReplaysEveryVariant(log name: String) throws {
        let log = try Self.caseView(name)
        let net = try InductiveMiner().discover(log).petriNet()
        let variants = Set(
            (0..<log.caseCount).map { c in log.events(ofCase: c).map { log.activityNames[Int(log.activities[$0])] } })
        for trace in variants.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            #expect(NetCheck.accepts(net, trace), "not replayed: \(trace)")
        }
    }

    // MARK: - Goldens: random small logs

    @Test(arguments: thresholds)
    func randomLogsMatchPM4Py(noise: String) throws {
        let url = Fixtures.goldens.appendingPathComponent("inductive/random-logs.json")
        let file = try JSONDecoder().decode(RandomLogs.self, from: Data(contentsOf: url))
        let miner = try InductiveMiner(noiseThreshold: Double(noise)!)
        var mismatches = 0
        for (i, entry) in file.logs.enumerated() {
            let golden = entry.results[noise]!
            let tree = miner.discover(traces: entry.traces)
            let net = tree.petriNet()
            if tree.description != golden.tree || net.places.count != golden.places
                || net.transitions.count != golden.transitions
            {
                mismatches += 1
                let message =
                    "log \(i) \(entry.traces): \(tree) (\(net.places.count)/\(net.transitions.count)) vs PM4Py "
                    + "\(golden.tree) (\(golden.places)/\(golden.transitions))"
                Issue.record(Comment(rawValue: message))
                if mismatches > 5 { return }
            }
            #expect(NetCheck.isWorkflowNet(net))
        }
    }

    /// A property test: for seeded random logs, the IM net replays every trace.
    @Test(arguments: 0..<4)
    func imAcceptsEveryTraceOfRandomLogs(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let miner = try InductiveMiner()
        for _ in 0..<60 {
            let alphabet = (0..<Int(rng.next() % 5 + 2)).map { String(UnicodeScalar(UInt8(97 + $0))) }
            let traces = (0..<Int(rng.next() % 8 + 1)).map { _ in
                (0..<Int(rng.next() % 7)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            }
            let tree = miner.discover(traces: traces)
            tree.checkInvariants()
            let net = tree.petriNet()
            net.checkInvariants()
            #expect(NetCheck.isWorkflowNet(net), "\(tree)")
            #expect(NetCheck.isSound(net), "\(tree)")
            for trace in traces { #expect(NetCheck.accepts(net, trace), "\(tree) rejects \(trace)") }
        }
    }

    // MARK: - Hand-made examples

    @Test func paperExample() throws {
        // Leemans et al. 2013's running example L = [<a,b,c,d>³, <a,c,b,d>², <a,e,d>]; the tree is
        // PM4Py's for the same log.
        let traces =
            Array(repeating: ["a", "b", "c", "d"], count: 3) + Array(repeating: ["a", "c", "b", "d"], count: 2) + [
                ["a", "e", "d"]
            ]
        let tree = try InductiveMiner().discover(traces: traces)
        #expect(tree.description == "->( 'a', X( +( 'c', 'b' ), 'e' ), 'd' )")
        #expect(tree.activities.sorted() == ["a", "b", "c", "d", "e"])
    }

    @Test func baseCasesAndEmptyTraces() throws {
        let miner = try InductiveMiner()
        #expect(miner.discover(traces: [["a"]]).description == "a")
        #expect(miner.discover(traces: [[]]).description == "tau")
        #expect(miner.discover(traces: [["a"], []]).description == "X( tau, 'a' )")
        #expect(miner.discover(traces: [["a"], ["a", "a"]]).description == "*( 'a', tau )")
        // IMf drops empty traces that are no more than the threshold's share.
        let mostlyA = Array(repeating: ["a"], count: 9) + [[]]
        #expect(try InductiveMiner(noiseThreshold: 0.2).discover(traces: mostlyA).description == "a")
        #expect(try InductiveMiner(noiseThreshold: 0.05).discover(traces: mostlyA).description == "X( tau, 'a' )")
    }

    @Test func noiseThresholdOutsideZeroToOneIsRejected() {
        for bad in [-0.1, 1.5, Double.nan] {
            #expect(throws: ConformanceError.self) { try InductiveMiner(noiseThreshold: bad) }
        }
    }

    // MARK: - Folding, sorting, conversion, PNML

    @Test func foldingLikePM4Py() {
        let a = ProcessTree.activity("a")
        let b = ProcessTree.activity("b")
        #expect(ProcessTree.node(.sequence, [.tau, a]).folded() == a)
        #expect(ProcessTree.node(.xor, [.tau, .node(.xor, [.tau, a])]).folded() == .node(.xor, [.tau, a]))
        #expect(ProcessTree.node(.sequence, [a, .node(.sequence, [b, .tau])]).folded() == .node(.sequence, [a, b]))
        #expect(ProcessTree.node(.loop, [.tau, .tau]).folded() == .tau)
        #expect(ProcessTree.node(.loop, [a, .tau]).folded() == .node(.loop, [a, .tau]))
        #expect(ProcessTree.node(.parallel, [.tau, .tau]).folded() == .tau)
    }

    @Test func sortingByMD5LikePM4Py() {
        // md5("a") = 0cc175b9..., md5("b") = 92eb5ffe...: "a" sorts first; τ (0) before both.
        let tree = ProcessTree.node(.xor, [.activity("b"), .tau, .activity("a")]).sortedLikePM4Py()
        #expect(tree.description == "X( tau, 'a', 'b' )")
        let sequence = ProcessTree.node(.sequence, [.activity("b"), .activity("a")]).sortedLikePM4Py()
        #expect(sequence.description == "->( 'b', 'a' )")
    }

    @Test func smallTreeConvertsLikePM4Py() {
        // PM4Py: ->( 'a', X( 'b', tau ) ) gives places source, p_3, sink; a, b, skip_1; 6 arcs.
        let tree = ProcessTree.node(.sequence, [.activity("a"), .node(.xor, [.activity("b"), .tau])])
        let net = tree.petriNet()
        #expect(net.places.map(\.name) == ["source", "sink", "p_3"])
        #expect(net.transitions.map(\.label) == ["a", "b", nil])
        #expect(net.transitions[2].name == "skip_1")
        #expect(net.inputs.joined().count + net.outputs.joined().count == 6)
        #expect(NetCheck.isWorkflowNet(net))
        #expect(NetCheck.isSound(net))
        #expect(NetCheck.accepts(net, ["a"]) && NetCheck.accepts(net, ["a", "b"]))
        #expect(!NetCheck.accepts(net, ["b"]) && !NetCheck.accepts(net, ["a", "b", "b"]))
    }

    @Test func soundnessCheckRejectsADeadlock() {
        // source -> a -> (p1, p2); b needs p1 and p3, which never gets a token: b is dead and
        // the sink is never reached.
        var net = PetriNet()
        let source = net.addPlace("source")
        let p1 = net.addPlace("p1")
        let p3 = net.addPlace("p3")
        let sink = net.addPlace("sink")
        let a = net.addTransition("a", label: "a")
        let b = net.addTransition("b", label: "b")
        net.addArc(fromPlace: source, toTransition: a)
        net.addArc(fromTransition: a, toPlace: p1)
        net.addArc(fromPlace: p1, toTransition: b)
        net.addArc(fromPlace: p3, toTransition: b)
        net.addArc(fromTransition: b, toPlace: sink)
        net.initialMarking.tokens[source] = 1
        net.finalMarking.tokens[sink] = 1
        #expect(!NetCheck.isSound(net))
        #expect(!NetCheck.isWorkflowNet(net))
    }

    @Test func pnmlHasPM4PyLayoutAndEscapes() {
        let tree = ProcessTree.node(.sequence, [.activity("a <&> \"q\""), .node(.xor, [.activity("b"), .tau])])
        let text = tree.petriNet(name: "n").pnml()
        #expect(text.hasPrefix("<?xml version='1.0' encoding='UTF-8'?>\n<pnml>\n"))
        #expect(text.contains("<net id=\"n\" type=\"http://www.pnml.org/version-2009/grammar/pnmlcoremodel\">"))
        #expect(text.contains("<page id=\"n0\">"))
        #expect(text.contains("<initialMarking>\n          <text>1</text>"))
        #expect(text.contains("<text>a &lt;&amp;&gt; &quot;q&quot;</text>"))
        // Silent transitions carry ProM's marker with a deterministic, UUID-shaped localNodeID.
        #expect(text.contains("activity=\"$invisible$\" localNodeID=\""))
        #expect(text.contains("<finalmarkings>\n      <marking>\n        <place idref=\"sink\">"))
        #expect(text.components(separatedBy: "<arc ").count - 1 == 6)
        #expect(tree.petriNet(name: "n").pnml() == text)
    }

    // MARK: - Helpers

    /// Where a log is: Tests/Fixtures, or Tests/Goldens/mining for the 300 simulated orders.
    static func path(_ name: String) -> String {
        name == "simulated-orders.csv"
            ? Fixtures.goldens.appendingPathComponent("mining/simulated-orders.csv").path : Fixtures.path(name)
    }

    /// Imports a fixture into a fresh workspace and loads its case view.
    static func caseView(_ name: String) throws -> ColumnarLog {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("inductive").path)
        let store = try ws.openStore()
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: path(name), options: ImportOptions())
        return try store.loadCaseView()
    }
}

/// PM4Py's figures for one log and threshold.
struct IMGoldenEntry: Decodable {
    var tree: String
    var places: Int
    var transitions: Int
    var silentTransitions: Int
    var arcs: Int

    enum CodingKeys: String, CodingKey {
        case tree, places, transitions, arcs
        case silentTransitions = "silent_transitions"
    }
}

enum IMGolden {
    static func load(_ log: String) throws -> [String: IMGoldenEntry] {
        let url = Fixtures.goldens.appendingPathComponent("inductive/\(log).json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var out: [String: IMGoldenEntry] = [:]
        for key in InductiveMinerTests.thresholds {
            let data = try JSONSerialization.data(withJSONObject: object[key]!)
            out[key] = try JSONDecoder().decode(IMGoldenEntry.self, from: data)
        }
        return out
    }
}

/// random-logs.json: small logs with PM4Py's trees.
struct RandomLogs: Decodable {
    struct Entry: Decodable {
        var traces: [[String]]
        var results: [String: IMGoldenEntry]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            traces = try c.decode([[String]].self, forKey: Key(stringValue: "traces"))
            results = [:]
            for k in InductiveMinerTests.thresholds {
                results[k] = try c.decode(IMGoldenEntry.self, forKey: Key(stringValue: k))
            }
        }
    }
    var logs: [Entry]
}


/// Simple reference checks on a net, for tests: the workflow-net shape and trace acceptance by
/// a search of the reachable markings.
enum NetCheck {
    /// One source place (no input arcs) holding the only initial token, one sink place (no output
    /// arcs) holding the only final token, and every place and transition on a path from the
    /// source to the sink.
    static func isWorkflowNet(_ net: PetriNet) -> Bool {
        let placeIn = net.placeInputs()
        let placeOut = net.placeOutputs()
        let sources = net.places.indices.filter { placeIn[$0].isEmpty }
        let sinks = net.places.indices.filter { placeOut[$0].isEmpty }
        guard sources.count == 1, sinks.count == 1 else { return false }
        let (source, sink) = (sources[0], sinks[0])
        guard net.initialMarking.tokens == net.places.indices.map({ $0 == source ? 1 : 0 }),
            net.finalMarking.tokens == net.places.indices.map({ $0 == sink ? 1 : 0 })
        else { return false }
        // Nodes: places 0..<P, transitions P..<P+T.
        let p = net.places.count
        let n = p + net.transitions.count
        var forward = [[Int]](repeating: [], count: n)
        for t in net.transitions.indices {
            for a in net.inputs[t] { forward[a.place].append(p + t) }
            for a in net.outputs[t] { forward[p + t].append(a.place) }
        }
        var backward = [[Int]](repeating: [], count: n)
        for x in 0..<n { for y in forward[x] { backward[y].append(x) } }
        func reach(_ start: Int, _ edges: [[Int]]) -> [Bool] {
            var seen = [Bool](repeating: false, count: n)
            var stack = [start]
            seen[start] = true
            while let x = stack.popLast() {
                for y in edges[x] where !seen[y] {
                    seen[y] = true
                    stack.append(y)
                }
            }
            return seen
        }
        let fromSource = reach(source, forward)
        let toSink = reach(sink, backward)
        return (0..<n).allSatisfy { fromSource[$0] && toSink[$0] }
    }

    /// Soundness of a workflow net (van der Aalst): from every reachable marking the final
    /// marking can be reached, a reachable marking with a token in the sink is the final marking,
    /// and every transition is enabled in some reachable marking. A breadth-first search of the
    /// reachable markings; false when there are more than `stateLimit` (unbounded, or too big).
    static func isSound(_ net: PetriNet, stateLimit: Int = 200_000) -> Bool {
        var index: [Marking: Int] = [net.initialMarking: 0]
        var markings = [net.initialMarking]
        var predecessors: [[Int]] = [[]]
        var fired = [Bool](repeating: false, count: net.transitions.count)
        let sink = net.finalMarking.tokens.firstIndex(of: 1)!
        var next = 0
        while next < markings.count {
            let m = markings[next]
            if m.tokens[sink] > 0 && m != net.finalMarking { return false }
            for t in net.transitions.indices where net.isEnabled(t, in: m) {
                fired[t] = true
                var after = m
                net.fire(t, in: &after)
                if let i = index[after] {
                    predecessors[i].append(next)
                } else {
                    guard markings.count < stateLimit else { return false }
                    index[after] = markings.count
                    markings.append(after)
                    predecessors.append([next])
                }
            }
            next += 1
        }
        guard fired.allSatisfy({ $0 }), let final = index[net.finalMarking] else { return false }
        var canFinish = [Bool](repeating: false, count: markings.count)
        var stack = [final]
        canFinish[final] = true
        while let x = stack.popLast() {
            for y in predecessors[x] where !canFinish[y] {
                canFinish[y] = true
                stack.append(y)
            }
        }
        return canFinish.allSatisfy { $0 }
    }

    /// True when some firing sequence from the initial marking to exactly the final marking has
    /// the trace as its visible labels (silent transitions anywhere). A depth-first search over
    /// (position, marking) states; fine for the bounded nets of the inductive miner.
    static func accepts(_ net: PetriNet, _ trace: [String], stateLimit: Int = 2_000_000) -> Bool {
        struct State: Hashable {
            var position: Int
            var marking: Marking
        }
        var seen: Set<State> = []
        var stack = [State(position: 0, marking: net.initialMarking)]
        while let s = stack.popLast() {
            if s.position == trace.count && s.marking == net.finalMarking { return true }
            guard seen.insert(s).inserted, seen.count <= stateLimit else { continue }
            for t in net.transitions.indices where net.isEnabled(t, in: s.marking) {
                let label = net.transitions[t].label
                guard label == nil || (s.position < trace.count && label == trace[s.position]) else { continue }
                var next = s
                net.fire(t, in: &next.marking)
                if label != nil { next.position += 1 }
                if next.marking.total <= 64 { stack.append(next) }
            }
        }
        return false
    }
}

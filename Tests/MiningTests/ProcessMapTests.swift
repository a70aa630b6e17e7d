import Foundation
import Storage
import Testing
import _TestSupport

@testable import Ingestion
@testable import Mining

/// The process map: its content against PM4Py's DFG visualisation, the SVG and DOT files
/// (well-formed, escaped, deterministic), filtering, and readability on larger logs.
@Suite struct ProcessMapTests {
    /// Parses an SVG document with the XES tokenizer; returns its start elements, and the text
    /// of every `<text>` and `<title>` element in document order.
    static func parse(_ svg: String) throws -> (elements: [XMLToken], texts: [String]) {
        var tokenizer = XMLTokenizer(bytes: Array(svg.utf8))
        var elements: [XMLToken] = []
        var texts: [String] = []
        while let token = try tokenizer.next() {
            switch token {
            case .startElement: elements.append(token)
            case .text(let t): texts.append(t)
            case .endElement: break
            }
        }
        return (elements, texts)
    }

    static func elements(_ tokens: [XMLToken], named name: String) -> [XMLToken] {
        tokens.filter { if case .startElement(let n, _, _) = $0 { return n == name } else { return false } }
    }

    /// A synthetic order process with `count` activities: a main line with optional steps,
    /// alternatives, a rework loop back, a repeated step (self-loop) and waits from seconds to days.
    static func syntheticLog(activities count: Int, cases: Int, seed: UInt64) -> ColumnarLog {
        var rng = SplitMix(seed: seed)
        let names = (0..<count).map {
            "Step \($0 < 10 ? "0" : "")\($0) " + ["check", "pack", "ship", "bill", "call"][$0 % 5]
        }
        var all: [[MiningFixtures.Event]] = []
        for _ in 0..<cases {
            var t: Int64 = Int64(rng.next() % 10_000)
            var events: [MiningFixtures.Event] = []
            var i = 0
            var reworked = false
            while i < count {
                events.append(MiningFixtures.Event(activity: names[i], time: t))
                t += [5, 90, 4_000, 100_000, 400_000][Int(rng.next() % 5)]
                if i % 7 == 3 && rng.next() % 4 == 0 {
                    events.append(MiningFixtures.Event(activity: names[i], time: t))  // repeated: a self-loop
                    t += 60
                }
                if i == count / 2 && !reworked && rng.next() % 3 == 0 {
                    reworked = true
                    i = count / 4  // rework: back to an earlier step
                    continue
                }
                i += 1 + Int(rng.next() % 3 == 0 ? rng.next() % 3 : 0)  // skip up to two optional steps
            }
            all.append(events)
        }
        return MiningFixtures.log(all)
    }

    // MARK: - Against PM4Py

    /// PM4Py's DFG visualisation (Tests/Goldens/process-map, made by make_process_map_goldens.py)
    /// has the same activities with the same counts, and the same edges with the same frequencies,
    /// start and end edges included.
    @Test(arguments: ["running-example.csv", "receipt.csv"]) func sameGraphAsPM4Py(_ name: String) throws {
        let url = Fixtures.goldens.appendingPathComponent("process-map").appendingPathComponent(
            "\(name).frequency.dot")
        let golden = try DOTReader(String(contentsOf: url, encoding: .utf8))
        var label: [String: String] = [:]
        var expectedNodes: [String: Int] = [:]
        for node in golden.nodes {
            let id = node.ids[0]
            let text = node.attributes["label"] ?? ""
            if id == "@@startnode" || id == "@@endnode" {
                label[id] = id
                continue
            }
            // "name (count)"
            let open = text.range(of: " (", options: .backwards)!
            let activity = String(text[..<open.lowerBound])
            label[id] = activity
            expectedNodes[activity] = Int(text[open.upperBound...].dropLast())!
        }
        var expectedEdges: [String: Int] = [:]
        for edge in golden.edges {
            let key = label[edge.ids[0]]! + " -> " + label[edge.ids[1]]!
            expectedEdges[key] = Int(edge.attributes["label"]!)!
        }

        let log = try MiningFixtures.caseView(name)
        let map = ProcessMap(log: log, variants: VariantTable(log: log))
        map.checkInvariants()
        #expect(map.notes.isEmpty)
        var nodes: [String: Int] = [:]
        for node in map.nodes where node.kind == .activity { nodes[node.name] = node.frequency }
        #expect(nodes == expectedNodes)
        func key(_ i: Int) -> String {
            i == ProcessMap.start ? "@@startnode" : i == ProcessMap.end ? "@@endnode" : map.nodes[i].name
        }
        var edges: [String: Int] = [:]
        for e in map.edges { edges[key(e.source) + " -> " + key(e.target)] = e.frequency }
        #expect(edges == expectedEdges)

        // And our own DOT says the same, through the same reader.
        let ours = try DOTReader(map.dot())
        #expect(ours.edges.count == map.edges.count)
        #expect(ours.nodes.count == map.nodes.count)
    }

    // MARK: - The files

    @Test func runningExampleMapIsWellFormedWithBackEdges() throws {
        let log = try MiningFixtures.caseView("running-example.xes")
        let analysis = ProcessAnalysis(log: log)
        let map = ProcessMap(log: log, variants: analysis.variants)
        let layout = map.layout()
        layout.checkInvariants()
        // "reinitiate request" leads back to the checks: some edge must point back up.
        #expect(layout.reversed.contains(true))
        let svg = map.svg()
        let (elements, texts) = try Self.parse(svg)
        let root = try #require(elements.first)
        #expect(root.attribute("xmlns") == "http://www.w3.org/2000/svg")
        let viewBox = try #require(root.attribute("viewBox")).split(separator: " ").compactMap { Double($0) }
        #expect(viewBox.count == 4 && viewBox[2] >= layout.width && viewBox[3] >= layout.height)
        // Self-contained: no links, scripts, styles or external references.
        for forbidden in ["<script", "<style", "href", "@import", "url(http", "<image", "<foreignObject"] {
            #expect(!svg.contains(forbidden), "\(forbidden)")
        }
        // One path per edge (plus the arrowheads' shapes in <defs>), dashed exactly for back edges.
        let paths = Self.elements(elements, named: "path").filter { $0.attribute("marker-end") != nil }
        #expect(paths.count == map.edges.count)
        #expect(paths.filter { $0.attribute("stroke-dasharray") != nil }.count == layout.reversed.filter { $0 }.count)
        // Every activity is named with its count, every edge has its label.
        for node in map.nodes where node.kind == .activity {
            #expect(texts.contains(node.name))
            #expect(texts.contains("\(node.frequency)"))
        }
        for e in map.edges { #expect(texts.contains(map.label(e)), "\(map.label(e))") }
        #expect(texts.contains("Median wait"))
        // Every path's points lie inside the view box.
        for p in paths {
            let numbers = p.attribute("d")!.split { "MC ,".contains($0) }.compactMap { Double($0) }
            for (k, v) in numbers.enumerated() { #expect(v >= 0 && v <= viewBox[2 + k % 2]) }
        }
    }

    @Test func selfLoopsAndTwoCyclesAreDrawn() throws {
        typealias E = MiningFixtures.Event
        let log = MiningFixtures.log([
            [E(activity: "A", time: 0), E(activity: "B", time: 60), E(activity: "A", time: 120)],
            [E(activity: "A", time: 0), E(activity: "A", time: 30), E(activity: "C", time: 7_200)],
        ])
        let map = ProcessMap(log: log, variants: VariantTable(log: log))
        let layout = map.layout()
        let loop = try #require(map.edges.firstIndex { $0.source == $0.target })
        #expect(layout.isSelfLoop[loop])
        let names = map.edges.map { (map.nodes[$0.source].name, map.nodes[$0.target].name) }
        let ab = try #require(names.firstIndex { $0 == ("A", "B") })
        let ba = try #require(names.firstIndex { $0 == ("B", "A") })
        #expect(layout.reversed[ab] != layout.reversed[ba])
        // The two edges of the 2-cycle take different routes.
        #expect(layout.route(ab).map(\.x) != layout.route(ba).reversed().map(\.x))
        let (elements, texts) = try Self.parse(map.svg())
        #expect(map.edges.count == 7)  // start → A, A → B, B → A, A → A, A → C, A → end, C → end
        #expect(Self.elements(elements, named: "path").filter { $0.attribute("marker-end") != nil }.count == 7)
        #expect(texts.contains("1 · 30 s"))  // the self-loop's label: once, 30 seconds
        #expect(texts.contains("1 · 2.0 h"))
    }

    @Test func namesAreEscapedInSVGAndDOT() throws {
        typealias E = MiningFixtures.Event
        let evil = "<script>&\""
        let slash = #"back\slash "quoted" \N"#
        let log = MiningFixtures.log([
            [E(activity: evil, time: 0), E(activity: slash, time: 60), E(activity: "=cmd|' /C calc'!A0", time: 90)]
        ])
        let map = ProcessMap(log: log, variants: VariantTable(log: log))
        let svg = map.svg()
        #expect(!svg.contains("<script"))
        #expect(svg.contains("&lt;script&gt;&amp;&quot;"))
        let (_, texts) = try Self.parse(svg)  // well-formed, and the text reads back as the name
        #expect(texts.contains(evil))
        #expect(texts.contains(slash))

        let dot = map.dot()
        #expect(dot.contains(#""<script>&\"\n1""#))
        #expect(dot.contains(#"back\\slash \"quoted\" \\N"#))
        let reader = try DOTReader(dot)
        let labels = reader.nodes.compactMap { $0.attributes["tooltip"] }
        #expect(labels.contains(evil) && labels.contains(slash))
        // Node ids are never names: every id is quoted start, end or a<n>.
        for statement in reader.statements {
            for id in statement.ids { #expect(id == "start" || id == "end" || id.hasPrefix("a")) }
        }
        #expect(dot.split(separator: "\n").filter { $0.contains(" -> ") }.count == map.edges.count)
    }

    @Test func dotIsValidWithWidthsAndColours() throws {
        let log = Self.syntheticLog(activities: 12, cases: 200, seed: 3)
        let map = ProcessMap(log: log, variants: VariantTable(log: log))
        let dot = map.dot()
        #expect(dot.filter { $0 == "{" }.count == dot.filter { $0 == "}" }.count)
        let reader = try DOTReader(dot)
        #expect(reader.graphAttributes["rankdir"] == "TB")
        #expect(reader.edges.count == map.edges.count)
        for (statement, e) in zip(reader.edges, map.edges) {
            let width = try #require(Double(statement.attributes["penwidth"] ?? ""))
            #expect(abs(width - map.lineWidth(e)) < 0.006)
            #expect(statement.attributes["color"] == map.colour(e))
            #expect(statement.attributes["label"] == map.label(e))
        }
        // One statement per line, each ending in a semicolon.
        let lines = dot.split(separator: "\n")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.hasSuffix(";") })
    }

    @Test func outputsAreDeterministic() throws {
        let log = Self.syntheticLog(activities: 20, cases: 300, seed: 11)
        let first = ProcessMap(log: log, variants: VariantTable(log: log))
        let second = ProcessMap(log: log, variants: VariantTable(log: log))
        #expect(first.svg() == second.svg())
        #expect(first.dot() == second.dot())
        let directory = Fixtures.temporaryDirectory("map")
        let analysis = ProcessAnalysis(log: log)
        let a = try analysis.writeProcessMap(of: log, options: .init(), to: directory.appendingPathComponent("a"))
        let b = try analysis.writeProcessMap(of: log, options: .init(), to: directory.appendingPathComponent("b"))
        #expect(a.map { URL(fileURLWithPath: $0).lastPathComponent } == ["process-map.svg", "process-map.dot"])
        for (x, y) in zip(a, b) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: x)) == Data(contentsOf: URL(fileURLWithPath: y)))
        }
    }

    // MARK: - Readability and filtering

    @Test func thirtyFiveActivitiesStayReadable() throws {
        let log = Self.syntheticLog(activities: 35, cases: 500, seed: 35)
        let map = ProcessMap(log: log, variants: VariantTable(log: log))
        #expect(map.nodes.count == 37)
        #expect(map.notes.isEmpty)
        let layout = map.layout()
        layout.checkInvariants()
        #expect(layout.reversed.contains(true))
        #expect(layout.isSelfLoop.contains(true))
        #expect(layout.crossings <= layout.initialCrossings)
        // No two boxes overlap anywhere (not only within a rank), labels included.
        var boxes: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
        for v in map.nodes.indices {
            let w = layout.nodes[v].width
            let h = layout.nodes[v].height
            boxes.append(
                (layout.x[v] - w / 2, layout.centreY(v) - h / 2, layout.x[v] + w / 2, layout.centreY(v) + h / 2))
        }
        for (e, edge) in layout.edges.enumerated() where layout.labelVertex[e] >= 0 {
            let v = layout.labelVertex[e]
            let x0 = layout.x[v] + layout.spacing.labelOffset
            boxes.append((x0, layout.centreY(v) - 6, x0 + edge.labelWidth, layout.centreY(v) + 6))
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let a = boxes[i]
                let b = boxes[j]
                let overlap = a.x0 < b.x1 - 1e-6 && b.x0 < a.x1 - 1e-6 && a.y0 < b.y1 - 1e-6 && b.y0 < a.y1 - 1e-6
                #expect(!overlap, "boxes \(i) and \(j) overlap")
            }
        }
        let (elements, texts) = try Self.parse(map.svg())
        #expect(Self.elements(elements, named: "rect").count > 35)
        for node in map.nodes where node.kind == .activity { #expect(texts.contains(node.name)) }
    }

    @Test func topVariantsAndCoverageRestrictTheCases() throws {
        let log = try MiningFixtures.caseView("receipt.csv")
        let variants = VariantTable(log: log)
        var options = ProcessMap.Options()
        options.variants = .top(1)
        let top = ProcessMap(log: log, variants: variants, options: options)
        let sequence = Set(variants.names(variants.variants[0]))
        #expect(Set(top.nodes.dropFirst(2).map(\.name)) == sequence)
        #expect(top.nodes[ProcessMap.start].frequency == variants.variants[0].cases)
        #expect(top.notes.first?.hasPrefix("The cases of the top 1 of ") == true)

        options.variants = .coverage(0.8)
        let covered = ProcessMap(log: log, variants: variants, options: options)
        let k = variants.count(covering: 0.8)
        let cases = variants.variants.prefix(k).reduce(0) { $0 + $1.cases }
        #expect(covered.nodes[ProcessMap.start].frequency == cases)
        #expect(covered.notes.first?.contains("top \(k) of") == true)
    }

    @Test func limitsKeepTheMostFrequentAndEveryActivityConnected() throws {
        let log = Self.syntheticLog(activities: 30, cases: 400, seed: 5)
        let graph = DirectlyFollowsGraph(log: log)
        var options = ProcessMap.Options()
        options.maxActivities = 20
        options.maxEdges = 25
        let map = ProcessMap(log: log, variants: VariantTable(log: log), options: options)
        map.checkInvariants()
        #expect(map.nodes.count <= 22)
        let between = map.edges.filter { $0.medianSeconds != nil }
        #expect(between.count >= 25 && between.count < graph.edges.count)
        // Every activity drawn has a way in and out, unless the graph has none from or to another
        // drawn activity (or the start, or the end).
        let kept = Set(map.nodes.dropFirst(2).map(\.name))
        for i in map.nodes.indices.dropFirst(2) {
            let name = map.nodes[i].name
            let starts = graph.startActivities.contains { graph.name($0.activity) == name }
            let ends = graph.endActivities.contains { graph.name($0.activity) == name }
            let canEnter =
                starts
                || graph.edges.contains {
                    graph.name($0.target) == name && graph.name($0.source) != name
                        && kept.contains(graph.name($0.source))
                }
            let canLeave =
                ends
                || graph.edges.contains {
                    graph.name($0.source) == name && graph.name($0.target) != name
                        && kept.contains(graph.name($0.target))
                }
            #expect(map.edges.contains { $0.target == i && $0.source != i } == canEnter, "\(name) has a way in")
            #expect(map.edges.contains { $0.source == i && $0.target != i } == canLeave, "\(name) has a way out")
        }
        #expect(
            map.nodes.indices.dropFirst(2).filter { i in map.edges.contains { $0.target == i && $0.source != i } }.count
                >= 15)
        // The 25 most frequent edges between kept activities are all there.
        let mostFrequent = graph.edges.filter {
            kept.contains(graph.name($0.source)) && kept.contains(graph.name($0.target))
        }
        .prefix(25)
        for e in mostFrequent {
            #expect(
                map.edges.contains {
                    map.nodes[$0.source].name == graph.name(e.source)
                        && map.nodes[$0.target].name == graph.name(e.target)
                })
        }
        #expect(map.notes.last?.hasPrefix("Showing \(map.nodes.count - 2) of 30 activities") == true)
        #expect(try Self.parse(map.svg()).texts.contains(map.notes.last!))

        options = ProcessMap.Options()
        options.minEdgeFrequency = 50
        let frequent = ProcessMap(log: log, variants: VariantTable(log: log), options: options)
        #expect(frequent.edges.allSatisfy { $0.frequency >= 50 })
        #expect(frequent.notes.last?.contains("edges under 50 occurrences are hidden") == true)
    }

    @Test func badOptionsAreRejected() {
        var options = ProcessMap.Options()
        options.variants = .top(0)
        #expect(throws: MiningError.self) { try options.validate() }
        options.variants = .coverage(1.5)
        #expect(throws: MiningError.self) { try options.validate() }
        options.variants = nil
        options.minEdgeFrequency = 0
        #expect(throws: MiningError.self) { try options.validate() }
        options.minEdgeFrequency = 1
        options.maxEdges = 0
        #expect(throws: MiningError.self) { try options.validate() }
        options.maxEdges = 1
        options.maxActivities = 0
        #expect(throws: MiningError.self) { try options.validate() }
        options.maxActivities = 1
        #expect(throws: Never.self) { try options.validate() }
    }

    @Test func emptyLogGivesAnEmptyMap() throws {
        let log = MiningFixtures.log([])
        let map = ProcessMap(log: log, variants: VariantTable(log: log))
        #expect(map.edges.isEmpty && map.nodes.count == 2)
        _ = try Self.parse(map.svg())
        _ = try DOTReader(map.dot())
    }

    @Test func humanDurations() {
        #expect(ProcessMap.duration(0) == "0 s")
        #expect(ProcessMap.duration(30.4) == "30 s")
        #expect(ProcessMap.duration(90) == "1.5 min")
        #expect(ProcessMap.duration(45 * 60) == "45 min")
        #expect(ProcessMap.duration(7_200) == "2.0 h")
        #expect(ProcessMap.duration(30 * 3_600) == "30 h")
        #expect(ProcessMap.duration(3 * 86_400) == "3.0 d")
        #expect(ProcessMap.duration(-120) == "-2.0 min")
        #expect(ProcessMap.grouped(1_234_567) == "1,234,567")
        #expect(ProcessMap.fixed(2.25, decimals: 1) == "2.3")
        #expect(ProcessMap.fixed(-0.04, decimals: 1) == "0.0")
    }
}

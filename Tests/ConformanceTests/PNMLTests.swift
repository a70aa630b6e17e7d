import Foundation
import Testing
import _TestSupport

@testable import Conformance

/// The PNML reader and writer: PM4Py's files read as PM4Py reads them, round trips, and clear
/// errors on malformed files.
@Suite struct PNMLTests {
    static let goldens = Fixtures.goldens.appendingPathComponent("conformance")

    /// Every PNML file the golden script wrote with PM4Py.
    static let models: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: goldens.path)) ?? []
        return names.filter { $0.hasSuffix(".pnml") }.sorted()
    }()

    /// The net as PM4Py describes it in the golden JSON.
    struct Description: Decodable, Equatable {
        var places: [String]
        var transitions: [[String?]]
        var arcs: [[Entry]]
        var initial: [[Entry]]
        var final: [[Entry]]
    }
    enum Entry: Decodable, Equatable {
        case text(String)
        case number(Int)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
        }
    }
    struct Golden: Decodable { var net: Description }

    static func describe(_ net: PetriNet) -> Description {
        func less(_ a: String, _ b: String) -> Bool { a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) }
        var arcs: [(String, String, Int)] = []
        for t in net.transitions.indices {
            for a in net.inputs[t] { arcs.append((net.places[a.place].name, net.transitions[t].name, a.weight)) }
            for a in net.outputs[t] { arcs.append((net.transitions[t].name, net.places[a.place].name, a.weight)) }
        }
        arcs.sort { less($0.0, $1.0) || ($0.0 == $1.0 && less($0.1, $1.1)) }
        func marking(_ m: Marking) -> [[Entry]] {
            net.places.indices.filter { m.tokens[$0] > 0 }.sorted { less(net.places[$0].name, net.places[$1].name) }
                .map { [.text(net.places[$0].name), .number(m.tokens[$0])] }
        }
        return Description(
            places: net.places.map(\.name).sorted(by: less),
            transitions: net.transitions.sorted { less($0.name, $1.name) }.map { [$0.name, $0.label] },
            arcs: arcs.map { [.text($0.0), .text($0.1), .number($0.2)] },
            initial: marking(net.initialMarking), final: marking(net.finalMarking))
    }

    @Test func goldenModelsExist() {
        #expect(Self.models.count == 16)
    }

    @Test(arguments: models)
    func readsAsPM4PyReads(_ model: String) throws {
        let net = try PetriNet.readPNML(path: Self.goldens.appendingPathComponent(model).path)
        let json = Self.goldens.appendingPathComponent(String(model.dropLast(5)) + ".json")
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: json))
        #expect(Self.describe(net) == golden.net)
        #expect(net.name == String(model.dropLast(5)))
    }

    /// Written and read back, a net is equal; the written file is the one committed under
    /// waybill-written/, which the golden script has PM4Py read (pm4py-read-check.json).
    @Test(arguments: models)
    func roundTrip(_ model: String) throws {
        let net = try PetriNet.readPNML(path: Self.goldens.appendingPathComponent(model).path)
        let text = net.pnml()
        let again = try PetriNet(pnml: Array(text.utf8), file: "written")
        #expect(again == net)
        #expect(again.pnml() == text)
        let committed = Self.goldens.appendingPathComponent("waybill-written").appendingPathComponent(model)
        if ProcessInfo.processInfo.environment["WAYBILL_UPDATE_GOLDENS"] == "1" {
            try FileManager.default.createDirectory(
                at: committed.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: committed)
        }
        let written = try String(contentsOf: committed, encoding: .utf8)
        #expect(written == text)
    }

    /// PM4Py read every Waybill-written file back to the net it was made from.
    @Test func pm4pyReadsWaybillPNML() throws {
        struct Check: Decodable {
            struct File: Decodable { var identical: Bool }
            var files: [String: File]
        }
        let url = Self.goldens.appendingPathComponent("waybill-written/pm4py-read-check.json")
        let check = try JSONDecoder().decode(Check.self, from: Data(contentsOf: url))
        #expect(check.files.count == Self.models.count)
        #expect(check.files.values.allSatisfy { $0.identical })
    }

    @Test func escapesNamesAndKeepsWeights() throws {
        var net = PetriNet(name: "a<b>&\"c'")
        let p = net.addPlace("p&1")
        let q = net.addPlace("q<2>")
        let t = net.addTransition("t\"1", label: "=SUM(A1) & <b>")
        let tau = net.addTransition("tau'", label: nil)
        net.addArc(fromPlace: p, toTransition: t, weight: 3)
        net.addArc(fromTransition: t, toPlace: q, weight: 2)
        net.addArc(fromPlace: q, toTransition: tau)
        net.addArc(fromTransition: tau, toPlace: p)
        net.initialMarking.tokens[p] = 3
        net.finalMarking.tokens[q] = 2
        let again = try PetriNet(pnml: Array(net.pnml().utf8), file: "x")
        #expect(again == net)
        #expect(net.pnml().contains("<inscription>"))
    }

    @Test func pnmlWithoutPagesOrFinalMarking() throws {
        // ProM 5 layout: nodes directly in <net>, labels from ids, no final marking (guessed as
        // PM4Py guesses it: one token in each place without outgoing arcs).
        let text = """
            <?xml version="1.0"?>
            <pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
              <net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet">
                <place id="start"><initialMarking><text> 1 </text></initialMarking></place>
                <place id="end"/>
                <arc id="a1" source="start" target="register"/>
                <transition id="register"/>
                <transition id="skip"><name><text>skip</text></name>
                  <toolspecific tool="ProM" version="6.4" activity="$invisible$"/></transition>
                <arc id="a2" source="register" target="end"><inscription><text>2</text></inscription></arc>
                <arc id="a3" source="start" target="skip"/>
                <arc id="a4" source="skip" target="end"/>
              </net>
            </pnml>
            """
        let net = try PetriNet(pnml: Array(text.utf8), file: "prom5.pnml")
        #expect(net.places.map(\.name) == ["start", "end"])
        #expect(net.transitions == [.init(name: "register", label: "register"), .init(name: "skip", label: nil)])
        #expect(net.initialMarking.tokens == [1, 0])
        #expect(net.finalMarking.tokens == [0, 1])
        #expect(net.outputs[0] == [PetriNet.Arc(place: 1, weight: 2)])
    }

    static let malformed: [(String, String, String)] = [
        ("not XML", "<pnml><net></pnml>", "bad.pnml:1: not well-formed XML"),
        ("wrong root", "<xes/>", "not a PNML file"),
        ("no net", "<pnml/>", "no <net>"),
        ("no places", "<pnml><net id='n'><page id='p'/></net></pnml>", "no places"),
        (
            "arc to unknown id",
            "<pnml><net><page>\n<place id='p'/>\n<arc id='a9' source='p' target='t'/></page></net></pnml>",
            "bad.pnml:3: arc a9 goes to unknown node 't'"
        ),
        (
            "arc from unknown id",
            "<pnml><net><page>\n<place id='p'/>\n<arc id='a9' source='x' target='p'/></page></net></pnml>",
            "bad.pnml:3: arc a9 comes from unknown node 'x'"
        ),
        (
            "arc between places",
            "<pnml><net><page><place id='p'/><place id='q'/><arc id='a' source='p' target='q'/></page></net></pnml>",
            "arc a joins two places"
        ),
        (
            "bad marking",
            "<pnml><net><page>\n<place id='p'><initialMarking><text>one</text></initialMarking></place></page></net></pnml>",
            "bad.pnml:2: the initial marking of place p is 'one'"
        ),
        (
            "negative final marking",
            "<pnml><net><page><place id='p'/></page><finalmarkings><marking><place idref='p'><text>-1</text></place></marking></finalmarkings></net></pnml>",
            "final marking of place p is '-1'"
        ),
        (
            "final marking of unknown place",
            "<pnml><net><page><place id='p'/></page><finalmarkings><marking><place idref='q'><text>1</text></place></marking></finalmarkings></net></pnml>",
            "unknown place 'q'"
        ),
        (
            "zero weight",
            "<pnml><net><page><place id='p'/><transition id='t'/><arc id='a' source='p' target='t'><inscription><text>0</text></inscription></arc></page></net></pnml>",
            "weight of arc a is 0"
        ),
        (
            "duplicate id", "<pnml><net><page><place id='p'/><transition id='p'/></page></net></pnml>",
            "duplicate node id 'p'"
        ),
        ("place without id", "<pnml><net><page><place/></page></net></pnml>", "<place> without an id"),
        (
            "inhibitor arc",
            "<pnml><net><page><place id='p'/><transition id='t'/><arc id='a' source='p' target='t'><arctype><text>inhibitor</text></arctype></arc></page></net></pnml>",
            "only P/T nets"
        ),
        ("two nets", "<pnml><net><place id='p'/></net><net/></pnml>", "several <net>s"),
    ]

    @Test(arguments: malformed.indices)
    func malformedPNML(_ i: Int) {
        let (what, text, message) = Self.malformed[i]
        do {
            _ = try PetriNet(pnml: Array(text.utf8), file: "bad.pnml")
            Issue.record("\(what): no error")
        } catch let error as ConformanceError {
            #expect(error.code == .invalidModel, "\(what)")
            #expect("\(error)".contains(message), "\(what): \(error)")
            #expect(error.location?.hasPrefix("bad.pnml:") == true, "\(what)")
        } catch {
            Issue.record("\(what): \(error)")
        }
    }

    @Test func missingFile() {
        #expect(throws: ConformanceError.self) { try PetriNet.readPNML(path: "/nonexistent/net.pnml") }
    }
}

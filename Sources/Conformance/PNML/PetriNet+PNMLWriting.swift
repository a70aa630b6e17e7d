import Foundation
import _WaybillSupport

extension PetriNet {
    /// The net as a PNML 2009 document in the layout PM4Py and ProM write and read.
    ///
    /// `<pnml><net type=".../pnmlcoremodel"><page id="n0">` with the places (their names as `id`
    /// and `<name>`, the initial tokens as `<initialMarking>`), the transitions (`id` = name,
    /// `<name>` = label; a silent transition has its name as `<name>` and ProM's
    /// `<toolspecific tool="ProM" version="6.4" activity="$invisible$" localNodeID="...">`), then
    /// the arcs, transition by transition, inputs before outputs (`<inscription>` when the weight
    /// is above 1), then `<finalmarkings>`. PM4Py's `read_pnml` reads it back to the same net
    /// (`Tests/Goldens/conformance/make_replay_goldens.py` checks this), and `PetriNet(pnml:)`
    /// reads it back equal, arc order included.
    ///
    /// The output is deterministic: `localNodeID` is a UUID-shaped hash of the transition name
    /// (ProM needs one on invisible transitions; PM4Py writes a random one). Every value is XML
    /// escaped.
    ///
    /// - Complexity: O(places + transitions + arcs).
    public func pnml() -> String {
        var out = "<?xml version='1.0' encoding='UTF-8'?>\n<pnml>\n"
        out += "  <net id=\"\(escape(name))\" type=\"http://www.pnml.org/version-2009/grammar/pnmlcoremodel\">\n"
        out += "    <name>\n      <text>\(escape(name))</text>\n    </name>\n"
        out += "    <page id=\"n0\">\n"
        for (p, place) in places.enumerated() {
            out += "      <place id=\"\(escape(place.name))\">\n"
            out += "        <name>\n          <text>\(escape(place.name))</text>\n        </name>\n"
            if initialMarking.tokens[p] > 0 {
                out += "        <initialMarking>\n          <text>\(initialMarking.tokens[p])</text>\n"
                out += "        </initialMarking>\n"
            }
            out += "      </place>\n"
        }
        for transition in transitions {
            out += "      <transition id=\"\(escape(transition.name))\">\n"
            out += "        <name>\n          <text>\(escape(transition.label ?? transition.name))</text>\n"
            out += "        </name>\n"
            if transition.isSilent {
                out += "        <toolspecific tool=\"ProM\" version=\"6.4\" activity=\"$invisible$\" "
                out += "localNodeID=\"\(Self.nodeID(transition.name))\"/>\n"
            }
            out += "      </transition>\n"
        }
        var arcNumber = 0
        func arc(_ source: String, _ target: String, _ weight: Int) {
            arcNumber += 1
            let head = "      <arc id=\"arc\(arcNumber)\" source=\"\(escape(source))\" target=\"\(escape(target))\""
            if weight > 1 {
                out += head + ">\n        <inscription>\n          <text>\(weight)</text>\n"
                out += "        </inscription>\n      </arc>\n"
            } else {
                out += head + "/>\n"
            }
        }
        for (t, transition) in transitions.enumerated() {
            for a in inputs[t] { arc(places[a.place].name, transition.name, a.weight) }
            for a in outputs[t] { arc(transition.name, places[a.place].name, a.weight) }
        }
        out += "    </page>\n"
        if finalMarking.total > 0 {
            out += "    <finalmarkings>\n      <marking>\n"
            for (p, place) in places.enumerated() where finalMarking.tokens[p] > 0 {
                out += "        <place idref=\"\(escape(place.name))\">\n"
                out += "          <text>\(finalMarking.tokens[p])</text>\n        </place>\n"
            }
            out += "      </marking>\n    </finalmarkings>\n"
        }
        out += "  </net>\n</pnml>\n"
        return out
    }

    /// Writes the net as PNML (see `pnml()`), replacing the file whole.
    ///
    /// - Throws: `ConformanceError.cannotWrite` naming the file.
    /// - Complexity: O(places + transitions + arcs).
    public func writePNML(to path: String) throws {
        do {
            try Data(pnml().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ConformanceError(
                .cannotWrite, "cannot write the model: \(error.localizedDescription)", location: path)
        }
    }

    /// A UUID-shaped identifier derived from a name (two 64-bit FNV-1a hashes), stable across runs.
    static func nodeID(_ name: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in name.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5a)) &* 0x100_0000_01b3
        }
        let hex = (String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)).map { $0 }
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }
        return parts.joined(separator: "-")
    }
}

/// Escapes the five XML special characters, for text and attribute values alike.
private func escape(_ value: String) -> String {
    guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
        return value
    }
    var out = ""
    for c in value.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

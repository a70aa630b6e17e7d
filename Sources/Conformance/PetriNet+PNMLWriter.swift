extension PetriNet {
    /// The net as PNML 2009 (ISO/IEC 15909-2, the P/T core model), in the layout PM4Py's
    /// `pm4py.write_pnml` writes and PM4Py and ProM read: one `<page id="n0">` with the places
    /// (an `<initialMarking>` where the initial marking has tokens), the transitions (a silent one
    /// named by its id and marked `<toolspecific tool="ProM" version="6.4" activity="$invisible$"
    /// localNodeID=…/>`), the arcs (an `<inscription>` for weights above 1), then the final
    /// marking under `<finalmarkings>`.
    ///
    /// Deterministic: nodes and arcs in index order, arc ids `arc_<n>`, and each silent
    /// transition's `localNodeID` a UUID-shaped string made from its index (PM4Py uses random
    /// UUIDs). Ids, names and labels are XML-escaped.
    ///
    /// - Complexity: O(places + transitions + arcs).
    public func pnml() -> String {
        var out = "<?xml version='1.0' encoding='UTF-8'?>\n<pnml>\n"
        out += "  <net id=\"\(xml(name))\" type=\"http://www.pnml.org/version-2009/grammar/pnmlcoremodel\">\n"
        out += "    <name>\n      <text>\(xml(name))</text>\n    </name>\n"
        out += "    <page id=\"n0\">\n"
        for (p, place) in places.enumerated() {
            out += "      <place id=\"\(xml(place.name))\">\n"
            out += "        <name>\n          <text>\(xml(place.name))</text>\n        </name>\n"
            if initialMarking.tokens[p] > 0 {
                out += "        <initialMarking>\n          <text>\(initialMarking.tokens[p])</text>\n"
                out += "        </initialMarking>\n"
            }
            out += "      </place>\n"
        }
        for (t, transition) in transitions.enumerated() {
            out += "      <transition id=\"\(xml(transition.name))\">\n"
            out += "        <name>\n          <text>\(xml(transition.label ?? transition.name))</text>\n"
            out += "        </name>\n"
            if transition.isSilent {
                let suffix = String(t, radix: 16)
                let node = String(repeating: "0", count: max(0, 12 - suffix.count)) + suffix
                out += "        <toolspecific tool=\"ProM\" version=\"6.4\" activity=\"$invisible$\" "
                out += "localNodeID=\"00000000-0000-4000-8000-\(node)\"/>\n"
            }
            out += "      </transition>\n"
        }
        var arcNumber = 0
        func arc(_ source: String, _ target: String, _ weight: Int) {
            arcNumber += 1
            out += "      <arc id=\"arc_\(arcNumber)\" source=\"\(xml(source))\" target=\"\(xml(target))\""
            if weight > 1 {
                out += ">\n        <inscription>\n          <text>\(weight)</text>\n        </inscription>\n"
                out += "      </arc>\n"
            } else {
                out += "/>\n"
            }
        }
        for t in transitions.indices {
            for a in inputs[t] { arc(places[a.place].name, transitions[t].name, a.weight) }
            for a in outputs[t] { arc(transitions[t].name, places[a.place].name, a.weight) }
        }
        out += "    </page>\n"
        if finalMarking.total > 0 {
            out += "    <finalmarkings>\n      <marking>\n"
            for (p, tokens) in finalMarking.tokens.enumerated() where tokens > 0 {
                out += "        <place idref=\"\(xml(places[p].name))\">\n          <text>\(tokens)</text>\n"
                out += "        </place>\n"
            }
            out += "      </marking>\n    </finalmarkings>\n"
        }
        out += "  </net>\n</pnml>\n"
        return out
    }
}

/// Text escaped for XML content and attribute values; control characters XML 1.0 cannot hold
/// become U+FFFD.
private func xml(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": out += "&#\(scalar.value);"
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

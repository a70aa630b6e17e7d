import Ingestion
import _WaybillSupport

extension PetriNet {
    /// Reads a Petri net from a PNML file (`.pnml`, or gzip-compressed).
    ///
    /// See `init(pnml:file:)` for what is read.
    ///
    /// - Throws: `ConformanceError.cannotRead` when the file cannot be read, `.invalidModel` with
    ///   the file and line when it is not a usable PNML P/T net.
    /// - Complexity: O(file size + arcs × preset size).
    public static func readPNML(path: String) throws -> PetriNet {
        let bytes: [UInt8]
        do {
            bytes = try ByteSource.readAll(path: path)
        } catch {
            throw ConformanceError(.cannotRead, "cannot read the model: \(error)", location: path)
        }
        return try PetriNet(pnml: bytes, file: path)
    }

    /// Parses a PNML 2009 place/transition net, as PM4Py (`pm4py.write_pnml`) and ProM write them.
    ///
    /// - **Structure.** `<pnml><net>` with its places, transitions and arcs, on one or several
    ///   `<page>`s (nested or not) or directly in `<net>` (ProM 5). Exactly one `<net>`.
    /// - **Places.** The `id` is the place's name (as in PM4Py; the display `<name>` is not
    ///   kept). `<initialMarking><text>n</text>` gives its initial tokens.
    /// - **Transitions.** The `id` is the name; the label is the `<name><text>`, or the `id`
    ///   without one. A transition is silent when it has `<toolspecific tool="ProM"
    ///   activity="$invisible$">` (any `activity` containing "invisible", as PM4Py reads it) or a
    ///   `StochasticPetriNet` tool-specific property `invisible` = `true`.
    /// - **Arcs.** `source` and `target` ids, one a place and the other a transition;
    ///   `<inscription><text>n</text>` is the weight (default 1).
    /// - **Final marking.** PM4Py's and ProM's `<finalmarkings><marking><place idref="p"><text>n`.
    ///   Without it, as PM4Py does, every place without outgoing arcs gets one token.
    ///
    /// Reset and inhibitor arcs (`<arctype>`) are not supported and are rejected.
    ///
    /// - Parameter file: the name used in error locations.
    /// - Throws: `ConformanceError.invalidModel` naming the file, line and element: not XML, no
    ///   `<net>`, no places, a duplicate or missing id, an arc to an unknown id or between two
    ///   places or two transitions, a weight or marking that is not a non-negative integer.
    /// - Complexity: O(input size + arcs × preset size).
    public init(pnml bytes: [UInt8], file: String) throws {
        var reader = PNMLReader(file: file)
        try reader.parse(bytes)
        self = try reader.build()
    }
}

/// The streaming state of `PetriNet(pnml:file:)`: elements are matched by their path of open
/// element names, and the net is built once the whole document has been read (arcs may come
/// before the nodes they join).
private struct PNMLReader {
    struct Node {
        var id: String
        var line: Int
        var label: String?
        var silent = false
        var tokens = 0
    }
    struct ArcRecord {
        var id: String
        var source: String
        var target: String
        var weight = 1
        var line: Int
    }

    let file: String
    var path: [String] = []
    var netCount = 0
    var netName: String?
    var places: [Node] = []
    var transitions: [Node] = []
    var arcs: [ArcRecord] = []
    var finalMarking: [(id: String, tokens: Int, line: Int)]?
    /// What the innermost open place, transition, arc or final-marking place is.
    enum Current { case none, place, transition, arc, finalPlace }
    var current = Current.none
    var currentDepth = 0
    var stochasticKey: String?
    var line = 0

    init(file: String) { self.file = file }

    func error(_ message: String, line: Int? = nil) -> ConformanceError {
        ConformanceError(.invalidModel, message, location: "\(file):\(line ?? self.line)")
    }

    mutating func parse(_ bytes: [UInt8]) throws {
        var tokenizer = XMLTokenizer(bytes: bytes)
        while true {
            let token: XMLToken?
            do {
                token = try tokenizer.next()
            } catch let e as XMLError {
                throw ConformanceError(
                    .invalidModel, "not well-formed XML: \(e.message)", location: "\(file):\(e.line)")
            }
            guard let token else { break }
            line = tokenizer.line
            switch token {
            case .startElement(let name, let attributes, let selfClosing):
                let local = Self.localName(name)
                try start(local, attributes: attributes)
                if selfClosing { end() } else { path.append(local) }
            case .endElement:
                path.removeLast()
                end()
            case .text(let text):
                try self.text(text)
            }
        }
        guard path.isEmpty else { throw error("the document ends inside <\(path.last!)>") }
    }

    static func localName(_ name: String) -> String {
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name
    }

    static func attribute(_ attributes: [(name: String, value: String)], _ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// True when the open elements (root first), followed by `name`, end with `suffix`.
    func inside(_ suffix: String...) -> Bool {
        guard path.count >= suffix.count else { return false }
        return zip(path.suffix(suffix.count), suffix).allSatisfy { $0 == $1 }
    }

    mutating func start(_ name: String, attributes: [(name: String, value: String)]) throws {
        if path.isEmpty {
            guard name == "pnml" else { throw error("the root element is <\(name)>, not <pnml>: not a PNML file") }
            return
        }
        if path.count == 1 && name == "net" {
            netCount += 1
            if netCount > 1 { throw error("the file holds several <net>s; give a file with one net") }
            if let type = Self.attribute(attributes, "type"), type.contains("pnml"),
                !(type.contains("ptnet") || type.contains("pnmlcoremodel") || type.contains("PTNet"))
            {
                throw error("the net type '\(type)' is not a place/transition net")
            }
            return
        }
        let inNet = path.count >= 2 && path[1] == "net"
        guard inNet else { return }
        let depth = path.count
        switch name {
        case "place" where current == .none && (path.last == "net" || path.last == "page"):
            let id = try requiredID(attributes, element: "place")
            places.append(Node(id: id, line: line))
            current = .place
            currentDepth = depth
        case "transition" where current == .none && (path.last == "net" || path.last == "page"):
            let id = try requiredID(attributes, element: "transition")
            transitions.append(Node(id: id, line: line))
            current = .transition
            currentDepth = depth
        case "arc" where current == .none && (path.last == "net" || path.last == "page"):
            guard let source = Self.attribute(attributes, "source"), let target = Self.attribute(attributes, "target")
            else { throw error("<arc> without a source or target attribute") }
            arcs.append(
                ArcRecord(
                    id: Self.attribute(attributes, "id") ?? "arc \(arcs.count + 1)", source: source, target: target,
                    line: line))
            current = .arc
            currentDepth = depth
        case "toolspecific" where current == .transition && depth == currentDepth + 1:
            let tool = Self.attribute(attributes, "tool") ?? ""
            if tool.contains("ProM"), let activity = Self.attribute(attributes, "activity"),
                activity.contains("invisible")
            {
                transitions[transitions.count - 1].silent = true
            }
        case "property" where current == .transition && inside("toolspecific"):
            stochasticKey = Self.attribute(attributes, "key")
        case "arctype" where current == .arc:
            throw error("arc \(arcs.last!.id) has an <arctype> (reset or inhibitor arc); only P/T nets are supported")
        case "finalmarkings" where path.last == "net":
            if finalMarking == nil { finalMarking = [] }
        case "place" where inside("finalmarkings", "marking"):
            guard let id = Self.attribute(attributes, "idref") else {
                throw error("a final-marking <place> without idref")
            }
            finalMarking!.append((id, 0, line))
            current = .finalPlace
            currentDepth = depth
        default:
            break
        }
    }

    mutating func end() {
        if current != .none && path.count == currentDepth {
            current = .none
        }
        stochasticKey = nil
    }

    mutating func text(_ text: String) throws {
        guard path.last == "text" || path.last == "property" else { return }
        let value = text.trimmingWhitespace()
        switch current {
        case .none:
            if path.count == 4 && inside("net", "name", "text") { netName = value }
        case .place:
            if inside("initialMarking", "text") && path.count == currentDepth + 3 {
                places[places.count - 1].tokens = try count(value, what: "initial marking of place \(places.last!.id)")
            }
        case .transition:
            if inside("name", "text") && path.count == currentDepth + 3 && transitions.last!.label == nil {
                transitions[transitions.count - 1].label = text
            } else if path.last == "property" && stochasticKey == "invisible" && value.lowercased() == "true" {
                transitions[transitions.count - 1].silent = true
            }
        case .arc:
            if inside("inscription", "text") {
                let weight = try count(value, what: "weight of arc \(arcs.last!.id)")
                guard weight > 0 else { throw error("the weight of arc \(arcs.last!.id) is 0; weights are positive") }
                arcs[arcs.count - 1].weight = weight
            }
        case .finalPlace:
            if path.last == "text" {
                let last = finalMarking!.count - 1
                finalMarking![last].tokens = try count(
                    value, what: "final marking of place \(finalMarking![last].id)")
            }
        }
    }

    func count(_ text: String, what: String) throws -> Int {
        guard let n = Int(text), n >= 0 else {
            throw error("the \(what) is '\(text)', not a non-negative integer")
        }
        return n
    }

    func requiredID(_ attributes: [(name: String, value: String)], element: String) throws -> String {
        guard let id = Self.attribute(attributes, "id"), !id.isEmpty else {
            throw error("<\(element)> without an id attribute")
        }
        return id
    }

    func build() throws -> PetriNet {
        guard netCount == 1 else { throw error("no <net> element: not a PNML net", line: 1) }
        guard !places.isEmpty else { throw error("the net has no places", line: 1) }
        var net = PetriNet(name: netName ?? "net")
        var placeIndex: [String: Int] = [:]
        var transitionIndex: [String: Int] = [:]
        for p in places {
            guard placeIndex[p.id] == nil else { throw error("duplicate place id '\(p.id)'", line: p.line) }
            placeIndex[p.id] = net.addPlace(p.id)
            net.initialMarking.tokens[placeIndex[p.id]!] = p.tokens
        }
        for t in transitions {
            guard placeIndex[t.id] == nil && transitionIndex[t.id] == nil else {
                throw error("duplicate node id '\(t.id)'", line: t.line)
            }
            transitionIndex[t.id] = net.addTransition(t.id, label: t.silent ? nil : (t.label ?? t.id))
        }
        for a in arcs {
            if let p = placeIndex[a.source] {
                guard let t = transitionIndex[a.target] else {
                    throw error(
                        placeIndex[a.target] != nil
                            ? "arc \(a.id) joins two places ('\(a.source)' to '\(a.target)')"
                            : "arc \(a.id) goes to unknown node '\(a.target)'", line: a.line)
                }
                net.addArc(fromPlace: p, toTransition: t, weight: a.weight)
            } else if let t = transitionIndex[a.source] {
                guard let p = placeIndex[a.target] else {
                    throw error(
                        transitionIndex[a.target] != nil
                            ? "arc \(a.id) joins two transitions ('\(a.source)' to '\(a.target)')"
                            : "arc \(a.id) goes to unknown node '\(a.target)'", line: a.line)
                }
                net.addArc(fromTransition: t, toPlace: p, weight: a.weight)
            } else {
                throw error("arc \(a.id) comes from unknown node '\(a.source)'", line: a.line)
            }
        }
        if let finalMarking {
            for entry in finalMarking {
                guard let p = placeIndex[entry.id] else {
                    throw error("the final marking names unknown place '\(entry.id)'", line: entry.line)
                }
                net.finalMarking.tokens[p] += entry.tokens
            }
        } else {
            // PM4Py's guess (final_marking.discover_final_marking): one token in each place that
            // no transition takes tokens from.
            let outputs = net.placeOutputs()
            for p in net.places.indices where outputs[p].isEmpty { net.finalMarking.tokens[p] = 1 }
        }
        net.checkInvariants()
        return net
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line ends.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}

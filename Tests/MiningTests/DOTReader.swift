/// A reader for the subset of Graphviz's DOT language that process maps use (Waybill's and
/// PM4Py's): one `digraph` of node, edge and attribute statements. It checks the syntax (quoted
/// strings closed, escapes valid, braces and brackets balanced, every statement complete) and
/// gives the nodes and edges with their attributes decoded, so tests can check a DOT file
/// without Graphviz.
struct DOTReader {
    struct Statement: Equatable {
        /// One id for a node, two for an edge, none for `graph`/`node`/`edge` defaults.
        var ids: [String]
        var attributes: [String: String]
        var isEdge: Bool
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    enum Token: Equatable {
        case id(String, quoted: Bool)
        case symbol(String)
    }

    var statements: [Statement] = []
    var graphAttributes: [String: String] = [:]

    var nodes: [Statement] { statements.filter { !$0.isEdge && $0.ids.count == 1 } }
    var edges: [Statement] { statements.filter(\.isEdge) }

    init(_ text: String) throws {
        var tokens = try Self.tokens(text)[...]
        func next() throws -> Token {
            guard let t = tokens.popFirst() else { throw SyntaxError(message: "unexpected end of input") }
            return t
        }
        func expect(_ s: String) throws {
            let t = try next()
            guard t == .symbol(s) else { throw SyntaxError(message: "expected \(s), found \(t)") }
        }
        func id() throws -> String {
            guard case .id(let s, _) = try next() else { throw SyntaxError(message: "expected an id") }
            return s
        }
        func attributeList() throws -> [String: String] {
            var attributes: [String: String] = [:]
            while tokens.first == .symbol("[") {
                tokens.removeFirst()
                while tokens.first != .symbol("]") {
                    let key = try id()
                    try expect("=")
                    attributes[key] = try id()
                    if tokens.first == .symbol(",") || tokens.first == .symbol(";") { tokens.removeFirst() }
                }
                try expect("]")
            }
            return attributes
        }
        guard try id() == "digraph" else { throw SyntaxError(message: "not a digraph") }
        if case .id = tokens.first { _ = try id() }
        try expect("{")
        while tokens.first != .symbol("}") {
            let first = try id()
            if tokens.first == .symbol("=") {  // a graph attribute: key = value
                tokens.removeFirst()
                graphAttributes[first] = try id()
            } else if ["graph", "node", "edge"].contains(first) && tokens.first == .symbol("[") {
                let attributes = try attributeList()
                if first == "graph" { graphAttributes.merge(attributes) { $1 } }
                statements.append(Statement(ids: [], attributes: attributes, isEdge: false))
            } else if tokens.first == .symbol("->") {
                tokens.removeFirst()
                let second = try id()
                statements.append(Statement(ids: [first, second], attributes: try attributeList(), isEdge: true))
            } else {
                statements.append(Statement(ids: [first], attributes: try attributeList(), isEdge: false))
            }
            if tokens.first == .symbol(";") { tokens.removeFirst() }
        }
        try expect("}")
        guard tokens.isEmpty else { throw SyntaxError(message: "text after the graph") }
    }

    /// Splits DOT text into ids (bare, numeral, quoted with escapes decoded, or HTML `<...>`) and
    /// symbols.
    static func tokens(_ text: String) throws -> [Token] {
        var out: [Token] = []
        let s = Array(text.unicodeScalars)
        var i = 0
        func isBare(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "." || c == "-" || c.value > 127
        }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if c == "\"" {
                var value = ""
                i += 1
                while true {
                    guard i < s.count else { throw SyntaxError(message: "unterminated string") }
                    let d = s[i]
                    if d == "\"" { break }
                    if d == "\n" { throw SyntaxError(message: "raw line end in a string") }
                    if d == "\\" {
                        guard i + 1 < s.count else { throw SyntaxError(message: "dangling backslash") }
                        let e = s[i + 1]
                        switch e {
                        case "\"": value += "\""
                        case "\\": value += "\\"
                        case "n": value += "\n"
                        default: value += "\\" + String(e)  // Graphviz's own escapes (\N, \l), kept
                        }
                        i += 2
                        continue
                    }
                    value.unicodeScalars.append(d)
                    i += 1
                }
                i += 1
                out.append(.id(value, quoted: true))
            } else if c == "<" {
                var depth = 0
                var value = ""
                repeat {
                    guard i < s.count else { throw SyntaxError(message: "unterminated HTML string") }
                    if s[i] == "<" { depth += 1 }
                    if s[i] == ">" { depth -= 1 }
                    value.unicodeScalars.append(s[i])
                    i += 1
                } while depth > 0
                out.append(.id(value, quoted: false))
            } else if c == "-" && i + 1 < s.count && s[i + 1] == ">" {
                out.append(.symbol("->"))
                i += 2
            } else if "{}[]=;,".unicodeScalars.contains(c) {
                out.append(.symbol(String(c)))
                i += 1
            } else if isBare(c) {
                var value = ""
                while i < s.count && isBare(s[i]) && !(s[i] == "-" && i + 1 < s.count && s[i + 1] == ">") {
                    value.unicodeScalars.append(s[i])
                    i += 1
                }
                out.append(.id(value, quoted: false))
            } else {
                throw SyntaxError(message: "unexpected character '\(c)'")
            }
        }
        return out
    }
}

extension ProcessMap {
    /// The map in Graphviz's DOT language, for `dot -Tsvg` or any Graphviz viewer: the same
    /// nodes, edges, labels, line widths (`penwidth`) and colours (`color`) as the SVG, laid out by
    /// Graphviz itself.
    ///
    /// Every id and label is a double-quoted string with `\` and `"` escaped, one statement per
    /// line; node ids are `start`, `end` and `a1`, `a2`, … in node order, so names never appear
    /// as ids. The output is byte-identical for the same map.
    ///
    /// - Complexity: O(*nodes* + *edges*).
    public func dot() -> String {
        func id(_ i: Int) -> String { i == Self.start ? "\"start\"" : i == Self.end ? "\"end\"" : "\"a\(i - 1)\"" }
        func q(_ text: String) -> String { "\"" + Self.dotEscaped(text) + "\"" }
        var out = "digraph \"process map\" {\n"
        let caption = ([title] + notes).map(Self.dotEscaped).joined(separator: "\\n")
        out +=
            "  graph [rankdir=TB, labelloc=t, labeljust=l, fontname=\"Helvetica\", fontsize=12, label=\"\(caption)\"];\n"
        out +=
            "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, color=\"#4a6fa5\"];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n"
        for (i, node) in nodes.enumerated() {
            switch node.kind {
            case .start, .end:
                let colour = node.kind == .start ? "#2e7d32" : "#c62828"
                out +=
                    "  \(id(i)) [shape=circle, label=\"\", width=0.3, fixedsize=true, fillcolor=\"\(colour)\", style=filled, tooltip=\(q("\(node.name): \(Self.grouped(node.frequency)) cases"))];\n"
            case .activity:
                let text =
                    Self.dotEscaped(Self.shortened(node.name, limit: Metrics.maxNameLength)) + "\\n"
                    + Self.grouped(node.frequency)
                out +=
                    "  \(id(i)) [label=\"\(text)\", fillcolor=\"\(fill(node))\", tooltip=\(q(node.name))];\n"
            }
        }
        for e in edges {
            out +=
                "  \(id(e.source)) -> \(id(e.target)) [label=\(q(label(e))), penwidth=\(Self.fixed(lineWidth(e), decimals: 2)), color=\"\(colour(e))\"];\n"
        }
        out += "}\n"
        return out
    }
}

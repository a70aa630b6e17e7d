extension ProcessMap {
    /// Sizes in the drawing, in SVG user units (pixels at 100%).
    enum Metrics {
        static let margin = 16.0
        static let nodeHeight = 38.0
        static let minNodeWidth = 64.0
        static let terminalSize = 20.0
        static let nameFont = 12.0
        static let countFont = 10.0
        static let labelFont = 10.0
        static let loopReach = 26.0
        static let maxNameLength = 40
    }

    /// Lays the map out (see `LayeredLayout`): node boxes fit their names, edges are weighted by
    /// frequency, labels get room, self-loops get room to the right of their node.
    ///
    /// - Complexity: that of `LayeredLayout.init`.
    public func layout() -> LayeredLayout {
        var loopRoom = [Double](repeating: 0, count: nodes.count)
        for e in edges where e.source == e.target {
            loopRoom[e.source] = Metrics.loopReach + 6 + Self.textWidth(label(e), fontSize: Metrics.labelFont)
        }
        let boxes = nodes.indices.map { i -> LayeredLayout.Node in
            let node = nodes[i]
            guard node.kind == .activity else {
                return LayeredLayout.Node(width: Metrics.terminalSize, height: Metrics.terminalSize)
            }
            let text = Swift.max(
                Self.textWidth(Self.shortened(node.name, limit: Metrics.maxNameLength), fontSize: Metrics.nameFont),
                Self.textWidth(Self.grouped(node.frequency), fontSize: Metrics.countFont))
            return LayeredLayout.Node(
                width: Swift.max(Metrics.minNodeWidth, (text + 20).rounded(.up)), height: Metrics.nodeHeight,
                rightMargin: loopRoom[i])
        }
        let links = edges.map { e in
            LayeredLayout.Edge(
                source: e.source, target: e.target, weight: e.frequency,
                labelWidth: Self.textWidth(label(e), fontSize: Metrics.labelFont) + 2)
        }
        return LayeredLayout(nodes: boxes, edges: links, root: Self.start)
    }

    /// The map as a self-contained SVG document: no external fonts, styles or scripts, every
    /// text escaped, sized to its content through `viewBox`, and byte-identical for the same map.
    ///
    /// Edges are drawn as smooth cubic curves through their dummy vertices, thicker for more
    /// frequent ones and coloured by median wait; dashed ones point back to an earlier step.
    /// Hovering an edge or node shows its full figures (`<title>`).
    ///
    /// - Complexity: that of `layout()`, plus O(*nodes* + the length of the routes).
    public func svg() -> String {
        svg(layout: layout())
    }

    /// The SVG for a given layout of this map.
    func svg(layout: LayeredLayout) -> String {
        let m = Metrics.margin
        var header: [(text: String, size: Double, bold: Bool)] = [(title, 14, true)]
        header += notes.map { ($0, 11, false) }
        var y = m
        var body = ""
        for line in header {
            y += line.size + 4
            body +=
                "<text x=\"\(n(m))\" y=\"\(n(y))\" font-size=\"\(n(line.size))\"\(line.bold ? " font-weight=\"bold\"" : "")>\(Self.xmlEscaped(line.text))</text>\n"
        }
        let headerWidth = header.map { Self.textWidth($0.text, fontSize: $0.size) }.max() ?? 0
        let (legend, legendWidth, legendHeight) = legend(top: y + 10)
        body += legend
        let top = y + 10 + legendHeight + 16
        let width = (Swift.max(layout.width, headerWidth, legendWidth) + 2 * m).rounded(.up)
        let height = (top + layout.height + m).rounded(.up)

        var edgesSVG = ""
        var labelsSVG = ""
        var nodesSVG = ""
        for (i, e) in edges.enumerated() {
            let tip = edgeTitle(e)
            let dash = layout.reversed[i] ? " stroke-dasharray=\"6 4\"" : ""
            let marker = "url(#arrow-\(waitClass(e).map(String.init) ?? "n"))"
            let stroke =
                "fill=\"none\" stroke=\"\(colour(e))\" stroke-width=\"\(n(lineWidth(e)))\"\(dash) marker-end=\"\(marker)\""
            if e.source == e.target {
                let cx = m + layout.x[e.source]
                let cy = top + layout.centreY(e.source)
                let right = cx + layout.nodes[e.source].width / 2
                let r = Metrics.loopReach
                edgesSVG +=
                    "<g><title>\(tip)</title><path d=\"M\(n(right)),\(n(cy - 8)) C\(n(right + r)),\(n(cy - 22)) \(n(right + r)),\(n(cy + 22)) \(n(right)),\(n(cy + 8))\" \(stroke)/></g>\n"
                labelsSVG += labelSVG(label(e), x: right + r + 4, y: cy + 3.5)
                continue
            }
            let points = layout.route(i).map { LayeredLayout.Point(x: $0.x + m, y: $0.y + top) }
            var d = "M\(n(points[0].x)),\(n(points[0].y))"
            for (a, b) in zip(points, points.dropFirst()) {
                let half = (b.y - a.y) / 2
                d += " C\(n(a.x)),\(n(a.y + half)) \(n(b.x)),\(n(b.y - half)) \(n(b.x)),\(n(b.y))"
            }
            edgesSVG += "<g><title>\(tip)</title><path d=\"\(d)\" \(stroke)/></g>\n"
            let v = layout.labelVertex[i]
            labelsSVG += labelSVG(
                label(e), x: m + layout.x[v] + layout.spacing.labelOffset, y: top + layout.centreY(v) + 3.5)
        }
        for (i, node) in nodes.enumerated() {
            let cx = m + layout.x[i]
            let cy = top + layout.centreY(i)
            let name = Self.xmlEscaped(node.name)
            switch node.kind {
            case .start, .end:
                let isStart = node.kind == .start
                nodesSVG +=
                    "<g><title>\(isStart ? "start" : "end"): \(Self.grouped(node.frequency)) cases</title><circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(Metrics.terminalSize / 2))\" fill=\"\(isStart ? "#2e7d32" : "#c62828")\" stroke=\"#263238\" stroke-width=\"1\"/></g>\n"
            case .activity:
                let w = layout.nodes[i].width
                let h = layout.nodes[i].height
                let shown = Self.xmlEscaped(Self.shortened(node.name, limit: Metrics.maxNameLength))
                nodesSVG +=
                    "<g><title>\(name): \(Self.grouped(node.frequency)) events</title>"
                    + "<rect x=\"\(n(cx - w / 2))\" y=\"\(n(cy - h / 2))\" width=\"\(n(w))\" height=\"\(n(h))\" rx=\"6\" fill=\"\(fill(node))\" stroke=\"#4a6fa5\" stroke-width=\"1\"/>"
                    + "<text x=\"\(n(cx))\" y=\"\(n(cy - 2))\" text-anchor=\"middle\" font-size=\"\(n(Metrics.nameFont))\">\(shown)</text>"
                    + "<text x=\"\(n(cx))\" y=\"\(n(cy + 12))\" text-anchor=\"middle\" font-size=\"\(n(Metrics.countFont))\" fill=\"#486581\">\(Self.grouped(node.frequency))</text></g>\n"
            }
        }

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"Helvetica, Arial, sans-serif\" fill=\"#102a43\">\n"
        out += "<title>\(Self.xmlEscaped(title))</title>\n"
        out += "<defs>\n"
        for (k, c) in (Self.waitPalette.map(Optional.some) + [nil]).enumerated() {
            let id = c == nil ? "n" : String(k)
            out +=
                "<marker id=\"arrow-\(id)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"10\" markerHeight=\"10\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"\(c ?? Self.neutralColour)\"/></marker>\n"
        }
        out += "</defs>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>\n"
        out += body
        out += "<g id=\"edges\">\n" + edgesSVG + "</g>\n"
        out += "<g id=\"edge-labels\" font-size=\"\(n(Metrics.labelFont))\">\n" + labelsSVG + "</g>\n"
        out += "<g id=\"nodes\">\n" + nodesSVG + "</g>\n"
        out += "</svg>\n"
        return out
    }

    /// A number in the SVG: one decimal, no exponent, no locale.
    private func n(_ value: Double) -> String { Self.fixed(value, decimals: 1) }

    /// An edge label with a white backing, so it stays readable over lines.
    private func labelSVG(_ text: String, x: Double, y: Double) -> String {
        let w = Self.textWidth(text, fontSize: Metrics.labelFont) + 2
        return
            "<rect x=\"\(n(x - 1))\" y=\"\(n(y - 9))\" width=\"\(n(w))\" height=\"12\" fill=\"#ffffff\" fill-opacity=\"0.85\"/><text x=\"\(n(x))\" y=\"\(n(y))\">\(Self.xmlEscaped(text))</text>\n"
    }

    /// The hover text of an edge, escaped.
    private func edgeTitle(_ e: Edge) -> String {
        let from = nodes[e.source].name
        let to = nodes[e.target].name
        var text = "\(from) → \(to): \(Self.grouped(e.frequency)) "
        if let median = e.medianSeconds, let mean = e.meanSeconds {
            text += "times; median wait \(Self.duration(median)), mean \(Self.duration(mean))"
        } else {
            text += "cases"
        }
        return Self.xmlEscaped(text)
    }

    /// The legend: the wait palette with its class bounds, line widths for three frequencies, and
    /// what dashed edges and the two circles mean. Returns the SVG, its width and its height.
    private func legend(top: Double) -> (String, Double, Double) {
        let m = Metrics.margin
        var svg = "<g id=\"legend\" font-size=\"9\">\n"
        var x = m
        let bounds = waitClassBounds
        if !bounds.isEmpty {
            svg += "<text x=\"\(n(x))\" y=\"\(n(top + 9))\" font-size=\"10\">Median wait</text>\n"
            let swatch = 56.0
            for (k, c) in Self.waitPalette.enumerated() {
                let sx = x + Double(k) * swatch
                svg += "<rect x=\"\(n(sx))\" y=\"\(n(top + 14))\" width=\"\(n(swatch))\" height=\"8\" fill=\"\(c)\"/>\n"
            }
            for (k, b) in bounds.enumerated() {
                let anchor = k == 0 ? "start" : k == bounds.count - 1 ? "end" : "middle"
                svg +=
                    "<text x=\"\(n(x + Double(k) * swatch))\" y=\"\(n(top + 32))\" text-anchor=\"\(anchor)\">\(Self.xmlEscaped(Self.duration(b)))</text>\n"
            }
            x += swatch * Double(Self.waitPalette.count) + 28
        }
        let frequencies = edges.map(\.frequency).sorted()
        if let low = frequencies.first, let high = frequencies.last {
            svg += "<text x=\"\(n(x))\" y=\"\(n(top + 9))\" font-size=\"10\">Frequency</text>\n"
            let samples = low == high ? [low] : [low, frequencies[frequencies.count / 2], high]
            var sx = x
            for f in samples {
                let e = Edge(source: 0, target: 1, frequency: f)
                svg +=
                    "<line x1=\"\(n(sx))\" y1=\"\(n(top + 18))\" x2=\"\(n(sx + 36))\" y2=\"\(n(top + 18))\" stroke=\"\(Self.neutralColour)\" stroke-width=\"\(n(lineWidth(e)))\"/>\n"
                svg += "<text x=\"\(n(sx))\" y=\"\(n(top + 32))\">\(Self.grouped(f))</text>\n"
                sx += 36 + Swift.max(16, Self.textWidth(Self.grouped(f), fontSize: 9) - 28)
            }
            x = sx + 20
        }
        svg +=
            "<line x1=\"\(n(x))\" y1=\"\(n(top + 18))\" x2=\"\(n(x + 36))\" y2=\"\(n(top + 18))\" stroke=\"\(Self.neutralColour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
        svg += "<text x=\"\(n(x))\" y=\"\(n(top + 32))\">back to an earlier step</text>\n"
        x += 130
        svg += "<circle cx=\"\(n(x + 5))\" cy=\"\(n(top + 18))\" r=\"5\" fill=\"#2e7d32\"/>\n"
        svg += "<text x=\"\(n(x + 14))\" y=\"\(n(top + 21))\">start</text>\n"
        svg += "<circle cx=\"\(n(x + 50))\" cy=\"\(n(top + 18))\" r=\"5\" fill=\"#c62828\"/>\n"
        svg += "<text x=\"\(n(x + 59))\" y=\"\(n(top + 21))\">end</text>\n"
        x += 84
        svg += "</g>\n"
        return (svg, x - m, 34)
    }
}

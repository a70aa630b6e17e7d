#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessMap {
    /// The sequential palette for median waits, short to long (ColorBrewer YlOrRd, classes 4 to 9,
    /// leaving out the lightest classes, which vanish on white).
    static let waitPalette = ["#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"]
    /// The colour of start and end edges, which have no wait.
    static let neutralColour = "#8c8c8c"

    /// The palette class of an edge's median wait: the range of log waits over the map's edges
    /// (a wait under one second counting as one second) cut into equal parts.
    func waitClass(_ e: Edge) -> Int? {
        guard let median = e.medianSeconds, let (low, high) = waitRange else { return nil }
        guard high > low else { return 0 }
        let t = (Self.log10(Swift.max(1, median)) - low) / (high - low)
        return Swift.min(Self.waitPalette.count - 1, Swift.max(0, Int(t * Double(Self.waitPalette.count))))
    }

    /// The wait at the lower bound of each palette class, and the top of the last, in seconds.
    var waitClassBounds: [Double] {
        guard let (low, high) = waitRange else { return [] }
        let n = Self.waitPalette.count
        return (0...n).map { Self.power10(low + (high - low) * Double($0) / Double(n)) }
    }

    /// The colour of an edge.
    func colour(_ e: Edge) -> String { waitClass(e).map { Self.waitPalette[$0] } ?? Self.neutralColour }

    /// The line width of an edge: 1 to 7, by log frequency relative to the map's most frequent edge.
    func lineWidth(_ e: Edge) -> Double {
        let top = topEdgeFrequency
        guard top > 1 else { return 1 }
        return 1 + 6 * Self.ln(Double(e.frequency)) / Self.ln(Double(top))
    }

    /// The fill of an activity node: from pale to light blue by log frequency.
    func fill(_ node: Node) -> String {
        let top = topActivityFrequency
        let t = top > 1 ? Self.ln(Double(Swift.max(1, node.frequency))) / Self.ln(Double(top)) : 1
        let pale = (0xF2, 0xF7, 0xFC)
        let strong = (0x9E, 0xCA, 0xE1)
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return Self.hex(mix(pale.0, strong.0), mix(pale.1, strong.1), mix(pale.2, strong.2))
    }

    static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [r, g, b] {
            s.append(digits[c / 16])
            s.append(digits[c % 16])
        }
        return s
    }

    static func ln(_ x: Double) -> Double { log(x) }
    static func log10(_ x: Double) -> Double { log(x) / log(10.0) }
    static func power10(_ p: Double) -> Double { pow(10, p) }
}

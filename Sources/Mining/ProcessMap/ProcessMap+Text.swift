extension ProcessMap {
    /// An integer with thousands separators: `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// A number with a fixed count of decimals, rounded half away from zero, without locale or
    /// exponent: `fixed(2.25, decimals: 1)` → `2.3`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 6)
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else { return String(value) }
        let n = UInt64(scaled)
        let unit = UInt64(scale)
        let sign = value < 0 && n != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(n) }
        let fraction = String(n % unit)
        return sign + String(n / unit) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// A duration for people, in s, min, h or d: one decimal under 10 of the unit, none above;
    /// negative for overlapping events (PM4Py's gap definition).
    static func duration(_ seconds: Double) -> String {
        let m = seconds.magnitude
        let (value, unit): (Double, String) =
            m < 60
            ? (seconds, "s")
            : m < 3_600 ? (seconds / 60, "min") : m < 172_800 ? (seconds / 3_600, "h") : (seconds / 86_400, "d")
        return fixed(value, decimals: value.magnitude < 9.95 && unit != "s" ? 1 : 0) + " " + unit
    }

    /// Text for XML content and attribute values: the five special characters as entities, and
    /// the control characters that XML 1.0 forbids as U+FFFD.
    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A Graphviz double-quoted string's contents: backslash and quote escaped, line ends as
    /// `\n`, other control characters as U+FFFD. Escaping the backslash also keeps Graphviz's
    /// own escapes (`\N`, `\G`, `\l`) out of labels taken from the data.
    static func dotEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A name shortened to at most `limit` characters, with an ellipsis.
    static func shortened(_ name: String, limit: Int = 40) -> String {
        name.count <= limit ? name : String(name.prefix(limit - 1)) + "…"
    }

    /// An estimate of a text's width in a sans-serif font: 0.6 em a character, 1 em for wide
    /// (East Asian) ones. Only an estimate, so boxes get a margin.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars { ems += scalar.value >= 0x2E80 ? 1.0 : 0.6 }
        return ems * fontSize
    }

    /// The label of an edge: its frequency, and its median wait between two activities.
    func label(_ e: Edge) -> String {
        guard let median = e.medianSeconds else { return Self.grouped(e.frequency) }
        return Self.grouped(e.frequency) + " · " + Self.duration(median)
    }
}

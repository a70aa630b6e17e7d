import Storage
import _WaybillSupport

/// The case attributes a log can be segmented by, each as a small set of levels with one level
/// code per case: what SLA tables and bottleneck segments group on.
///
/// Text, id and boolean attributes with at most `maxLevels` distinct values become dimensions
/// with their values as levels (sorted by UTF-8). Numeric attributes with at most `maxLevels`
/// distinct values are kept as they are; with more, they are cut at their quartiles into four
/// levels named by their bounds (`[18.99, 32.99)`). Attributes with more distinct values than
/// that (ids such as `customer_id`) and dates are not dimensions: segmenting by them would only
/// find noise.
public struct CaseDimensions: Sendable {
    /// One dimension.
    public struct Dimension: Sendable {
        /// The case attribute's name.
        public var name: String
        /// Level names, by code.
        public var levels: [String]
        /// Per case: the level code, or -1 when the case lacks the attribute.
        public var codes: [Int32]
    }

    /// The dimensions, by name (UTF-8 order).
    public var dimensions: [Dimension]
    /// The largest number of distinct values an attribute may have to be a dimension.
    public var maxLevels: Int

    /// Finds the dimensions of a log's case attributes.
    ///
    /// - Complexity: O(*cases* × *attributes* + sorting each numeric column).
    public init(log: ColumnarLog, maxLevels: Int = 50) {
        var dimensions: [Dimension] = []
        for name in log.caseAttributes.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            if let d = Self.dimension(name: name, values: log.caseAttributes[name]!, maxLevels: maxLevels) {
                dimensions.append(d)
            }
        }
        self.dimensions = dimensions
        self.maxLevels = maxLevels
    }

    /// The dimension named `name`, if the log has it.
    public func dimension(named name: String) -> Dimension? { dimensions.first { $0.name == name } }

    /// A value as a hash key that separates exactly what `AttributeValue.text` separates or
    /// more (a double by its bits, so `-0.0` and NaN are keys like any other), and is cheaper to
    /// hash than the text (no number formatting).
    private enum Key: Hashable {
        case text(String)
        case int(Int64)
        case bits(UInt64)
        case bool(Bool)
    }

    /// The dimension of one attribute column, or nil when it is not one.
    ///
    /// Each case's value is looked up once, by `Key`; only a value seen for the first time is
    /// turned into its text, and values with the same text share a level (as `.int(1)` and
    /// `.string("1")` do).
    ///
    /// - Complexity: O(*cases*) expected, plus sorting a numeric column.
    static func dimension(name: String, values: [AttributeValue?], maxLevels: Int) -> Dimension? {
        var isNumeric = true
        var textOfKey: [Key: Int32] = [:]
        var textIndex: [String: Int32] = [:]
        var texts: [String] = []
        var textOfCase = [Int32](repeating: -1, count: values.count)
        var numbers: [Double] = []
        for (c, value) in values.enumerated() {
            guard let value else { continue }
            let key: Key
            switch value {
            case .date: return nil
            case .int(let v):
                numbers.append(Double(v))
                key = .int(v)
            case .double(let v):
                if v.isFinite { numbers.append(v) }
                key = .bits(v.bitPattern)
            case .string(let v), .id(let v):
                isNumeric = false
                key = .text(v)
            case .bool(let v):
                isNumeric = false
                key = .bool(v)
            }
            guard texts.count <= maxLevels else { continue }
            if let t = textOfKey[key] {
                textOfCase[c] = t
                continue
            }
            let text = value.text
            let t: Int32
            if let known = textIndex[text] {
                t = known
            } else {
                t = Int32(texts.count)
                textIndex[text] = t
                texts.append(text)
            }
            textOfKey[key] = t
            textOfCase[c] = t
        }
        guard !texts.isEmpty else { return nil }
        if texts.count <= maxLevels {
            let order = texts.indices.sorted { i, j in
                let (a, b) = (texts[i], texts[j])
                // Equal numbers with different texts (`0`, `0.0`, `-0.0`) by text, so the order
                // never depends on the order of first appearance or of a hash.
                if isNumeric, let x = Double(a), let y = Double(b), x != y { return x < y }
                return a.utf8.lexicographicallyPrecedes(b.utf8)
            }
            var code = [Int32](repeating: 0, count: texts.count)
            for (level, t) in order.enumerated() { code[t] = Int32(level) }
            return Dimension(
                name: name, levels: order.map { texts[$0] }, codes: textOfCase.map { $0 < 0 ? -1 : code[Int($0)] })
        }
        guard isNumeric, numbers.count >= 8 else { return nil }
        numbers.sort()
        let cuts = Array(Set([0.25, 0.5, 0.75].map { numbers[Int(Double(numbers.count - 1) * $0)] })).sorted()
        let bounds = [numbers.first!] + cuts.filter { $0 > numbers.first! } + [numbers.last!]
        var levels: [String] = []
        for i in 0..<(bounds.count - 1) {
            let closing = i == bounds.count - 2 ? "]" : ")"
            levels.append("[\(AttributeValue.format(bounds[i])), \(AttributeValue.format(bounds[i + 1]))\(closing)")
        }
        let codes = values.map { value -> Int32 in
            guard let x = value?.number, x.isFinite else { return -1 }
            var level = 0
            while level < levels.count - 1 && x >= bounds[level + 1] { level += 1 }
            return Int32(level)
        }
        return Dimension(name: name, levels: levels, codes: codes)
    }
}

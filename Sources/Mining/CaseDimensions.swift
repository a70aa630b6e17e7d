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
    }

    /// The dimension named `name`, if the log has it.
    public func dimension(named name: String) -> Dimension? { dimensions.first { $0.name == name } }

    static func dimension(name: String, values: [AttributeValue?], maxLevels: Int) -> Dimension? {
        var isNumeric = true
        var distinct: [String: Int32] = [:]
        var numbers: [Double] = []
        for value in values {
            guard let value else { continue }
            switch value {
            case .date: return nil
            case .int, .double:
                if let x = value.number, x.isFinite { numbers.append(x) }
            default: isNumeric = false
            }
            if distinct.count <= maxLevels, distinct[value.text] == nil { distinct[value.text] = 0 }
        }
        guard !distinct.isEmpty else { return nil }
        if distinct.count <= maxLevels {
            let levels = distinct.keys.sorted { a, b in
                if isNumeric, let x = Double(a), let y = Double(b) { return x < y }
                return a.utf8.lexicographicallyPrecedes(b.utf8)
            }
            var index: [String: Int32] = [:]
            for (i, level) in levels.enumerated() { index[level] = Int32(i) }
            return Dimension(name: name, levels: levels, codes: values.map { $0.map { index[$0.text]! } ?? -1 })
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

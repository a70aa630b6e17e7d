/// A case attribute column as codes into its distinct text values.
public struct TextCodes: Sendable, Equatable {
    /// The distinct texts, in order of first appearance (by case).
    public var levels: [String]
    /// Per case: the index of its value's text in `levels`, or -1 where the case lacks a value.
    public var codes: [Int32]
}

extension ColumnarLog {
    /// The column `name` as codes into its distinct texts (`AttributeValue.text`), or nil when
    /// the log has no such column.
    ///
    /// Consumers that map each case's text to something (a feature level, a node's slot, a
    /// milestone) do it once per distinct text this way, instead of hashing a string per case.
    /// A log read from the case-view cache has its text columns coded already; otherwise the
    /// codes are made here.
    ///
    /// - Complexity: O(1) for a cached log's text column or one held only as codes; else
    ///   O(*cases*) string hashes.
    public func textCodes(_ name: String) -> TextCodes? {
        if let known = knownTextCodes[name] { return known }
        guard let column = caseAttributes[name] else { return codedCaseAttributes[name] }
        return Self.textCodes(of: column)
    }

    /// Moves each case attribute column of texts only (`.string` or `.id` values, or none) from
    /// `caseAttributes` to `codedCaseAttributes`, as its codes: what a view loaded with
    /// `textsAsCodes` holds.
    ///
    /// - Complexity: O(*cases* × attributes), string hashes for the moved columns.
    public mutating func holdTextsAsCodes() {
        for (name, column) in caseAttributes
        where column.allSatisfy({ value in
            switch value {
            case nil, .string?, .id?: true
            default: false
            }
        }) {
            codedCaseAttributes[name] = Self.textCodes(of: column)
            caseAttributes[name] = nil
        }
    }

    /// Codes `column` by hashing each value's text: the reference `textCodes(_:)` equals.
    ///
    /// - Complexity: O(*cases*) string hashes.
    static func textCodes(of column: [AttributeValue?]) -> TextCodes {
        var index: [String: Int32] = [:]
        var levels: [String] = []
        let codes = column.map { value -> Int32 in
            guard let text = value?.text else { return -1 }
            if let i = index[text] { return i }
            index[text] = Int32(levels.count)
            levels.append(text)
            return Int32(levels.count - 1)
        }
        return TextCodes(levels: levels, codes: codes)
    }
}

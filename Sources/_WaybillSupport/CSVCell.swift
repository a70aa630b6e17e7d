/// Writes values into CSV files that are safe to open in a spreadsheet.
public enum CSVCell {
    /// Quotes a value per RFC 4180 when needed, and neutralises formula injection.
    ///
    /// A cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with a single
    /// quote (OWASP's advice), unless it is a plain number such as `-3.5`, which spreadsheets
    /// read as a number and which must stay one for analysis.
    ///
    /// - Complexity: O(*n*).
    public static func escape(_ value: String) -> String {
        var v = value
        if let first = v.utf8.first, first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40
            || first == 0x09 || first == 0x0D
        {
            if !isPlainNumber(v) { v = "'" + v }
        }
        if v.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    /// Appends `escape(value)`'s UTF-8 bytes to `out`; a value that needs neither quoting nor
    /// neutralising (the common case) is copied as it is, without a new `String`.
    ///
    /// - Complexity: O(*n*).
    public static func append(_ value: String, to out: inout [UInt8]) {
        var value = value
        if value.withUTF8({ isPlain($0) }) {
            value.withUTF8 { out.append(contentsOf: $0) }
        } else {
            out.append(contentsOf: escape(value).utf8)
        }
    }

    /// `append(_:to:)` of a cell given as UTF-8 bytes.
    ///
    /// - Complexity: O(*n*).
    public static func append(utf8 bytes: [UInt8], to out: inout [UInt8]) {
        if bytes.withUnsafeBufferPointer({ isPlain($0) }) {
            out.append(contentsOf: bytes)
        } else {
            out.append(contentsOf: escape(String(decoding: bytes, as: UTF8.self)).utf8)
        }
    }

    /// Whether a cell's bytes need neither quoting nor neutralising: `escape` leaves them as
    /// they are.
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    public static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let c = bytes.first, c == 0x3D || c == 0x2B || c == 0x2D || c == 0x40 || c == 0x09 { return false }
        for c in bytes where c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { return false }
        return true
    }

    /// Escapes a value for CSV without formula neutralisation, for interchange files that other
    /// tools re-import (exports must round-trip exactly).
    public static func quote(_ value: String) -> String {
        if value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    static func isPlainNumber(_ s: String) -> Bool {
        var sawDigit = false
        for (i, c) in s.utf8.enumerated() {
            switch c {
            case 0x30...0x39: sawDigit = true
            case 0x2D, 0x2B: if i != 0 { return false }
            case 0x2E, 0x65, 0x45: continue
            default: return false
            }
        }
        return sawDigit && Double(s) != nil
    }
}

extension String {
    /// Replaces every occurrence (a small helper so support code needs no Foundation import).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

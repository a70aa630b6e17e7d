import Storage
import _WaybillSupport

/// Writes XES attribute values straight from their bytes into attribute JSON, exactly as
/// `AttributeJSON.encode` writes the `AttributeValue.parse(xesType:text:)` of the value's text, or
/// the text as a string when it does not fit its type.
///
/// The hot path of XES ingest: every typed attribute of every event passes through here. The
/// common spellings (plain integers, plain decimals, `true` / `false`) are copied or checked
/// byte by byte; anything else takes the general path through `String`, `AttributeValue` and
/// `AttributeJSON.literal`, so the output is that path's by construction.
enum XESValueWriter {
    /// Appends the JSON value of `text` read as an XES `int`, `float`, `boolean`, `id` or `string`
    /// (not `date`: see ``appendDate(_:to:)``); returns false when the text does not fit the type
    /// (the text is then written as a JSON string, as the importer keeps it).
    ///
    /// - Complexity: O(*n*) in the text's length.
    @inline(__always)
    static func append(_ kind: XESImporter.ElementKind, _ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8])
        -> Bool
    {
        switch kind {
        case .string:
            AttributeJSON.appendString(bytes: text, to: &out)
            return true
        case .int:
            if isPlainInteger(text) {
                out.append(contentsOf: text)
                return true
            }
        case .float:
            if appendPlainFloat(text, to: &out) { return true }
        case .boolean:
            if text.count == 4 && text.equals("true") || text.count == 1 && text[0] == 0x31 {
                out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
                return true
            }
            if text.count == 5 && text.equals("false") || text.count == 1 && text[0] == 0x30 {
                out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
                return true
            }
        case .id:
            out.append(contentsOf: [0x7B, 0x22, 0x24, 0x69, 0x64, 0x22, 0x3A])  // {"$id":
            AttributeJSON.appendString(bytes: text, to: &out)
            out.append(0x7D)
            return true
        default:
            break
        }
        return appendGeneral(kind, text, to: &out)
    }

    /// Whether the text fits the type (what ``append(_:_:to:)`` returns), without writing.
    ///
    /// - Complexity: O(*n*) in the text's length.
    @inline(__always)
    static func fits(_ kind: XESImporter.ElementKind, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .string, .id: return true
        case .int where isPlainInteger(text): return true
        default:
            var scratch: [UInt8] = []
            return append(kind, text, to: &scratch)
        }
    }

    /// Appends a date value, `{"$date":"…"}`.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func appendDate(_ micros: Microseconds, to out: inout [UInt8]) {
        out.append(contentsOf: [0x7B, 0x22, 0x24, 0x64, 0x61, 0x74, 0x65, 0x22, 0x3A, 0x22])  // {"$date":"
        Timestamp.append(micros, to: &out)
        out.append(contentsOf: [0x22, 0x7D])
    }

    /// The general path: parse as the importer always did, write with `AttributeJSON`.
    private static func appendGeneral(
        _ kind: XESImporter.ElementKind, _ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]
    ) -> Bool {
        let string = String(decoding: text, as: UTF8.self)
        guard let value = AttributeValue.parse(xesType: kind.xesType, text: string) else {
            AttributeJSON.appendString(bytes: text, to: &out)
            return false
        }
        var literal = AttributeJSON.literal(value)
        literal.withUTF8 { out.append(contentsOf: $0) }
        return true
    }

    /// `-?[1-9][0-9]{0,17}` or `0`: its own JSON number, the digits `String(Int64(text)!)` gives.
    @inline(__always)
    static func isPlainInteger(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        guard n > 0 else { return false }
        let start = b[0] == 0x2D ? 1 : 0
        let digits = n - start
        guard digits >= 1, digits <= 18 else { return false }
        if b[start] == 0x30 { return n == 1 }  // a leading zero (or -0): not as written
        for i in start..<n where b[i] &- 0x30 > 9 { return false }
        return true
    }

    /// Appends a float written as `AttributeValue.format(Double(text)!)` would write it, for the
    /// spellings where that is the text itself: a plain decimal `-?D+.D+` of at most 15
    /// significant digits (every such decimal is the shortest spelling of its nearest double), an
    /// integer part of at most 9 digits without a leading zero and a value of at least 0.1 (so no
    /// exponent is printed), with trailing fraction zeros dropped; or a whole number
    /// `-?[1-9][0-9]{0,13}` with an optional all-zero fraction, written `n.0`. False (nothing
    /// written) for every other spelling, which takes the general path.
    ///
    /// - Complexity: O(*n*) in the text's length.
    @inline(__always)
    static func appendPlainFloat(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let n = b.count
        guard n > 0 else { return false }
        let bodyStart = b[0] == 0x2D ? 1 : 0
        var i = bodyStart
        while i < n, b[i] &- 0x30 <= 9 { i += 1 }
        let intDigits = i - bodyStart
        guard intDigits >= 1, intDigits <= 14 else { return false }
        let intIsZero = intDigits == 1 && b[bodyStart] == 0x30
        guard intIsZero || b[bodyStart] != 0x30 else { return false }
        if i == n {
            // A whole number: n.0 (0.0 for zero, without a sign).
            if intIsZero {
                guard bodyStart == 0 else { return false }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<n]))
            out.append(contentsOf: [0x2E, 0x30])
            return true
        }
        guard b[i] == 0x2E, i + 1 < n else { return false }
        let dot = i
        i += 1
        var lastNonZero = -1
        while i < n, b[i] &- 0x30 <= 9 {
            if b[i] != 0x30 { lastNonZero = i }
            i += 1
        }
        guard i == n else { return false }
        if lastNonZero < 0 {
            // An all-zero fraction: a whole number.
            guard !intIsZero || bodyStart == 0 else { return false }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<dot]))
            out.append(contentsOf: [0x2E, 0x30])
            return true
        }
        guard intDigits <= 9 else { return false }
        if intIsZero {
            guard b[dot + 1] != 0x30, lastNonZero - dot <= 15 else { return false }
        } else {
            guard intDigits + (lastNonZero - dot) <= 15 else { return false }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0...lastNonZero]))
        return true
    }
}

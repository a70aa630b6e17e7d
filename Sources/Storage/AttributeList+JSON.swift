import _WaybillSupport

/// An ordered list of named attribute values: how events and objects carry their attributes.
public typealias AttributeList = [(key: String, value: AttributeValue)]

/// The store's JSON encoding of attribute lists, written and read without Foundation.
///
/// An object with the keys in their original order; strings, integers, floats (always written
/// with a `.` or an exponent, so `5.0` stays a float), booleans, and the two types JSON lacks as
/// one-key objects: `{"$date":"2011-10-11T11:45:40.276Z"}` and `{"$id":"..."}`. SQLite's JSON
/// functions can query it. Hand-written because `JSONSerialization` loses the integer/float
/// distinction on Linux and `Codable` cannot keep key order.
public enum AttributeJSON {
    /// Encodes a list; nil for an empty list (stored as NULL).
    ///
    /// - Complexity: O(*n*) in the encoded size.
    public static func encode(_ list: AttributeList) -> String? {
        guard !list.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(48 * list.count)
        encode(list, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of a non-empty list to `out` as UTF-8 bytes (nothing for an empty
    /// list): the form the importers' hot paths use, with no `String` per value.
    ///
    /// - Complexity: O(*n*) in the encoded size.
    public static func encode(_ list: AttributeList, into out: inout [UInt8]) {
        guard !list.isEmpty else { return }
        out.append(0x7B)
        for (i, item) in list.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendString(item.key, to: &out)
            out.append(0x3A)
            switch item.value {
            case .string(let s): appendString(s, to: &out)
            case .int(let v): appendInteger(v, to: &out)
            case .double(let v):
                if v.isFinite {
                    appendText(AttributeValue.format(v), to: &out)
                } else {
                    appendText("{\"$float\":\"\(AttributeValue.format(v))\"}", to: &out)
                }
            case .bool(let b): appendText(b ? "true" : "false", to: &out)
            case .date(let t):
                appendText("{\"$date\":\"", to: &out)
                Timestamp.append(t, to: &out)
                appendText("\"}", to: &out)
            case .id(let s):
                appendText("{\"$id\":", to: &out)
                appendString(s, to: &out)
                out.append(0x7D)
            }
        }
        out.append(0x7D)
    }

    @inline(__always)
    private static func appendText(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends an integer's decimal digits, as `String(v)` writes them.
    @inline(__always)
    static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var magnitude = v.magnitude
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[23 - n] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
                n += 1
            } while magnitude > 0
            if v < 0 { out.append(0x2D) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
        }
    }

    /// Appends a JSON string literal for `s` as UTF-8 bytes, quoted and escaped.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString(bytes: $0, to: &out) }
    }

    /// Appends a JSON string literal for UTF-8 bytes, quoted and escaped.
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    public static func appendString(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        var plain = true
        for c in bytes where c < 0x20 || c == 0x22 || c == 0x5C {
            plain = false
            break
        }
        if plain {
            out.append(contentsOf: bytes)
        } else {
            let hex: StaticString = "0123456789abcdef"
            for c in bytes {
                switch c {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0..<0x20:
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex.utf8Start[Int(c >> 4)], hex.utf8Start[Int(c & 15)]])
                default: out.append(c)
                }
            }
        }
        out.append(0x22)
    }

    /// A JSON string literal for `s`, quoted and escaped.
    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON literal for a single value: what `encode` writes for it.
    public static func literal(_ value: AttributeValue) -> String {
        let whole = encode([("", value)])!
        return String(whole.dropFirst(4).dropLast())
    }

    /// Decodes what `encode` wrote; nil input gives an empty list.
    ///
    /// - Throws: `StoreError.invalidInput` for text that is not this encoding.
    /// - Complexity: O(*n*).
    public static func decode(_ text: String?) throws -> AttributeList {
        guard var text, !text.isEmpty else { return [] }
        return try text.withUTF8 { try decode(bytes: $0) }
    }

    /// Decodes what `encode` wrote, from UTF-8 bytes (e.g. a column read in place); empty bytes
    /// give an empty list.
    ///
    /// - Complexity: O(*n*).
    public static func decode(bytes: UnsafeBufferPointer<UInt8>) throws -> AttributeList {
        guard !bytes.isEmpty else { return [] }
        var parser = Parser(bytes: bytes)
        return try parser.object()
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func fail() -> StoreError {
            StoreError(.invalidInput, "stored attributes are not valid JSON at byte \(i)")
        }
        mutating func skip() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 } }
        mutating func expect(_ c: UInt8) throws {
            skip()
            guard i < bytes.count, bytes[i] == c else { throw fail() }
            i += 1
        }

        mutating func object() throws -> AttributeList {
            try expect(0x7B)
            var list: AttributeList = []
            skip()
            if i < bytes.count, bytes[i] == 0x7D { i += 1; return list }
            while true {
                let key = try string()
                try expect(0x3A)
                list.append((key, try value()))
                skip()
                guard i < bytes.count else { throw fail() }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; return list }
                throw fail()
            }
        }

        mutating func value() throws -> AttributeValue {
            skip()
            guard i < bytes.count else { throw fail() }
            switch bytes[i] {
            case 0x22: return .string(try string())
            case 0x74: i += 4; return .bool(true)
            case 0x66: i += 5; return .bool(false)
            case 0x7B:
                try expect(0x7B)
                let tag = try string()
                try expect(0x3A)
                let inner = try string()
                try expect(0x7D)
                switch tag {
                case "$date":
                    guard let t = Timestamp.parseISO(inner) else { throw fail() }
                    return .date(t.micros)
                case "$id": return .id(inner)
                case "$float":
                    guard let v = AttributeValue.parse(xesType: "float", text: inner) else { throw fail() }
                    return v
                default: throw fail()
                }
            default:
                let start = i
                var isFloat = false
                while i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x7D, bytes[i] != 0x20 {
                    if bytes[i] == 0x2E || bytes[i] == 0x65 || bytes[i] == 0x45 { isFloat = true }
                    i += 1
                }
                let token = String(decoding: bytes[start..<i], as: UTF8.self)
                if !isFloat, let v = Int64(token) { return .int(v) }
                guard let d = Double(token) else { throw fail() }
                return .double(d)
            }
        }

        mutating func string() throws -> String {
            try expect(0x22)
            // Fast path: no escapes, so the string is the bytes up to the closing quote.
            var j = i
            while j < bytes.count, bytes[j] != 0x22, bytes[j] != 0x5C { j += 1 }
            if j < bytes.count, bytes[j] == 0x22 {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self)
                i = j + 1
                return text
            }
            var out = [UInt8]()
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == 0x22 { return String(decoding: out, as: UTF8.self) }
                if c != 0x5C { out.append(c); continue }
                guard i < bytes.count else { throw fail() }
                let e = bytes[i]
                i += 1
                switch e {
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw fail() }
                    i += 4
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(e)
                }
            }
            throw fail()
        }
    }
}

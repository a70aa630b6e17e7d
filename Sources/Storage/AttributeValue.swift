import _WaybillSupport

/// A typed attribute value, covering the XES (IEEE 1849) and OCEL 2.0 attribute types.
///
/// XES `list` and `container` values and nested attributes are flattened by the importers into
/// path keys (`parent/child`), so every stored value is one of these scalars.
public enum AttributeValue: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// An instant, in microseconds since the epoch (UTC).
    case date(Microseconds)
    /// An XES `id` (a UUID or other identifier), kept apart from strings so it exports as `id`.
    case id(String)

    /// The XES element name of the value's type (`string`, `int`, `float`, `boolean`, `date`, `id`).
    public var xesType: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .double: "float"
        case .bool: "boolean"
        case .date: "date"
        case .id: "id"
        }
    }

    /// The value as text, as it appears in CSV exports and reports.
    public var text: String {
        switch self {
        case .string(let s), .id(let s): s
        case .int(let v): String(v)
        case .double(let v): AttributeValue.format(v)
        case .bool(let b): b ? "true" : "false"
        case .date(let t): Timestamp.format(t)
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case .int(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    /// Formats a double so it reads back as a double (always a `.` or an exponent).
    public static func format(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "Infinity" : "-Infinity") }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) + ".0" }
        return "\(v)"
    }

    /// Reads a value typed by an XES element name; nil when the text does not fit the type.
    public static func parse(xesType: String, text: String) -> AttributeValue? {
        switch xesType {
        case "string": return .string(text)
        case "id": return .id(text)
        case "int": return Int64(text).map { .int($0) }
        case "float":
            if let v = Double(text) { return .double(v) }
            switch text.lowercased() {
            case "nan": return .double(.nan)
            case "inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            default: return nil
            }
        case "boolean":
            switch text.lowercased() {
            case "true", "1": return .bool(true)
            case "false", "0": return .bool(false)
            default: return nil
            }
        case "date": return Timestamp.parseISO(text).map { .date($0.micros) }
        default: return nil
        }
    }

    /// Infers the type of an untyped text value (a CSV cell): integer, float, boolean, or string.
    ///
    /// Only unambiguous forms are converted: `007` stays a string (a code, not the number 7),
    /// and dates stay strings unless the caller asks for a date.
    public static func infer(_ text: String) -> AttributeValue {
        let utf8 = text.utf8
        guard let first = utf8.first else { return .string(text) }
        if first == 0x74 || first == 0x66 || first == 0x54 || first == 0x46 {
            if text == "true" || text == "True" || text == "TRUE" { return .bool(true) }
            if text == "false" || text == "False" || text == "FALSE" { return .bool(false) }
            return .string(text)
        }
        guard first == 0x2D || first == 0x2B || first == 0x2E || (first >= 0x30 && first <= 0x39) else {
            return .string(text)
        }
        var digitsStart = utf8.startIndex
        if first == 0x2D || first == 0x2B { digitsStart = utf8.index(after: digitsStart) }
        let body = utf8[digitsStart...]
        if body.count > 1, body.first == 0x30, let second = body.dropFirst().first, second != 0x2E {
            return .string(text)  // leading zero: an identifier such as a postcode
        }
        if body.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !body.isEmpty, first != 0x2B {
            if let v = Int64(text) { return .int(v) }
            return .string(text)
        }
        if let v = Double(text), v.isFinite, first != 0x2B { return .double(v) }
        return .string(text)
    }
}

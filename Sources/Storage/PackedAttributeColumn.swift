/// A case attribute column read in place from the case-view cache: per case a type tag and an
/// 8-byte payload (a number, an instant, a flag, or an index into the column's texts), each value
/// made when it is asked for.
///
/// A lean view (`EventStore.loadCaseView(objectType:attributes:eventDetails:textsAsCodes:)`)
/// holds its columns of numbers and instants this way: 9 bytes per case, shared with the cache
/// bytes already read, where `[AttributeValue?]` takes 24 bytes per case and a pass to make.
public struct PackedAttributeColumn: Sendable {
    /// The bytes holding the tags and the payloads (the cache entry's tail, shared by the columns).
    let bytes: [UInt8]
    let tagsAt: Int
    let payloadAt: Int
    /// The texts `.string` and `.id` values index.
    let strings: [String]
    /// The number of cases.
    public let count: Int

    init(bytes: [UInt8], tagsAt: Int, payloadAt: Int, strings: [String], count: Int) {
        precondition(
            tagsAt >= 0 && tagsAt + count <= bytes.count && payloadAt >= 0 && payloadAt + 8 * count <= bytes.count,
            "the column lies within the bytes")
        (self.bytes, self.tagsAt, self.payloadAt, self.strings, self.count) = (bytes, tagsAt, payloadAt, strings, count)
    }

    /// Case `c`'s value, or nil where it has none.
    ///
    /// - Complexity: O(1).
    public subscript(c: Int) -> AttributeValue? {
        precondition(c >= 0 && c < count, "case out of range")
        return bytes.withUnsafeBytes { raw in
            Self.value(
                tag: raw[tagsAt + c],
                payload: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: payloadAt + 8 * c, as: Int64.self)),
                strings: strings)
        }
    }

    /// The values of cases `cases` as numbers (`AttributeValue.number`), NaN where a case has
    /// none or it is not a number: one pass over the bytes, no value made.
    ///
    /// - Complexity: O(`cases.count`).
    public func numbers(ofCases cases: [Int32]) -> [Double] {
        bytes.withUnsafeBytes { raw in
            cases.map { c in
                let c = Int(c)
                precondition(c >= 0 && c < count, "case out of range")
                let p = raw.loadUnaligned(fromByteOffset: payloadAt + 8 * c, as: Int64.self)
                switch raw[tagsAt + c] {
                case 2: return Double(Int64(littleEndian: p))
                case 3: return Double(bitPattern: UInt64(littleEndian: UInt64(bitPattern: p)))
                default: return .nan
                }
            }
        }
    }

    /// The value a cache column's tag and payload stand for (the coding `ColumnarLog.binary()`
    /// writes): 0 none, 1 a text, 2 an integer, 3 a double (its bits), 4 a flag, 5 an instant,
    /// 6 an id; a text's payload is its index in `strings`.
    ///
    /// - Precondition: the tag is one of those, a text's index within `strings`.
    @inline(__always)
    static func value(tag: UInt8, payload p: Int64, strings: [String]) -> AttributeValue? {
        switch tag {
        case 1: .string(strings[Int(p)])
        case 6: .id(strings[Int(p)])
        case 2: .int(p)
        case 3: .double(Double(bitPattern: UInt64(bitPattern: p)))
        case 4: .bool(p != 0)
        case 5: .date(p)
        default: nil
        }
    }
}

/// A case attribute column however a view holds it: as values (`ColumnarLog.caseAttributes`) or
/// packed (`ColumnarLog.packedCaseAttributes`).
public enum CaseAttributeColumn: Sendable {
    case values([AttributeValue?])
    case packed(PackedAttributeColumn)

    /// Case `c`'s value, or nil where it has none.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public subscript(c: Int) -> AttributeValue? {
        switch self {
        case .values(let values): values[c]
        case .packed(let packed): packed[c]
        }
    }

    /// The number of cases.
    public var count: Int {
        switch self {
        case .values(let values): values.count
        case .packed(let packed): packed.count
        }
    }

    /// The values of cases `cases` as numbers (`AttributeValue.number`), NaN where a case has
    /// none or it is not a number.
    ///
    /// - Complexity: O(`cases.count`).
    public func numbers(ofCases cases: [Int32]) -> [Double] {
        switch self {
        case .values(let values): cases.map { values[Int($0)]?.number ?? .nan }
        case .packed(let packed): packed.numbers(ofCases: cases)
        }
    }

    /// The first value in case order, or nil when no case has one.
    ///
    /// - Complexity: O(cases before it).
    public var firstValue: AttributeValue? {
        for c in 0..<count { if let value = self[c] { return value } }
        return nil
    }
}

// A fast, streaming, pull-style XML tokenizer for XES (IEEE 1849) and OCEL 2.0 XML event logs.

// MARK: - Public API

/// A streaming, pull-style XML tokenizer over a chunked UTF-8 byte source.
///
/// Call ``next()`` repeatedly; it returns one ``XMLToken`` at a time and `nil` at the end of the
/// document. The tokenizer checks well-formedness as it goes (tag nesting, a single root
/// element, entity references, quoting, illegal bytes) and throws ``XMLError`` with the 1-based
/// line of the problem.
///
/// We do not use Foundation's `XMLParser`: it is push-style (delegate callbacks through
/// libxml2's SAX layer), allocates bridged strings and an attribute dictionary for every
/// callback, and reads far below the 100 MB/s we need for multi-gigabyte logs. This tokenizer
/// scans raw bytes with table lookups (attribute values eight bytes a step), creates a `String`
/// only for what it returns, interns element and attribute names (they repeat millions of
/// times, so each distinct name is allocated once), and reuses the attribute array's storage
/// when the caller does not keep it. ``nextRaw()`` returns no `String` at all: names and values
/// are read as bytes in the tokenizer's buffer (the XES importer's path).
///
/// Supported: the XML declaration (its `encoding` may be UTF-8/US-ASCII, or ISO-8859-1 /
/// windows-1252, which are transcoded), a UTF-8 byte order mark, comments, processing
/// instructions, a DOCTYPE (skipped, including an internal subset), CDATA sections, namespaced
/// names (kept exactly as written, e.g. `xes:log`), single- or double-quoted attribute values,
/// the five predefined entities and numeric character references, CRLF and CR line ends
/// (normalised to LF in text; tab, CR and LF normalised to a space in attribute values as the
/// XML specification requires). Other UTF-8 bytes are passed through.
///
/// The tokenizer owns its input state: copies of an `XMLTokenizer` share the same underlying
/// reader, so use one value only.
///
/// - Complexity: O(*n*) in the input size; memory is O(largest token + 64 KiB) plus the stack
///   of open elements.
public struct XMLTokenizer {
    private let core: XMLTokenizerCore

    /// Creates a tokenizer that pulls its input from a chunked byte source.
    ///
    /// `source` is called whenever more input is needed until it returns `nil` or an empty
    /// array, after which it is never called again. Chunks may split a token (or a multi-byte
    /// character) anywhere. Errors thrown by `source` propagate unchanged out of ``next()``.
    ///
    /// - Complexity: O(1); no input is read until the first call to ``next()``.
    public init(source: @escaping () throws -> [UInt8]?) {
        core = XMLTokenizerCore(source: source)
    }

    /// Creates a tokenizer over a complete document held in memory.
    ///
    /// Convenience for small inputs and tests; equivalent to a source that delivers `bytes`
    /// as a single chunk.
    ///
    /// - Complexity: O(1) here; the bytes are copied once into the read buffer on first use.
    public init(bytes: [UInt8]) {
        var pending: [UInt8]? = bytes
        self.init(source: {
            defer { pending = nil }
            return pending
        })
    }

    /// Returns the next token, or `nil` once the root element is closed and the input ends.
    ///
    /// Whitespace-only character data is skipped. Character data between two tags is returned
    /// as one ``XMLToken/text(_:)`` token, with CDATA sections merged in and comments and
    /// processing instructions inside it dropped. Once an ``XMLError`` has been thrown, every
    /// later call throws the same error.
    ///
    /// - Throws: ``XMLError`` if the document is not well-formed, or whatever the source throws.
    /// - Complexity: amortised O(length of the token and of the markup skipped before it).
    public mutating func next() throws -> XMLToken? {
        try core.next()
    }

    /// The 1-based line on which the most recently returned token starts.
    ///
    /// For a text token this is the line of the first character after the preceding tag.
    /// Lines are counted by LF bytes (so CRLF files count correctly; old-Mac CR-only files
    /// count as one line).
    ///
    /// - Complexity: amortised O(1) over a full pass: newlines are counted lazily, once each.
    public var line: Int {
        core.line(at: core.lastTokenStart)
    }

    // MARK: Byte-level access

    /// The kind of a token read by ``nextRaw()``; its content is read through the accessors below.
    enum RawToken: Equatable {
        /// A start tag; `selfClosing` for `<name .../>`, which has no end tag.
        case startElement(selfClosing: Bool)
        /// An end tag.
        case endElement
        /// Character data with at least one non-whitespace character, as ``XMLToken/text(_:)``.
        case text
    }

    /// Reads the next token like ``next()``, but makes no `String`: the element name and the
    /// attributes' names and values are read as bytes through ``elementName``,
    /// ``attributeName(at:)`` and ``attributeValue(at:)``, valid until the next call.
    ///
    /// The same scanner and the same well-formedness checks as ``next()`` (which is built on it):
    /// the tokens, errors and lines are the same. Attribute values are decoded (references, and
    /// whitespace normalisation, Latin-1 transcoding) only when they need it.
    ///
    /// - Complexity: amortised O(length of the token and of the markup skipped before it).
    mutating func nextRaw() throws -> RawToken? {
        try core.nextRaw()
    }

    /// The name of the current start or end tag, as written (namespace prefix included).
    ///
    /// In a Latin-1 document the bytes are the undecoded ones.
    ///
    /// - Complexity: O(1).
    var elementName: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: core.bufferStart + core.rawNameStart, count: core.rawNameLength)
    }

    /// The name of the current start or end tag as a `String` (shared, not allocated per tag).
    ///
    /// - Complexity: O(1).
    var elementNameString: String { core.rawName }

    /// The number of attributes of the current start tag.
    ///
    /// - Complexity: O(1).
    var attributeCount: Int { core.rawAttributeCount }

    /// The name of the current start tag's attribute `index`, as written.
    ///
    /// - Complexity: O(1).
    func attributeName(at index: Int) -> UnsafeBufferPointer<UInt8> {
        core.rawAttributeName(index)
    }

    /// The decoded value of the current start tag's attribute `index`.
    ///
    /// - Complexity: O(1).
    func attributeValue(at index: Int) -> UnsafeBufferPointer<UInt8> {
        core.rawAttributeValue(index)
    }

    /// The decoded text of the current text token.
    ///
    /// - Complexity: O(length of the text).
    var text: String { core.rawText() }

    /// The current start tag's attributes as `String`s, as ``next()`` returns them.
    ///
    /// - Complexity: O(total length of the attributes).
    var attributes: [(name: String, value: String)] { core.rawAttributeStrings() }
}

/// One token of an XML document, as produced by ``XMLTokenizer``.
///
/// Names keep their namespace prefix exactly as written (`xes:log` stays `xes:log`); no
/// namespace resolution is done. Attribute values and text have entity and character
/// references decoded.
///
/// - Complexity: Accessors are O(1), except ``attribute(_:)`` which is O(attribute count).
public enum XMLToken: Sendable, Equatable, CustomStringConvertible {
    /// A start tag `<name a="v">`, or an empty-element tag `<name a="v"/>` (`selfClosing`),
    /// which is not followed by an ``endElement(name:)`` token. Attributes are in document order.
    case startElement(name: String, attributes: [(name: String, value: String)], selfClosing: Bool)
    /// An end tag `</name>`.
    case endElement(name: String)
    /// Character data containing at least one non-whitespace character (or reference); CDATA
    /// sections are included verbatim.
    case text(String)

    /// Returns the value of the attribute called `name` on a start element, else `nil`.
    ///
    /// Looks the name up by exact (prefixed) spelling, e.g. `"key"` or `"xmlns:xes"`.
    ///
    /// - Complexity: O(*k*) for *k* attributes on the element.
    public func attribute(_ name: String) -> String? {
        guard case .startElement(_, let attributes, _) = self else { return nil }
        for attribute in attributes where attribute.name == name { return attribute.value }
        return nil
    }

    /// Returns whether two tokens are the same kind with equal names, attributes and text.
    ///
    /// Attributes are compared in order, by name and value.
    ///
    /// - Complexity: O(total length of the names, values and text compared).
    public static func == (lhs: XMLToken, rhs: XMLToken) -> Bool {
        switch (lhs, rhs) {
        case let (.startElement(n1, a1, s1), .startElement(n2, a2, s2)):
            return n1 == n2 && s1 == s2 && a1.count == a2.count
                && zip(a1, a2).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        case let (.endElement(n1), .endElement(n2)):
            return n1 == n2
        case let (.text(t1), .text(t2)):
            return t1 == t2
        default:
            return false
        }
    }

    /// The token as XML-like text, for debugging and test failure messages.
    ///
    /// Values are shown decoded, not re-escaped; text is shown as a quoted Swift string.
    ///
    /// - Complexity: O(size of the token).
    public var description: String {
        switch self {
        case let .startElement(name, attributes, selfClosing):
            let attrs = attributes.map { " \($0.name)=\"\($0.value)\"" }.joined()
            return "<\(name)\(attrs)\(selfClosing ? "/" : "")>"
        case let .endElement(name):
            return "</\(name)>"
        case let .text(text):
            return "text(\(text.debugDescription))"
        }
    }
}

/// A well-formedness error found by ``XMLTokenizer``.
///
/// `line` is the 1-based line where the problem was detected; for an unterminated construct
/// it is the line where the construct starts.
///
/// - Complexity: O(1) to create and inspect.
public struct XMLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// 1-based line of the problem.
    public var line: Int
    /// Human-readable explanation, without the line number.
    public var message: String

    /// Creates an error at `line` with `message`.
    ///
    /// Mostly for tests; the tokenizer creates these itself.
    ///
    /// - Complexity: O(1).
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// "XML error on line N: message".
    ///
    /// Suitable for showing to a user as is.
    ///
    /// - Complexity: O(message length).
    public var description: String { "XML error on line \(line): \(message)" }
}

// MARK: - Byte constants and the character class table

private let cLT: UInt8 = 0x3C  // <
private let cGT: UInt8 = 0x3E  // >
private let cAmp: UInt8 = 0x26  // &
private let cSlash: UInt8 = 0x2F  // /
private let cBang: UInt8 = 0x21  // !
private let cQuestion: UInt8 = 0x3F  // ?
private let cEq: UInt8 = 0x3D  // =
private let cQuot: UInt8 = 0x22  // "
private let cApos: UInt8 = 0x27  // '
private let cSemi: UInt8 = 0x3B  // ;
private let cHash: UInt8 = 0x23  // #
private let cDash: UInt8 = 0x2D  // -
private let cLBracket: UInt8 = 0x5B  // [
private let cRBracket: UInt8 = 0x5D  // ]
private let cLF: UInt8 = 0x0A
private let cCR: UInt8 = 0x0D
private let cTab: UInt8 = 0x09
private let cSpace: UInt8 = 0x20

/// Bit flags of the 256-entry class table.
private let fNameChar: UInt8 = 1
private let fNameStart: UInt8 = 2
private let fSpace: UInt8 = 4  // space, tab, LF, CR
private let fIllegal: UInt8 = 8  // C0 controls other than tab, LF, CR (NUL included)
private let fTextSpecial: UInt8 = 16  // '<', '&', CR, illegal
private let fAttrSpecial: UInt8 = 32  // quotes, '<', '&', tab, LF, CR, illegal

/// Whether `n` bytes at `p` and `q` are equal.
@inline(__always)
private func sameBytes(_ p: UnsafePointer<UInt8>, _ q: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for k in 0..<n where p[k] != q[k] { return false }
    return true
}

/// Whether any of the eight bytes of `w` is a quote, `<`, `&` or below 0x20 (the bytes of an
/// attribute value that `fAttrSpecial` marks), by the classic SWAR zero-byte and less-than
/// tests: exact about whether there is one, which is all the caller asks.
@inline(__always)
private func mayNeedAttention(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & high }
    let special =
        hasZero(w ^ (ones &* 0x22)) | hasZero(w ^ (ones &* 0x27)) | hasZero(w ^ (ones &* 0x3C))
        | hasZero(w ^ (ones &* 0x26)) | ((w &- ones &* 0x20) & ~w & high)
    return special != 0
}

private func makeClassTable() -> UnsafeMutablePointer<UInt8> {
    let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    t.initialize(repeating: 0, count: 256)
    for b in 0..<256 {
        var f: UInt8 = 0
        let isLetter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
        let isDigit = b >= 0x30 && b <= 0x39
        if isLetter || b == 0x5F || b == 0x3A || b >= 0x80 { f |= fNameStart | fNameChar }
        if isDigit || b == 0x2E || b == 0x2D { f |= fNameChar }
        if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { f |= fSpace }
        if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { f |= fIllegal | fTextSpecial | fAttrSpecial }
        if b == 0x3C || b == 0x26 || b == 0x0D { f |= fTextSpecial }
        if b == 0x22 || b == 0x27 || b == 0x3C || b == 0x26 || b == 0x09 || b == 0x0A || b == 0x0D {
            f |= fAttrSpecial
        }
        t[b] = f
    }
    return t
}

// MARK: - Implementation

/// Internal control flow of one tokenizing attempt: either the buffer ran out before the
/// construct was complete (refill and retry from the token start), or a real error.
private enum Stop: Error {
    case needMore
    case fail(XMLError)
}

private enum StepResult {
    case token(XMLTokenizer.RawToken)
    case skip
    case end
}

private enum DocumentState {
    case prolog, inRoot, epilog
}

private struct OpenElement {
    var arenaStart: Int
    var length: Int
    var line: Int
}

/// One attribute of the current start tag: where its name and value are. A value that needed
/// decoding is in `XMLTokenizerCore.decoded`, else in the read buffer.
private struct RawAttribute {
    var nameStart: Int
    var nameLength: Int
    var valueStart: Int
    var valueLength: Int
    var isDecoded: Bool
}

/// An interned name. Names of up to 16 bytes are compared as two packed words; longer ones by
/// hash and then bytewise against their copy in the arena.
private struct InternEntry {
    var w0: UInt64
    var w1: UInt64
    var length: Int
    var offset: Int
    var string: String
}

/// The mutable reader behind ``XMLTokenizer``. Hot loops copy the buffer pointer, length and
/// class table into locals so that they run on registers only. The stored properties opt out
/// of dynamic exclusivity checks: the class is private, never shared across threads, and no
/// method holds an `inout` access to a property across a call that could re-enter it (the
/// source closure cannot reach the tokenizer core).
private final class XMLTokenizerCore {
    private let source: () throws -> [UInt8]?

    // Read buffer: bytes [0, len) are valid; `pos` is the scan position.
    @exclusivity(unchecked) private var buf: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var cap: Int
    @exclusivity(unchecked) private var len = 0
    @exclusivity(unchecked) private var pos = 0
    @exclusivity(unchecked) private var eof = false
    /// Absolute input offset of `buf[0]`.
    @exclusivity(unchecked) private var discarded = 0
    private static let minRead = 64 * 1024

    // Lazy line counting: `countedLine` is the line number at buffer index `countedPos`.
    @exclusivity(unchecked) private var countedPos = 0
    @exclusivity(unchecked) private var countedLine = 1
    @exclusivity(unchecked) fileprivate var lastTokenStart = 0
    @exclusivity(unchecked) private var tokenStart = 0

    private let table: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var state = DocumentState.prolog
    @exclusivity(unchecked) private var atDocumentStart = true
    @exclusivity(unchecked) private var sawDoctype = false
    @exclusivity(unchecked) private var latin1 = false
    @exclusivity(unchecked) private var failure: XMLError?
    @exclusivity(unchecked) private var finished = false

    @exclusivity(unchecked) private var stack: [OpenElement] = []
    @exclusivity(unchecked) private var stackArena: [UInt8] = []
    @exclusivity(unchecked) private var attrs: [(name: String, value: String)] = []
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// The attributes of the current (or, while parsing, the next) start tag.
    @exclusivity(unchecked) private var rawAttrs: UnsafeMutablePointer<RawAttribute>
    @exclusivity(unchecked) private var rawAttrCapacity = 16
    @exclusivity(unchecked) fileprivate var rawAttributeCount = 0
    /// Decoded attribute values of the current start tag (a copy of `scratch`).
    @exclusivity(unchecked) private var decoded: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var decodedCapacity = 256
    /// The current start or end tag's name: where it is in the buffer.
    @exclusivity(unchecked) fileprivate var rawNameStart = 0
    @exclusivity(unchecked) fileprivate var rawNameLength = 0
    /// The current text token's extent in the buffer, and whether it is one plain run.
    @exclusivity(unchecked) private var rawTextStart = 0
    @exclusivity(unchecked) private var rawTextEnd = 0
    @exclusivity(unchecked) private var rawTextSimple = true

    // Name intern table: open addressing over `slots` (indices into `entries`); bytes of long
    // names are kept in `arena`. Once full, further new names are simply not interned.
    private static let slotBits = 12
    private static let maxInterned = 2048
    private static let arenaCapacity = 64 * 1024
    private static let maxInternLength = 64
    private let slots: UnsafeMutablePointer<Int32>
    private let entries: UnsafeMutablePointer<InternEntry>
    @exclusivity(unchecked) private var entryCount = 0
    private let arena: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var arenaUsed = 0
    /// Bytes allocated past `cap` so that names near the end can be read as whole words.
    private static let slack = 16

    init(source: @escaping () throws -> [UInt8]?) {
        self.source = source
        cap = 2 * Self.minRead
        buf = .allocate(capacity: cap + Self.slack)
        table = makeClassTable()
        slots = .allocate(capacity: 1 << Self.slotBits)
        slots.initialize(repeating: -1, count: 1 << Self.slotBits)
        entries = .allocate(capacity: Self.maxInterned)
        arena = .allocate(capacity: Self.arenaCapacity)
        rawAttrs = .allocate(capacity: rawAttrCapacity)
        decoded = .allocate(capacity: decodedCapacity)
        attrs.reserveCapacity(8)
        scratch.reserveCapacity(256)
    }

    deinit {
        buf.deallocate()
        table.deallocate()
        slots.deallocate()
        arena.deallocate()
        entries.deinitialize(count: entryCount)
        entries.deallocate()
        rawAttrs.deallocate()
        decoded.deallocate()
    }

    private func growRawAttributes() {
        let grown = UnsafeMutablePointer<RawAttribute>.allocate(capacity: rawAttrCapacity * 2)
        grown.moveInitialize(from: rawAttrs, count: rawAttrCapacity)
        rawAttrs.deallocate()
        rawAttrs = grown
        rawAttrCapacity *= 2
    }

    // MARK: Raw token access

    fileprivate var bufferStart: UnsafePointer<UInt8> { UnsafePointer(buf) }

    @inline(__always)
    fileprivate func rawAttributeName(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < rawAttributeCount, "attribute index out of range")
        let a = rawAttrs[index]
        return UnsafeBufferPointer(start: buf + a.nameStart, count: a.nameLength)
    }

    @inline(__always)
    fileprivate func rawAttributeValue(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < rawAttributeCount, "attribute index out of range")
        let a = rawAttrs[index]
        return UnsafeBufferPointer(start: (a.isDecoded ? decoded : buf) + a.valueStart, count: a.valueLength)
    }

    /// The current tag's name as a `String`, interned: names repeat, so each distinct one is
    /// allocated once (the byte-level path never asks for it).
    fileprivate var rawName: String { intern(buf + rawNameStart, rawNameLength).string }

    /// The attribute's name as a `String`, interned.
    private func rawAttributeNameString(_ index: Int) -> String {
        let a = rawAttrs[index]
        return intern(buf + a.nameStart, a.nameLength).string
    }

    /// The name of an open element, from the copy of its bytes on the stack arena.
    private func name(of open: OpenElement) -> String {
        stackArena.withUnsafeBufferPointer { a in makeString(a.baseAddress! + open.arenaStart, open.length) }
    }

    fileprivate func rawAttributeStrings() -> [(name: String, value: String)] {
        var list: [(name: String, value: String)] = []
        list.reserveCapacity(rawAttributeCount)
        for k in 0..<rawAttributeCount {
            let a = rawAttrs[k]
            // Decoded values are already UTF-8; buffer bytes may still need Latin-1 transcoding.
            let value =
                a.isDecoded
                ? String(decoding: UnsafeBufferPointer(start: decoded + a.valueStart, count: a.valueLength), as: UTF8.self)
                : makeString(buf + a.valueStart, a.valueLength)
            list.append((name: rawAttributeNameString(k), value: value))
        }
        return list
    }

    fileprivate func rawText() -> String {
        if rawTextSimple { return makeString(buf + rawTextStart, rawTextEnd - rawTextStart) }
        // Validated by `content()` already: decoding it again cannot fail.
        return (try? decodeText(rawTextStart, rawTextEnd)) ?? ""
    }

    // MARK: Driver

    func next() throws -> XMLToken? {
        guard let raw = try nextRaw() else { return nil }
        switch raw {
        case .startElement(let selfClosing):
            // Reuses the array's storage when the caller has dropped the previous token
            // (element-wise removal is much cheaper than the generic removeAll(keepingCapacity:)).
            var list = attrs
            attrs = []
            while !list.isEmpty { list.removeLast() }
            for k in 0..<rawAttributeCount {
                let a = rawAttrs[k]
                let value =
                    a.isDecoded
                    ? String(decoding: UnsafeBufferPointer(start: decoded + a.valueStart, count: a.valueLength), as: UTF8.self)
                    : makeString(buf + a.valueStart, a.valueLength)
                list.append((name: rawAttributeNameString(k), value: value))
            }
            attrs = list
            return .startElement(name: rawName, attributes: list, selfClosing: selfClosing)
        case .endElement:
            return .endElement(name: rawName)
        case .text:
            return .text(rawText())
        }
    }

    func nextRaw() throws -> XMLTokenizer.RawToken? {
        if let failure { throw failure }
        if finished { return nil }
        while true {
            tokenStart = pos
            do throws(Stop) {
                switch try step() {
                case .token(let token):
                    lastTokenStart = tokenStart
                    return token
                case .skip:
                    continue
                case .end:
                    finished = true
                    lastTokenStart = pos
                    return nil
                }
            } catch {
                switch error {
                case .needMore:
                    try refill()
                    pos = tokenStart
                case .fail(let error):
                    failure = error
                    throw error
                }
            }
        }
    }

    /// Drops the bytes before `tokenStart` and appends at least max(64 KiB, pending bytes)
    /// from the source (or sets `eof`). Appending at least as much as is pending makes the
    /// retry-from-token-start strategy linear overall.
    private func refill() throws {
        let keep = tokenStart
        if keep > 0 {
            _ = line(at: keep)
            let remaining = len - keep
            if remaining > 0 {
                UnsafeMutableRawPointer(buf).copyMemory(from: buf + keep, byteCount: remaining)
            }
            len = remaining
            pos -= keep
            tokenStart = 0
            countedPos -= keep
            lastTokenStart = max(0, lastTokenStart - keep)
            discarded += keep
        }
        let want = max(Self.minRead, len)
        var got = 0
        while got < want && !eof {
            guard let chunk = try source(), !chunk.isEmpty else {
                eof = true
                break
            }
            if len + chunk.count > cap {
                var newCap = cap * 2
                while newCap < len + chunk.count { newCap *= 2 }
                let newBuf = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap + Self.slack)
                newBuf.update(from: buf, count: len)
                buf.deallocate()
                buf = newBuf
                cap = newCap
            }
            chunk.withUnsafeBufferPointer { (buf + len).update(from: $0.baseAddress!, count: $0.count) }
            len += chunk.count
            got += chunk.count
        }
    }

    // MARK: Lines and errors

    /// The 1-based line of buffer index `p` (which must still be in the buffer).
    func line(at p: Int) -> Int {
        let p = min(max(p, 0), len)
        if p >= countedPos {
            countedLine += countNewlines(countedPos, p)
            countedPos = p
            return countedLine
        }
        return countedLine - countNewlines(p, countedPos)
    }

    /// Counts LF bytes in `buf[from..<to]`, eight bytes at a time: an exact SWAR zero-byte test
    /// gives 0x80 in each matching byte lane, and lanes are summed in batches of 255 words.
    private func countNewlines(_ from: Int, _ to: Int) -> Int {
        let b = buf
        var n = 0
        var i = from
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let lfs: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while i &+ 8 <= to {
            var lanes: UInt64 = 0
            var k = 0
            while k < 255 && i &+ 8 <= to {
                let x = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) ^ lfs
                lanes &+= (~(((x & low7) &+ low7) | x | low7)) >> 7
                i &+= 8
                k &+= 1
            }
            let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
            n &+= Int((pairs &* 0x0001_0001_0001_0001) >> 48)
        }
        while i < to {
            n &+= b[i] == cLF ? 1 : 0
            i &+= 1
        }
        return n
    }

    private func fail(_ message: String, at p: Int) -> Stop {
        .fail(XMLError(line: line(at: p), message: message))
    }

    /// The buffer ended inside a construct: refill, or fail if the input is exhausted.
    @inline(__always)
    private func short(_ what: String, at p: Int) -> Stop {
        eof ? fail("unterminated \(what)", at: p) : .needMore
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private func illegal(_ byte: UInt8, at p: Int) -> Stop {
        if byte == 0 { return fail("NUL byte: input looks like binary data, not UTF-8 XML", at: p) }
        return fail("illegal control character \(describe(byte)): input looks like binary data", at: p)
    }

    private func unclosedError() -> Stop {
        let open = stack[stack.count - 1]
        return fail("element <\(name(of: open))> opened on line \(open.line) is not closed at end of input", at: len)
    }

    // MARK: Strings

    @inline(__always)
    private func makeString(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        if _slowPath(latin1) { return latin1String(p, n) }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    private func latin1String(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        var s = String()
        s.unicodeScalars.reserveCapacity(n)
        for k in 0..<n { s.unicodeScalars.append(Unicode.Scalar(p[k])) }
        return s
    }

    /// Returns the (shared) `String` for a name, allocating it only the first time it is seen.
    ///
    /// `p` must point into the read buffer (which has `slack` readable bytes past its end).
    /// `id` is the entry index, or -1 if the name was not interned (too long, or table full).
    private func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> (string: String, id: Int) {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var h: UInt64
        if n <= 16 {
            let raw = UnsafeRawPointer(p)
            let a = raw.loadUnaligned(as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            w0 = n >= 8 ? a : a & ((1 &<< UInt64(n &* 8)) &- 1)
            w1 = n >= 16 ? b : n <= 8 ? 0 : b & ((1 &<< UInt64((n &- 8) &* 8)) &- 1)
            h = (w0 ^ (w1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)) &* 0x9E37_79B9_7F4A_7C15
        } else if n <= Self.maxInternLength {
            h = 0xCBF2_9CE4_8422_2325
            for k in 0..<n { h = (h ^ UInt64(p[k])) &* 0x100_0000_01B3 }
            h = (h ^ (h >> 29)) &* 0x9E37_79B9_7F4A_7C15
            w0 = h  // so that most mismatches are rejected without the byte loop
        } else {
            return (makeString(p, n), -1)
        }
        let mask = (1 << Self.slotBits) - 1
        var slot = Int(truncatingIfNeeded: h >> UInt64(64 - Self.slotBits))
        let e = entries
        while true {
            let index = Int(slots[slot])
            if index < 0 { break }
            let entry = e + index
            if entry.pointee.length == n && entry.pointee.w0 == w0 && entry.pointee.w1 == w1 {
                if n <= 16 { return (entry.pointee.string, index) }
                let key = arena + entry.pointee.offset
                var k = 0
                while k < n && key[k] == p[k] { k += 1 }
                if k == n { return (entry.pointee.string, index) }
            }
            slot = (slot + 1) & mask
        }
        let s = makeString(p, n)
        if entryCount < Self.maxInterned && (n <= 16 || arenaUsed + n <= Self.arenaCapacity) {
            var offset = 0
            if n > 16 {
                offset = arenaUsed
                (arena + arenaUsed).update(from: p, count: n)
                arenaUsed += n
            }
            (e + entryCount).initialize(to: InternEntry(w0: w0, w1: w1, length: n, offset: offset, string: s))
            slots[slot] = Int32(entryCount)
            entryCount += 1
            return (s, entryCount - 1)
        }
        return (s, -1)
    }

    // MARK: References

    /// Parses the reference starting at `b[i] == '&'`; returns its code point and the index
    /// after the ';'.
    private func parseReference(at i: Int) throws(Stop) -> (UInt32, Int) {
        let b = buf
        let n = len
        let t = table
        var j = i + 1
        guard j < n else { throw short("reference", at: i) }
        if b[j] == cHash {
            j += 1
            guard j < n else { throw short("reference", at: i) }
            var radix: UInt32 = 10
            if b[j] == 0x78 {  // x
                radix = 16
                j += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while true {
                guard j < n else { throw short("reference", at: i) }
                let c = b[j]
                let d: UInt32
                if c >= 0x30 && c <= 0x39 {
                    d = UInt32(c - 0x30)
                } else if radix == 16 && c >= 0x61 && c <= 0x66 {
                    d = UInt32(c - 0x61 + 10)
                } else if radix == 16 && c >= 0x41 && c <= 0x46 {
                    d = UInt32(c - 0x41 + 10)
                } else {
                    break
                }
                if value <= 0x10FFFF { value = value * radix + d }
                digits += 1
                j += 1
            }
            guard digits > 0, b[j] == cSemi else {
                throw fail("malformed character reference", at: i)
            }
            let valid =
                value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF)
                || (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF)
            guard valid else {
                throw fail("character reference to an illegal character (\(value))", at: i)
            }
            return (value, j + 1)
        }
        let nameStart = j
        while true {
            guard j < n else { throw short("reference", at: i) }
            if t[Int(b[j])] & fNameChar == 0 { break }
            j += 1
            if j - nameStart > 32 { break }
        }
        guard j < n, b[j] == cSemi, j > nameStart else {
            throw fail("'&' must start an entity or character reference (write &amp; for a literal '&')", at: i)
        }
        let k = j - nameStart
        let p = b + nameStart
        var value: UInt32 = 0
        if k == 2 && p[1] == 0x74 && p[0] == 0x6C { value = 0x3C }  // lt
        else if k == 2 && p[1] == 0x74 && p[0] == 0x67 { value = 0x3E }  // gt
        else if k == 3 && p[0] == 0x61 && p[1] == 0x6D && p[2] == 0x70 { value = 0x26 }  // amp
        else if k == 4 && p[0] == 0x61 && p[1] == 0x70 && p[2] == 0x6F && p[3] == 0x73 { value = 0x27 }  // apos
        else if k == 4 && p[0] == 0x71 && p[1] == 0x75 && p[2] == 0x6F && p[3] == 0x74 { value = 0x22 }  // quot
        else {
            let name = makeString(p, k)
            throw fail("unknown entity '&\(name);'", at: i)
        }
        return (value, j + 1)
    }

    @inline(__always)
    private func appendScalar(_ v: UInt32) {
        if v < 0x80 {
            scratch.append(UInt8(v))
        } else if v < 0x800 {
            scratch.append(UInt8(0xC0 | (v >> 6)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            scratch.append(UInt8(0xE0 | (v >> 12)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (v >> 18)))
            scratch.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Decoded bytes in `scratch` as a `String`. Character references were decoded to UTF-8
    /// even in Latin-1 input, so only the literal bytes need transcoding there.
    private func scratchString() -> String {
        scratch.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Steps

    private func step() throws(Stop) -> StepResult {
        let b = buf
        let n = len
        var i = pos
        if i >= n {
            if !eof { throw .needMore }
            if !stack.isEmpty { throw unclosedError() }
            if state == .prolog {
                throw fail(atDocumentStart && discarded + n == 0 ? "empty document" : "no root element", at: n)
            }
            return .end
        }
        if atDocumentStart && discarded + i == 0 {
            if b[0] == 0xEF {
                guard n >= 3 else { throw short("byte order mark", at: 0) }
                if b[1] == 0xBB && b[2] == 0xBF {
                    pos = 3
                    return .skip
                }
            }
            if b[0] == 0xFE || b[0] == 0xFF {
                throw fail("UTF-16 input is not supported; convert the file to UTF-8", at: 0)
            }
        }
        if b[i] != cLT {
            guard state == .inRoot else { return try outsideText() }
            // Whitespace between two tags, the common case: skipped here, the tag read at once,
            // and the token starts at the tag (for its line).
            let t = table
            var j = i
            while j < n && t[Int(b[j])] & fSpace != 0 { j &+= 1 }
            guard j + 1 < n && b[j] == cLT && b[j + 1] != cBang && b[j + 1] != cQuestion else { return try content() }
            i = j
            pos = j
            tokenStart = j
        }
        guard i + 1 < n else { throw short("tag", at: i) }
        let c = b[i + 1]
        if c == cSlash { return try endTag() }
        if c == cBang || c == cQuestion {
            if state == .inRoot { return try content() }
            return try misc()
        }
        return try startTag()
    }

    /// Whitespace (only) outside the root element.
    private func outsideText() throws(Stop) -> StepResult {
        let b = buf
        let n = len
        let t = table
        var i = pos
        while i < n {
            let c = b[i]
            if c == cLT { break }
            if t[Int(c)] & fSpace == 0 {
                if t[Int(c)] & fIllegal != 0 { throw illegal(c, at: i) }
                throw fail(
                    state == .epilog
                        ? "garbage after the root element" : "text before the root element", at: i)
            }
            i += 1
        }
        if i > pos { atDocumentStart = false }
        pos = i
        return .skip
    }

    /// Comments, processing instructions, the XML declaration and DOCTYPE outside the root.
    private func misc() throws(Stop) -> StepResult {
        let b = buf
        let n = len
        let i = pos
        if b[i + 1] == cQuestion {
            let end = try skipPI(at: i)
            // The XML declaration: "<?xml" followed by whitespace.
            if end - i >= 7 && b[i + 2] == 0x78 && b[i + 3] == 0x6D && b[i + 4] == 0x6C
                && table[Int(b[i + 5])] & fSpace != 0
            {
                guard atDocumentStart else {
                    throw fail("the XML declaration is only allowed at the start of the document", at: i)
                }
                try readDeclaration(from: i + 5, to: end - 2)
            }
            atDocumentStart = false
            pos = end
            return .skip
        }
        guard i + 3 < n else { throw short("markup declaration", at: i) }
        if b[i + 2] == cDash && b[i + 3] == cDash {
            pos = try skipComment(at: i)
            atDocumentStart = false
            return .skip
        }
        guard i + 9 <= n else { throw short("markup declaration", at: i) }
        if matches(i + 2, "DOCTYPE") && table[Int(b[i + 9])] & fSpace != 0 {
            guard state == .prolog, !sawDoctype else {
                throw fail(state == .prolog ? "second DOCTYPE" : "DOCTYPE after the root element", at: i)
            }
            sawDoctype = true
            pos = try skipDoctype(at: i)
            atDocumentStart = false
            return .skip
        }
        if matches(i + 2, "[CDATA[") {
            throw fail(
                state == .epilog ? "garbage after the root element (CDATA)" : "CDATA section before the root element",
                at: i)
        }
        throw fail("unexpected markup '<!'", at: i)
    }

    @inline(__always)
    private func matches(_ at: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard at + count <= len else { return false }
        let p = literal.utf8Start
        for k in 0..<count where buf[at + k] != p[k] { return false }
        return true
    }

    private func readDeclaration(from: Int, to: Int) throws(Stop) {
        let text = String(decoding: UnsafeBufferPointer(start: buf + from, count: to - from), as: UTF8.self)
        guard let r = text.firstRange(of: "encoding") else { return }
        var rest = text[r.upperBound...].drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard rest.first == "=" else { return }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return }
        rest = rest.dropFirst()
        let encoding = String(rest.prefix(while: { $0 != quote })).lowercased()
        switch encoding {
        case "utf-8", "utf8", "us-ascii", "ascii":
            break
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
            latin1 = true
        default:
            throw fail("unsupported encoding '\(encoding)'; only UTF-8 and ISO-8859-1 are supported", at: from)
        }
    }

    /// Returns the index after "?>" of the processing instruction at `i`.
    private func skipPI(at i: Int) throws(Stop) -> Int {
        let b = buf
        let n = len
        let t = table
        var j = i + 2
        while true {
            guard j + 1 < n else { throw short("processing instruction", at: i) }
            let c = b[j]
            if c == cQuestion && b[j + 1] == cGT { return j + 2 }
            if t[Int(c)] & fIllegal != 0 { throw illegal(c, at: j) }
            j += 1
        }
    }

    /// Returns the index after "-->" of the comment at `i`.
    private func skipComment(at i: Int) throws(Stop) -> Int {
        let b = buf
        let n = len
        let t = table
        var j = i + 4
        while true {
            guard j + 2 < n else { throw short("comment", at: i) }
            let c = b[j]
            if c == cDash && b[j + 1] == cDash {
                if b[j + 2] == cGT { return j + 3 }
                throw fail("'--' is not allowed inside a comment", at: j)
            }
            if t[Int(c)] & fIllegal != 0 { throw illegal(c, at: j) }
            j += 1
        }
    }

    /// Returns the index after "]]>" of the CDATA section at `i`, and whether its content has
    /// non-whitespace.
    private func skipCDATA(at i: Int) throws(Stop) -> (Int, Bool) {
        let b = buf
        let n = len
        let t = table
        var j = i + 9
        var hasContent = false
        while true {
            guard j + 2 < n else { throw short("CDATA section", at: i) }
            let c = b[j]
            if c == cRBracket && b[j + 1] == cRBracket && b[j + 2] == cGT { return (j + 3, hasContent) }
            let f = t[Int(c)]
            if f & fIllegal != 0 { throw illegal(c, at: j) }
            if f & fSpace == 0 { hasContent = true }
            j += 1
        }
    }

    /// Returns the index after the '>' closing the DOCTYPE at `i` (internal subset included).
    private func skipDoctype(at i: Int) throws(Stop) -> Int {
        let b = buf
        let n = len
        var j = i + 9
        var quote: UInt8 = 0
        var depth = 0
        while true {
            guard j < n else { throw short("DOCTYPE", at: i) }
            let c = b[j]
            if c == 0 { throw illegal(c, at: j) }
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == cQuot || c == cApos {
                quote = c
            } else if c == cLBracket {
                depth += 1
            } else if c == cRBracket {
                depth -= 1
            } else if c == cGT && depth <= 0 {
                return j + 1
            }
            j += 1
        }
    }

    /// Character data inside the root element, up to the next start or end tag. Comments and
    /// processing instructions are dropped and CDATA sections merged in.
    private func content() throws(Stop) -> StepResult {
        let b = buf
        let n = len
        let t = table
        let start = pos
        var i = start
        var hasContent = false
        var simple = true  // one contiguous run with no references and no CR
        scan: while true {
            guard i < n else {
                if eof { throw unclosedError() }
                throw .needMore
            }
            let c = b[i]
            let f = t[Int(c)]
            if f & (fTextSpecial | fSpace) == 0 {
                hasContent = true
                i += 1
                continue
            }
            if f & fTextSpecial == 0 {
                i += 1
                continue
            }
            switch c {
            case cLT:
                guard i + 1 < n else { throw short("tag", at: i) }
                let d = b[i + 1]
                if d == cQuestion {
                    i = try skipPI(at: i)
                    simple = false
                } else if d == cBang {
                    guard i + 3 < n else { throw short("markup declaration", at: i) }
                    if b[i + 2] == cDash && b[i + 3] == cDash {
                        i = try skipComment(at: i)
                    } else {
                        guard i + 9 <= n else { throw short("markup declaration", at: i) }
                        guard matches(i + 2, "[CDATA[") else {
                            throw fail("unexpected markup '<!' inside an element", at: i)
                        }
                        let (end, cdataContent) = try skipCDATA(at: i)
                        i = end
                        hasContent = hasContent || cdataContent
                    }
                    simple = false
                } else {
                    break scan
                }
            case cAmp:
                i = try parseReference(at: i).1
                hasContent = true
                simple = false
            case cCR:
                i += 1
                simple = false
            default:
                throw illegal(c, at: i)
            }
        }
        pos = i
        guard hasContent else { return .skip }
        rawTextStart = start
        rawTextEnd = i
        rawTextSimple = simple
        return .token(.text)
    }

    /// Decodes a text run already validated by `content()`.
    private func decodeText(_ start: Int, _ end: Int) throws(Stop) -> String {
        let b = buf
        scratch.removeAll(keepingCapacity: true)
        var i = start
        while i < end {
            let c = b[i]
            if c == cLT {
                let d = b[i + 1]
                if d == cQuestion {
                    i = try skipPI(at: i)
                } else if b[i + 2] == cDash {
                    i = try skipComment(at: i)
                } else {
                    let (after, _) = try skipCDATA(at: i)
                    var k = i + 9
                    while k < after - 3 {
                        appendLiteral(b, &k, after - 3)
                    }
                    i = after
                }
            } else if c == cAmp {
                let (v, after) = try parseReference(at: i)
                appendScalar(v)
                i = after
            } else {
                appendLiteral(b, &i, end)
            }
        }
        return scratchString()
    }

    /// Appends the literal byte at `i` (CRLF/CR become LF; Latin-1 transcoded) and advances.
    @inline(__always)
    private func appendLiteral(_ b: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int) {
        let c = b[i]
        if c == cCR {
            scratch.append(cLF)
            if i + 1 < end && b[i + 1] == cLF { i += 1 }
        } else if latin1 && c >= 0x80 {
            appendScalar(UInt32(c))
        } else {
            scratch.append(c)
        }
        i += 1
    }

    private func startTag() throws(Stop) -> StepResult {
        let b = buf
        let n = len
        let t = table
        let start = pos
        if state == .epilog { throw fail("garbage after the root element", at: start) }
        var i = start + 1
        guard t[Int(b[i])] & fNameStart != 0 else {
            throw fail("expected an element name after '<', found \(describe(b[i]))", at: i)
        }
        let nameStart = i
        while i < n && t[Int(b[i])] & fNameChar != 0 { i += 1 }
        guard i < n else { throw short("start tag", at: start) }
        let nameEnd = i
        var name: String { makeString(b + nameStart, nameEnd - nameStart) }  // for error messages
        var count = 0
        if !scratch.isEmpty { scratch.removeAll(keepingCapacity: true) }  // the generic path is not free
        let selfClosing: Bool
        while true {
            let wsStart = i
            while i < n && t[Int(b[i])] & fSpace != 0 { i += 1 }
            guard i < n else { throw short("start tag", at: start) }
            let c = b[i]
            if c == cGT {
                i += 1
                selfClosing = false
                break
            }
            if c == cSlash {
                guard i + 1 < n else { throw short("start tag", at: start) }
                guard b[i + 1] == cGT else { throw fail("expected '>' after '/' in a tag", at: i) }
                i += 2
                selfClosing = true
                break
            }
            guard t[Int(c)] & fNameStart != 0 else {
                if t[Int(c)] & fIllegal != 0 { throw illegal(c, at: i) }
                if c == cLT { throw fail("unterminated start tag <\(name)> ('<' inside a tag)", at: i) }
                throw fail("unexpected \(describe(c)) in start tag <\(name)>", at: i)
            }
            guard i > wsStart else { throw fail("attributes must be separated by whitespace", at: i) }
            let attrStart = i
            while i < n && t[Int(b[i])] & fNameChar != 0 { i += 1 }
            let attrEnd = i
            while i < n && t[Int(b[i])] & fSpace != 0 { i += 1 }
            guard i < n else { throw short("start tag", at: start) }
            guard b[i] == cEq else {
                throw fail("expected '=' after attribute name in start tag <\(name)>", at: i)
            }
            i += 1
            while i < n && t[Int(b[i])] & fSpace != 0 { i += 1 }
            guard i < n else { throw short("start tag", at: start) }
            let quote = b[i]
            guard quote == cQuot || quote == cApos else {
                throw fail("attribute value must be quoted in start tag <\(name)>", at: i)
            }
            i += 1
            let valueStart = i
            var plain = true
            while true {
                // Eight bytes a step while none can end the value or need decoding.
                while i &+ 8 <= n && !mayNeedAttention(UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)) {
                    i &+= 8
                }
                guard i < n else { throw short("attribute value", at: valueStart - 1) }
                let v = b[i]
                if t[Int(v)] & fAttrSpecial == 0 {
                    i += 1
                    continue
                }
                if v == quote { break }
                switch v {
                case cQuot, cApos:
                    i += 1
                case cLT:
                    throw fail("'<' is not allowed in an attribute value", at: i)
                case cAmp:
                    i = try parseReference(at: i).1
                    plain = false
                case cTab, cLF, cCR:
                    i += 1
                    plain = false
                default:
                    throw illegal(v, at: i)
                }
            }
            let valueEnd = i
            i += 1
            let attrLength = attrEnd - attrStart
            // Start tags have few attributes: comparing bytes beats hashing each name.
            for k in 0..<count {
                let other = rawAttrs[k]
                if other.nameLength == attrLength && sameBytes(b + other.nameStart, b + attrStart, attrLength) {
                    let attrName = makeString(b + attrStart, attrLength)
                    throw fail("duplicate attribute '\(attrName)' in start tag <\(name)>", at: attrStart)
                }
            }
            if count == rawAttrCapacity { growRawAttributes() }
            if plain && !latin1 {
                rawAttrs[count] = RawAttribute(
                    nameStart: attrStart, nameLength: attrLength, valueStart: valueStart,
                    valueLength: valueEnd - valueStart, isDecoded: false)
            } else {
                let offset = scratch.count
                try decodeAttribute(valueStart, valueEnd)
                rawAttrs[count] = RawAttribute(
                    nameStart: attrStart, nameLength: attrLength, valueStart: offset,
                    valueLength: scratch.count - offset, isDecoded: true)
            }
            count += 1
        }
        if !scratch.isEmpty {
            if scratch.count > decodedCapacity {
                decoded.deallocate()
                decodedCapacity = max(scratch.count, decodedCapacity * 2)
                decoded = .allocate(capacity: decodedCapacity)
            }
            scratch.withUnsafeBufferPointer { decoded.update(from: $0.baseAddress!, count: $0.count) }
        }
        rawAttributeCount = count
        rawNameStart = nameStart
        rawNameLength = nameEnd - nameStart
        pos = i
        if !selfClosing {
            let arenaStart = stackArena.count
            stackArena.append(contentsOf: UnsafeBufferPointer(start: b + nameStart, count: nameEnd - nameStart))
            stack.append(
                OpenElement(arenaStart: arenaStart, length: nameEnd - nameStart, line: line(at: start)))
            state = .inRoot
        } else if state == .prolog {
            state = .epilog
        }
        atDocumentStart = false
        return .token(.startElement(selfClosing: selfClosing))
    }

    /// Appends an attribute value already validated by `startTag()`, decoded, to `scratch`.
    private func decodeAttribute(_ start: Int, _ end: Int) throws(Stop) {
        let b = buf
        var i = start
        while i < end {
            let c = b[i]
            switch c {
            case cAmp:
                let (v, after) = try parseReference(at: i)
                appendScalar(v)
                i = after
            case cCR:
                scratch.append(cSpace)
                if i + 1 < end && b[i + 1] == cLF { i += 1 }
                i += 1
            case cTab, cLF:
                scratch.append(cSpace)
                i += 1
            default:
                if latin1 && c >= 0x80 { appendScalar(UInt32(c)) } else { scratch.append(c) }
                i += 1
            }
        }
    }

    private func endTag() throws(Stop) -> StepResult {
        let b = buf
        let n = len
        let t = table
        let start = pos
        var i = start + 2
        guard i < n else { throw short("end tag", at: start) }
        guard t[Int(b[i])] & fNameStart != 0 else {
            throw fail("expected an element name after '</', found \(describe(b[i]))", at: i)
        }
        let nameStart = i
        while i < n && t[Int(b[i])] & fNameChar != 0 { i += 1 }
        let nameEnd = i
        while i < n && t[Int(b[i])] & fSpace != 0 { i += 1 }
        guard i < n else { throw short("end tag", at: start) }
        var written: String { makeString(b + nameStart, nameEnd - nameStart) }
        guard b[i] == cGT else { throw fail("expected '>' to close end tag </\(written)", at: i) }
        i += 1
        guard let open = stack.last else {
            throw fail(
                state == .epilog
                    ? "garbage after the root element (end tag </\(written)>)"
                    : "end tag </\(written)> without a start tag", at: start)
        }
        var same = open.length == nameEnd - nameStart
        if same {
            stackArena.withUnsafeBufferPointer { a in
                for k in 0..<open.length where a[open.arenaStart + k] != b[nameStart + k] {
                    same = false
                    break
                }
            }
        }
        guard same else {
            throw fail(
                "mismatched end tag: expected </\(name(of: open))> (opened on line \(open.line)), found </\(written)>",
                at: start)
        }
        stack.removeLast()
        stackArena.removeLast(open.length)
        if stack.isEmpty { state = .epilog }
        pos = i
        rawNameStart = nameStart
        rawNameLength = nameEnd - nameStart
        return .token(.endElement)
    }
}

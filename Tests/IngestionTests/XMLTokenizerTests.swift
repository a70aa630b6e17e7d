import Foundation
import Testing

@testable import Ingestion

#if canImport(FoundationXML)
    import FoundationXML
#endif

// MARK: - Helpers

/// A source that hands out `bytes` in chunks of `size` (the whole input when `size` is nil).
private func chunkedSource(_ bytes: [UInt8], _ size: Int?) -> () -> [UInt8]? {
    var offset = 0
    return {
        guard offset < bytes.count else { return nil }
        let end = size.map { min(offset + $0, bytes.count) } ?? bytes.count
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// All tokens of `bytes`, each with the line reported for it.
private func tokensWithLines(_ bytes: [UInt8], chunkSize: Int? = nil) throws -> [(XMLToken, Int)] {
    var tokenizer = XMLTokenizer(source: chunkedSource(bytes, chunkSize))
    var result: [(XMLToken, Int)] = []
    while let token = try tokenizer.next() { result.append((token, tokenizer.line)) }
    return result
}

private func tokens(_ document: String, chunkSize: Int? = nil) throws -> [XMLToken] {
    try tokensWithLines(Array(document.utf8), chunkSize: chunkSize).map(\.0)
}

/// The error thrown while tokenizing `document`, or nil if it is well-formed.
private func firstError(in document: [UInt8], chunkSize: Int? = nil) -> XMLError? {
    do {
        _ = try tokensWithLines(document, chunkSize: chunkSize)
        return nil
    } catch let error as XMLError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

private func start(_ name: String, _ attributes: [(String, String)] = [], selfClosing: Bool = false) -> XMLToken {
    .startElement(name: name, attributes: attributes.map { (name: $0.0, value: $0.1) }, selfClosing: selfClosing)
}

/// The running example log: the project's fixture copy if present, else the shared data set.
private let runningExampleURL: URL? = {
    let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    let candidates = [
        tests.appendingPathComponent("Fixtures/running-example.xes"),
        tests.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/data/running-example.xes"),
        URL(fileURLWithPath: "/work/shared/data/running-example.xes"),
    ]
    return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
}()

/// A document exercising most of the syntax, used for the chunk-boundary tests.
private let richDocument = """
    \u{FEFF}<?xml version="1.0" encoding="UTF-8" ?>
    <!DOCTYPE log [ <!ELEMENT log ANY> <!ATTLIST log a CDATA "x>y"> ]>
    <!-- OpenXES generated -->
    <?pi some data?>
    <xes:log xmlns:xes="http://www.xes-standard.org/" xes.version='1.0'>\r
      <string key="concept:name" value="Ärger &amp; Co &#x41;&#66;"/>
      <trace>
        <event>
          <date key="time:timestamp" value="2010-12-30T14:32:00.000+01:00" />
          <string key='org:resource' value='Pete "P" &lt;3'/>
        </event>
        <attribute name="weight">  12.5 <!-- kg --> </attribute>
        <note><![CDATA[<raw> & ]]]]><![CDATA[>]]> tail &#x20AC;</note>
        <empty></empty>
      </trace>
    </xes:log>
    <!-- trailing comment -->

    """

// MARK: - Well-formed documents

@Test func smallXESDocumentTokenByToken() throws {
    let doc = """
        <?xml version='1.0' encoding='UTF-8'?>
        <log xes.version="1.0">
          <extension name="Concept" prefix="concept" uri="http://x/concept.xesext"/>
          <trace>
            <string key="concept:name" value="3"/>
            <event>
              <string key="concept:name" value="register request"/>
              <date key="time:timestamp" value="2010-12-30T14:32:00.000+01:00"/>
            </event>
          </trace>
        </log>
        """
    let result = try tokensWithLines(Array(doc.utf8))
    let expected: [(XMLToken, Int)] = [
        (start("log", [("xes.version", "1.0")]), 2),
        (start("extension", [("name", "Concept"), ("prefix", "concept"), ("uri", "http://x/concept.xesext")], selfClosing: true), 3),
        (start("trace"), 4),
        (start("string", [("key", "concept:name"), ("value", "3")], selfClosing: true), 5),
        (start("event"), 6),
        (start("string", [("key", "concept:name"), ("value", "register request")], selfClosing: true), 7),
        (start("date", [("key", "time:timestamp"), ("value", "2010-12-30T14:32:00.000+01:00")], selfClosing: true), 8),
        (.endElement(name: "event"), 9),
        (.endElement(name: "trace"), 10),
        (.endElement(name: "log"), 11),
    ]
    #expect(result.map(\.0) == expected.map(\.0))
    #expect(result.map(\.1) == expected.map(\.1))
    #expect(result[1].0.attribute("prefix") == "concept")
    #expect(result[1].0.attribute("missing") == nil)
}

@Test func endOfInputIsSticky() throws {
    var tokenizer = XMLTokenizer(bytes: Array("<a/>".utf8))
    #expect(try tokenizer.next() == start("a", selfClosing: true))
    #expect(try tokenizer.next() == nil)
    #expect(try tokenizer.next() == nil)
}

@Test func namespacedNamesAndQuotesAreKeptAsWritten() throws {
    let doc = #"<ocel:log xmlns:ocel="urn:ocel" a='say "hi"' b="it's"><ocel:x/></ocel:log>"#
    #expect(
        try tokens(doc) == [
            start("ocel:log", [("xmlns:ocel", "urn:ocel"), ("a", #"say "hi""#), ("b", "it's")]),
            start("ocel:x", selfClosing: true),
            .endElement(name: "ocel:log"),
        ])
}

@Test func entitiesAndCharacterReferences() throws {
    let doc = #"<a v="&lt;&gt;&amp;&apos;&quot; &#10;&#x41;&#X42;&#233;&#x1F600;">&lt;b&gt; &amp; &#x20AC;&#8364;</a>"#
    // "&#X42;" is not a reference (the x must be lower case), so check it fails separately.
    #expect(throws: XMLError.self) { try tokens(doc) }

    let ok = #"<a v="&lt;&gt;&amp;&apos;&quot; &#10;&#x41;&#233;&#x1F600;">&lt;b&gt; &amp; &#x20AC;&#8364;</a>"#
    #expect(
        try tokens(ok) == [
            start("a", [("v", "<>&'\" \nA\u{E9}\u{1F600}")]),
            .text("<b> & \u{20AC}\u{20AC}"),
            .endElement(name: "a"),
        ])
}

@Test func lineEndsAndAttributeWhitespaceAreNormalised() throws {
    let doc = "<a v=\"x\r\ny\tz\nw\">line1\r\nline2\rline3</a>"
    #expect(
        try tokens(doc) == [
            start("a", [("v", "x y z w")]),
            .text("line1\nline2\nline3"),
            .endElement(name: "a"),
        ])
    let crlf = "<a>\r\n<b/>\r\n<c\r\nx=\"1\"/>\r\n</a>"
    let lines = try tokensWithLines(Array(crlf.utf8)).map(\.1)
    #expect(lines == [1, 2, 3, 5])
}

@Test func utf8IsPassedThrough() throws {
    let doc = "<日誌 属性=\"値 ✓ 🚀\">Ünïcödé text</日誌>"
    #expect(
        try tokens(doc) == [
            start("日誌", [("属性", "値 ✓ 🚀")]),
            .text("Ünïcödé text"),
            .endElement(name: "日誌"),
        ])
}

@Test func latin1DeclaredInputIsTranscoded() throws {
    var bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a v=\"".utf8)
    bytes += [0xC4, 0x72, 0x67, 0x65, 0x72]  // "Ärger" in Latin-1
    bytes += Array("\">caf".utf8) + [0xE9] + Array("&amp;</a>".utf8)
    let result = try tokensWithLines(bytes).map(\.0)
    #expect(result == [start("a", [("v", "Ärger")]), .text("café&"), .endElement(name: "a")])
}

@Test func cdataBecomesText() throws {
    #expect(
        try tokens("<a><![CDATA[<x> & y]]></a>") == [start("a"), .text("<x> & y"), .endElement(name: "a")])
    // CDATA is merged with surrounding character data; "]]" may appear inside.
    #expect(
        try tokens("<a>one <![CDATA[two ]] ]]> three</a>")
            == [start("a"), .text("one two ]]  three"), .endElement(name: "a")])
    // Whitespace-only CDATA is dropped like whitespace-only text.
    #expect(try tokens("<a> <![CDATA[ \n ]]> </a>") == [start("a"), .endElement(name: "a")])
    // CDATA content is not entity-decoded.
    #expect(try tokens("<a><![CDATA[&amp;]]></a>") == [start("a"), .text("&amp;"), .endElement(name: "a")])
}

@Test func commentsProcessingInstructionsAndDoctypeAreSkipped() throws {
    let doc = """
        <?xml version="1.0"?>
        <!-- a comment with <tags> & ampersands -->
        <!DOCTYPE log SYSTEM "log.dtd" [
          <!ENTITY e "]>">
        ]>
        <?processing instruction?>
        <log><!----><?pi?>text<!-- in --> more<?x y?></log>
        <!-- after -->
        <?after?>
        """
    #expect(try tokens(doc) == [start("log"), .text("text more"), .endElement(name: "log")])
    #expect(try tokens("<a><!-- only a comment --></a>") == [start("a"), .endElement(name: "a")])
}

@Test func whitespaceOnlyTextIsSkippedButOtherTextIsKeptVerbatim() throws {
    #expect(
        try tokens("<a>\n\t <b> x </b>\n</a>") == [
            start("a"), start("b"), .text(" x "), .endElement(name: "b"), .endElement(name: "a"),
        ])
}

@Test(arguments: [1, 2, 3, 7, 13, 64, 4096])
func chunkBoundariesDoNotChangeTheTokens(chunkSize: Int) throws {
    let bytes = Array(richDocument.utf8)
    let whole = try tokensWithLines(bytes)
    let chunked = try tokensWithLines(bytes, chunkSize: chunkSize)
    #expect(chunked.map(\.0) == whole.map(\.0))
    #expect(chunked.map(\.1) == whole.map(\.1))
    #expect(whole.count == 17)
    #expect(whole.first?.0 == start("xes:log", [("xmlns:xes", "http://www.xes-standard.org/"), ("xes.version", "1.0")]))
    #expect(whole.contains { $0.0 == .text("<raw> & ]]> tail \u{20AC}") })
    #expect(whole.contains { $0.0 == .text("  12.5  ") })
    #expect(whole.contains { $0.0 == start("string", [("key", "concept:name"), ("value", "Ärger & Co AB")], selfClosing: true) })

    if let url = runningExampleURL {
        let file = try [UInt8](Data(contentsOf: url))
        #expect(try tokensWithLines(file, chunkSize: chunkSize).map(\.0) == tokensWithLines(file).map(\.0))
    }
}

@Test func largeTokensSpanManyRefills() throws {
    // Text and attribute values far larger than the 64 KiB read size.
    let big = String(repeating: "abcdefghij", count: 30_000)
    let doc = "<a v=\"\(big)\">\(big)&amp;<![CDATA[\(big)]]></a>"
    for size in [4096, 100_000, nil] {
        let result = try tokens(doc, chunkSize: size)
        #expect(result == [start("a", [("v", big)]), .text(big + "&" + big), .endElement(name: "a")])
    }
}

@Test func sourceErrorsPropagateUnchanged() throws {
    struct Boom: Error {}
    var calls = 0
    var tokenizer = XMLTokenizer(source: {
        calls += 1
        if calls == 1 { return Array("<a><b/>".utf8) }
        throw Boom()
    })
    #expect(throws: Boom.self) { _ = try tokenizer.next() }
}

// MARK: - Malformed documents

struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var document: [UInt8]
    var line: Int
    var fragment: String
    var testDescription: String { name }

    init(_ name: String, _ document: String, line: Int, _ fragment: String) {
        self.init(name, Array(document.utf8), line: line, fragment)
    }

    init(_ name: String, _ document: [UInt8], line: Int, _ fragment: String) {
        self.name = name
        self.document = document
        self.line = line
        self.fragment = fragment
    }
}

let malformedCases: [MalformedCase] = [
    .init("mismatched end tag", "<log>\n<trace>\n</event>\n</log>", line: 3, "mismatched end tag"),
    .init("unclosed element at end of input", "<log>\n<trace>\n<event/>\n", line: 4, "<trace> opened on line 2"),
    .init("'<' in attribute value", "<log>\n<a v=\"x<y\"/>\n</log>", line: 2, "'<' is not allowed"),
    .init("unterminated comment", "<log>\n<!-- abc\n\n", line: 2, "unterminated comment"),
    .init("unterminated comment in prolog", "\n<!-- abc", line: 2, "unterminated comment"),
    .init("unterminated attribute value", "<log>\n\n<a v=\"abc\n", line: 3, "unterminated attribute value"),
    .init("unterminated start tag", "<log>\n<a b=\"1\"\n", line: 2, "unterminated start tag"),
    .init("'<' inside a start tag", "<log>\n<a b=\"1\"\n<b/></log>", line: 3, "unterminated start tag"),
    .init("unterminated end tag", "<log>\n</log", line: 2, "unterminated end tag"),
    .init("unterminated CDATA", "<log>\n<![CDATA[ x", line: 2, "unterminated CDATA"),
    .init("unterminated processing instruction", "<?xml version='1.0'", line: 1, "unterminated processing"),
    .init("unknown entity in text", "<log>\n<a>&foo;</a></log>", line: 2, "unknown entity '&foo;'"),
    .init("unknown entity in attribute", "<log>\n\n<a v='&nbsp;'/></log>", line: 3, "unknown entity '&nbsp;'"),
    .init("bare ampersand", "<log>\nAT&T</log>", line: 2, "'&' must start"),
    .init("illegal character reference", "<log>&#0;</log>", line: 1, "illegal character"),
    .init("malformed character reference", "<log>\n&#xZZ;</log>", line: 2, "malformed character reference"),
    .init("second root element", "<log/>\n<log/>", line: 2, "garbage after the root element"),
    .init("text after the root element", "<log></log>\n\ntext", line: 3, "garbage after the root element"),
    .init("end tag after the root element", "<log></log>\n</log>", line: 2, "garbage after the root element"),
    .init("text before the root element", "hello <log/>", line: 1, "text before the root element"),
    .init("empty document", "", line: 1, "empty document"),
    .init("whitespace-only document", "\n  \n", line: 3, "no root element"),
    .init("comment-only document", "<!-- c -->\n", line: 2, "no root element"),
    .init("NUL bytes", [UInt8]("<log>\n".utf8) + [0, 0, 0] + [UInt8]("</log>".utf8), line: 2, "NUL byte"),
    .init("NUL bytes in attribute", [UInt8]("<log a=\"".utf8) + [0] + [UInt8]("\"/>".utf8), line: 1, "NUL byte"),
    .init("gzip data", [0x1F, 0x8B, 0x08, 0x00, 0x00], line: 1, "binary data"),
    .init("UTF-16 input", [0xFF, 0xFE, 0x3C, 0x00], line: 1, "UTF-16"),
    .init("unsupported encoding", "<?xml version=\"1.0\" encoding=\"EBCDIC\"?><a/>", line: 1, "unsupported encoding"),
    .init("misplaced XML declaration", "\n<?xml version=\"1.0\"?><a/>", line: 2, "XML declaration"),
    .init("unquoted attribute value", "<log a=1/>", line: 1, "must be quoted"),
    .init("missing '='", "<log\n a \"1\"/>", line: 2, "expected '='"),
    .init("duplicate attribute", "<log a='1'\n a='2'/>", line: 2, "duplicate attribute 'a'"),
    .init("attributes without whitespace", "<log a='1'b='2'/>", line: 1, "separated by whitespace"),
    .init("end tag without start", "</log>", line: 1, "without a start tag"),
    .init("double dash in comment", "<log><!-- a -- b --></log>", line: 1, "'--' is not allowed"),
    .init("DOCTYPE inside an element", "<log>\n<!DOCTYPE x></log>", line: 2, "unexpected markup"),
    .init("bad element name", "<log>\n< a/></log>", line: 2, "expected an element name"),
]

@Test(arguments: malformedCases)
func malformedInputThrowsWithTheRightLine(_ testCase: MalformedCase) throws {
    for chunkSize in [nil, 1, 7] as [Int?] {
        let error = try #require(firstError(in: testCase.document, chunkSize: chunkSize), "no error for \(chunkSize as Any)")
        #expect(error.line == testCase.line, "chunk size \(chunkSize as Any): \(error)")
        #expect(error.message.contains(testCase.fragment), "chunk size \(chunkSize as Any): \(error)")
    }
}

@Test func errorsAreSticky() throws {
    var tokenizer = XMLTokenizer(bytes: Array("<a>\n</b>".utf8))
    #expect(try tokenizer.next() == start("a"))
    let first = #expect(throws: XMLError.self) { try tokenizer.next() }
    let second = #expect(throws: XMLError.self) { try tokenizer.next() }
    #expect(first == second)
    #expect(first?.description == "XML error on line 2: mismatched end tag: expected </a> (opened on line 1), found </b>")
}

// MARK: - Cross-check with Foundation's XMLParser

private final class FoundationCollector: NSObject, XMLParserDelegate {
    var events: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        let attrs = attributeDict.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        events.append("<\(elementName) \(attrs.joined(separator: " "))>")
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        events.append("</\(elementName)>")
    }
}

private func tokenizerEvents(_ bytes: [UInt8], chunkSize: Int? = nil) throws -> [String] {
    var events: [String] = []
    for token in try tokensWithLines(bytes, chunkSize: chunkSize).map(\.0) {
        switch token {
        case .startElement(let name, let attributes, let selfClosing):
            let attrs = attributes.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.value)" }
            events.append("<\(name) \(attrs.joined(separator: " "))>")
            if selfClosing { events.append("</\(name)>") }
        case .endElement(let name):
            events.append("</\(name)>")
        case .text:
            break
        }
    }
    return events
}

private func foundationEvents(_ bytes: [UInt8]) throws -> [String] {
    let parser = XMLParser(data: Data(bytes))
    let collector = FoundationCollector()
    parser.delegate = collector
    #expect(parser.parse(), "XMLParser failed: \(String(describing: parser.parserError))")
    return collector.events
}

@Test(.enabled(if: runningExampleURL != nil, "running-example.xes not found"))
func matchesFoundationXMLParserOnRunningExample() throws {
    let bytes = try [UInt8](Data(contentsOf: try #require(runningExampleURL)))
    let expected = try foundationEvents(bytes)
    #expect(expected.count > 100)
    #expect(try tokenizerEvents(bytes) == expected)
    #expect(try tokenizerEvents(bytes, chunkSize: 7) == expected)
}

@Test func matchesFoundationXMLParserOnTheRichDocument() throws {
    let bytes = Array(richDocument.utf8)
    #expect(try tokenizerEvents(bytes) == foundationEvents(bytes))
}

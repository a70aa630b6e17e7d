import Foundation
import Testing
import _TestSupport
import _WaybillSupport

@testable import Ingestion
@testable import Storage

/// What one importer left: the store's tables (every column but the import's start time, the
/// event segments byte for byte), the rejects and warnings, or the error it stopped with.
private struct ImportOutcome: Equatable, CustomStringConvertible {
    var tables: [String: [[SQLiteValue]]] = [:]
    var rejects: [Reject] = []
    var rowsRead = 0
    var warnings: [String: Int] = [:]
    var error: String?

    var description: String {
        var lines = [
            "error: \(error ?? "none")", "rows read: \(rowsRead)", "warnings: \(warnings.sorted { $0.key < $1.key })",
        ]
        lines += rejects.map { "reject: \($0.location) \($0.field) \($0.reason) \($0.value)" }
        for (name, rows) in tables.sorted(by: { $0.key < $1.key }) {
            lines += rows.prefix(40).map { "\(name): \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

private let dumpedTables: [(String, String)] = [
    ("activity", "SELECT id, name FROM activity ORDER BY id"),
    ("resource", "SELECT id, name FROM resource ORDER BY id"),
    ("lifecycle", "SELECT id, name FROM lifecycle ORDER BY id"),
    ("object_type", "SELECT id, name FROM object_type ORDER BY id"),
    ("object", "SELECT id, type_id, ext_id, attrs, import_id FROM object ORDER BY id"),
    ("log_attribute", "SELECT import_id, scope, name, value FROM log_attribute ORDER BY import_id, scope, name"),
    (
        "event_segment",
        "SELECT id, import_id, first_event, event_count, link_count, min_time, max_time, hex(data) FROM event_segment ORDER BY id"
    ),
    (
        "import_record",
        "SELECT id, source, format, events_read, events_added, duplicates, objects_added FROM import_record ORDER BY id"
    ),
]

/// Imports `paths` one after the other into a fresh store with the byte-level importer
/// (`reference == false`, handing `batchBytes` of parsed traces at a time to the store writer's
/// thread; nil for its default) or the string-based reference, and dumps the result.
private func outcome(
    _ paths: [String], reference: Bool, options: ImportOptions = ImportOptions(), batchBytes: Int? = nil
) throws -> ImportOutcome {
    let ws = try Workspace(path: Fixtures.temporaryDirectory("xes-fast").path)
    defer { try? FileManager.default.removeItem(at: ws.root) }
    let store = try ws.openStore()
    var result = ImportOutcome()
    for path in paths {
        var rejects = RejectLog()
        do {
            try store.ingest(source: path, format: "xes", contentHash: nil) { session in
                if reference {
                    try XESReferenceImporter(path: path, options: options).run(into: session, rejects: &rejects)
                } else if let batchBytes {
                    try XESImporter(path: path, options: options, batchBytes: batchBytes)
                        .run(into: session, rejects: &rejects)
                } else {
                    try XESImporter(path: path, options: options).run(into: session, rejects: &rejects)
                }
            }
        } catch {
            result.error = "\(error)"
        }
        result.rejects += rejects.rejects
        result.rowsRead += rejects.rowsRead
        result.warnings.merge(rejects.warnings) { $0 + $1 }
    }
    for (name, sql) in dumpedTables { result.tables[name] = try store.db.rows(sql) }
    return result
}

/// Checks that both importers leave the same outcome, and returns it. The byte-level importer
/// runs twice: with its default batches, and handing every trace to the writer's thread on its own
/// (the most hand-offs, so the most chances for the two threads to interleave).
@discardableResult
private func expectSameOutcome(
    _ paths: [String], options: ImportOptions = ImportOptions(), sourceLocation: SourceLocation = #_sourceLocation
) throws -> ImportOutcome {
    let fast = try outcome(paths, reference: false, options: options)
    let perTrace = try outcome(paths, reference: false, options: options, batchBytes: 1)
    let simple = try outcome(paths, reference: true, options: options)
    #expect(fast == simple, "byte-level:\n\(fast)\nreference:\n\(simple)", sourceLocation: sourceLocation)
    #expect(
        perTrace == simple, "a trace per batch:\n\(perTrace)\nreference:\n\(simple)", sourceLocation: sourceLocation)
    return fast
}

private func write(_ bytes: [UInt8], _ name: String) -> String {
    let url = Fixtures.temporaryDirectory("xes-doc").appendingPathComponent(name)
    try! Data(bytes).write(to: url)
    return url.path
}

private func write(_ text: String, _ name: String = "doc.xes") -> String { write(Array(text.utf8), name) }

@Suite struct XESFastPathTests {
    @Test(arguments: ["running-example.xes", "roadtraffic100traces.xes", "receipt.xes.gz"])
    func fixturesGiveTheReferenceStore(name: String) throws {
        let result = try expectSameOutcome([Fixtures.path(name)])
        #expect(result.error == nil)
        #expect(result.tables["event_segment"]?.isEmpty == false)
    }

    /// A second import of the same file meets existing case objects (their attributes merged,
    /// not inserted) and only duplicate events.
    @Test(arguments: ["running-example.xes", "receipt.xes.gz"])
    func reimportGivesTheReferenceStore(name: String) throws {
        let result = try expectSameOutcome([Fixtures.path(name), Fixtures.path(name)])
        #expect(result.error == nil)
    }

    @Test func entitiesQuotesWhitespaceAndOrder() throws {
        let doc = write(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE log [ <!ELEMENT log ANY> ]>
            <!-- a comment before the root -->
            <log xes.version="1.0">
              <?pi some processing instruction?>
              <trace>
                <string value="c&amp;1" key="concept:name"/>
                <string key='region' value='north &quot;east&quot;'/>
                <event>
                  <!-- a comment between attributes -->
                  <string value="Pay &amp; Ship &#233;&#x1F600;" key="concept:name" />
                  <date
                     key="time:timestamp"
                     value="2026-01-05T10:00:00.123+02:00"/>
                  <string key="note" value="line one&#10;line two	tab
            newline"/>
                  <string key="a&lt;b" value="&lt;&gt;&amp;&apos;&quot;"/>
                  <string key="json" value="back\\slash &quot;q&quot; &#9;&#13;"/>
                  some text <![CDATA[ and <cdata> ]]> more text
                </event>
                <event><string key="concept:name" value='B'/><date key='time:timestamp' value='2026-01-05T11:00:00Z'/></event>
              </trace>
            </log>
            """)
        let result = try expectSameOutcome([doc])
        #expect(result.error == nil)
        #expect(result.rejects.isEmpty)
    }

    @Test func everyTypeAndOddSpellings() throws {
        var attributes = ""
        let values: [(String, [String])] = [
            (
                "int",
                [
                    "5", "+5", "007", "0", "-0", "-12", "999999999999999999", "9999999999999999999",
                    "99999999999999999999", "1.5", "abc", "",
                ]
            ),
            (
                "float",
                [
                    "32.99", "0.5", "0.05", "5", "5.000", "-5", "0", "0.0", "-0.0", "00.5", "1e5", "1E-7", "NaN", "inf",
                    "-Infinity", "abc",
                    "123456789012.5", "1234567890.5", "0.1000", "12345678901234567", "0.123456789012345678", "-0.25",
                    ".5", "5.", "",
                ]
            ),
            ("boolean", ["true", "false", "1", "0", "TRUE", "False", "yes", ""]),
            ("id", ["3fa85f64-5717-4562-b3fc-2c963f66afa6", ""]),
            ("date", ["2026-01-05T10:00:00Z", "2026-01-05T10:00:00.5+01:00", "2026-01-05", "soon", ""]),
            ("string", ["", "x"]),
        ]
        for (type, texts) in values {
            for (i, text) in texts.enumerated() {
                attributes += "<\(type) key=\"\(type)\(i)\" value=\"\(text)\"/>\n"
            }
        }
        let doc = write(
            """
            <log>
              \(attributes)
              <global scope="event">\(attributes)</global>
              <trace>
                <string key="concept:name" value="c1"/>
                \(attributes)
                <event>
                  <string key="concept:name" value="A"/>
                  <date key="time:timestamp" value="2026-01-05T10:00:00Z"/>
                  \(attributes)
                </event>
              </trace>
            </log>
            """)
        var options = ImportOptions()
        options.timeZone = "UTC"  // for the date without time of day
        let result = try expectSameOutcome([doc], options: options)
        #expect(result.error == nil)
        #expect(result.warnings.keys.contains { $0.contains("did not fit") })
    }

    @Test func specialKeysWithOtherTypes() throws {
        let doc = write(
            """
            <log>
              <trace>
                <int key="concept:name" value="42"/>
                <event>
                  <int key="concept:name" value="7"/>
                  <string key="time:timestamp" value="2026-01-05T10:00:00Z"/>
                </event>
                <event>
                  <float key="concept:name" value="x"/>
                  <date key="time:timestamp" value="2026-01-05T10:00:00Z"/>
                  <string key="start_timestamp" value="2026-01-05T09:00:00Z"/>
                  <date key="time:start" value="bad"/>
                  <int key="org:resource" value="12"/>
                  <boolean key="lifecycle:transition" value="true"/>
                </event>
                <event>
                  <string key="concept:name" value="B"/>
                  <date key="time:timestamp" value="2026-01-05T10:00:00Z"/>
                  <date key="start_timestamp" value="2026-01-05T09:00:00Z"/>
                  <date key="time:start" value="2026-01-05T08:00:00Z"/>
                  <string key="org:resource" value="R1"/>
                  <string key="lifecycle:transition" value="complete"/>
                  <string key="concept:name" value="C"/>
                  <string key="org:resource" value="R2"/>
                </event>
              </trace>
            </log>
            """)
        let result = try expectSameOutcome([doc])
        #expect(result.error == nil)
    }

    @Test func nestedListsContainersAndChildren() throws {
        let doc = write(
            """
            <log>
              <list key="log-list"><string key="a" value="1"/><int key="b" value="2"/></list>
              <global scope="trace"><container key="box"><string key="x" value="y"/></container></global>
              <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
              <extension name="NoPrefix" uri="urn:x"/>
              <classifier name="Activity" keys="concept:name"/>
              <string key="source" value="test"/>
              <trace>
                <string key="concept:name" value="c1"><string key="child" value="v"/></string>
                <list key="tags"><string key="t" value="a"/><string key="t" value="b"/></list>
                <event>
                  <string key="concept:name" value="A"/>
                  <date key="time:timestamp" value="2026-01-05T10:00:00Z"/>
                  <list key="items">
                    <container key="item"><string key="sku" value="S1"/><int key="qty" value="2"/></container>
                    <container key="item"><string key="sku" value="S2"/><float key="qty" value="1.5"/></container>
                  </list>
                  <string key="parent" value="p"><date key="when" value="2026-01-05T10:00:00Z"/>
                    <string key="concept:name" value="not the activity"/></string>
                  <list key="empty"/>
                </event>
              </trace>
            </log>
            """)
        let result = try expectSameOutcome([doc])
        #expect(result.error == nil)
        #expect(result.warnings.keys.contains { $0.contains("nested") })
    }

    @Test func rejectsAndOddStructure() throws {
        let doc = write(
            """
            <log>
              <event><string key="concept:name" value="outside"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
              <trace>
                <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
                <event><date key="time:timestamp" value="2026-01-05T11:00:00Z"/></event>
                <event><string key="concept:name" value=""/><date key="time:timestamp" value="2026-01-05T11:00:00Z"/></event>
                <event><string key="concept:name" value="C"/><date key="time:timestamp" value="soon"/></event>
                <event><string key="concept:name" value="D"/></event>
                <event/>
                <event><string key="concept:name" value="E"/><date key="time:timestamp" value="2026-01-05T12:00:00Z"/>
                  <event><string key="concept:name" value="inner"/><date key="time:timestamp" value="2026-01-05T12:00:00Z"/></event>
                  <string key="after" value="inner"/>
                </event>
                <string key="concept:name" value="late-id"/>
              </trace>
              <trace><event><string key="concept:name" value="F"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event></trace>
              <trace>
                <string key="concept:name" value="c2"/>
                <event><string key="concept:name" value="G"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/>
                  <trace/>
                  <string key="kept" value="after the inner trace"/>
                </event>
                <event><string key="concept:name" value="H"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
              </trace>
              <trace/>
              <trace><string key="concept:name" value="c3"/><string key="k" value="1"/><string key="k" value="2"/>
                <int key="n" value="1"/><string key="k" value="3"/>
                <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
                <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
              </trace>
              <trace><string key="concept:name" value="c3"/><string key="k" value="4"/><string key="extra" value="x"/>
                <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-05T10:00:00Z"/></event>
              </trace>
            </log>
            """)
        var options = ImportOptions()
        options.maxRejectRate = 1
        let result = try expectSameOutcome([doc], options: options)
        #expect(result.error == nil)
        #expect(result.rejects.count >= 5)
    }

    @Test func zonelessDatesNeedATimeZone() throws {
        let doc = write(
            """
            <log><trace><string key="concept:name" value="c1"/>
              <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-05T10:00:00"/></event>
            </trace></log>
            """)
        let failed = try expectSameOutcome([doc])
        #expect(failed.error?.contains("no time zone") == true)
        var options = ImportOptions()
        options.timeZone = "Europe/Berlin"
        let read = try expectSameOutcome([doc], options: options)
        #expect(read.error == nil)
    }

    @Test func bytesThatAreNotUTF8AndLatin1() throws {
        var bytes = Array("<log><trace><string key=\"concept:name\" value=\"c".utf8) + [0xFF]
        bytes += Array("\"/><event><string key=\"concept:name\" value=\"A".utf8) + [0xC3]
        bytes += Array("\"/><string key=\"k".utf8) + [0xE9] + Array("\" value=\"".utf8) + [0x80, 0x41]
        bytes += Array("\"/><date key=\"time:timestamp\" value=\"2026-01-05T10:00:00Z\"/></event></trace></log>".utf8)
        try expectSameOutcome([write(bytes, "bad-utf8.xes")])
        let latin1 =
            Array(
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><log><trace><string key=\"concept:name\" value=\"caf"
                    .utf8)
            + [0xE9] + Array("\"/><event><string key=\"concept:name\" value=\"r".utf8) + [0xE9]
            + Array("sum".utf8) + [0xE9]
            + Array("\"/><date key=\"time:timestamp\" value=\"2026-01-05T10:00:00Z\"/></event></trace></log>".utf8)
        let result = try expectSameOutcome([write(latin1, "latin1.xes")])
        #expect(result.tables["activity"]?.first?.last == .text("résumé"))
    }

    @Test(arguments: [
        ("<log><trace><event></trace></log>", "mismatched"),
        ("<notlog><trace/></notlog>", "not <log>"),
        ("", "empty"),
        ("<log><trace><string key=\"a\" key=\"b\"/></trace></log>", "duplicate"),
        ("<log><trace><string key=\"concept:name\" value=\"a & b\"/></trace></log>", "&"),
        ("<log>\n<trace>\n<string key=\"x\" value=\"<\"/></trace></log>", "line 3"),
    ])
    func errorsAreTheReferenceErrors(text: String, expected: String) throws {
        let result = try expectSameOutcome([write(text)])
        #expect(result.error?.contains(expected) == true, "\(result.error ?? "no error")")
    }

    /// A fault after many traces (some with rejected events, a log attribute between them): the
    /// writer's thread has stored the traces before it when the parser's error arrives, and the
    /// import is rolled back with the rejects recorded up to the fault, as with one thread.
    @Test(arguments: [false, true])
    func faultAfterManyTracesRollsBack(fault: Bool) throws {
        var doc = "<log>\n<string key=\"source\" value=\"test\"/>\n"
        for i in 0..<60 {
            doc += "<trace><string key=\"concept:name\" value=\"c\(i)\"/><int key=\"n\" value=\"\(i)\"/>\n"
            for j in 0..<5 {
                let time = j == 3 && i % 7 == 0 ? "later" : "2026-01-05T10:0\(j):00Z"
                doc += "<event><string key=\"concept:name\" value=\"A\(j)\"/>"
                doc += "<date key=\"time:timestamp\" value=\"\(time)\"/>"
                doc += "<string key=\"r\" value=\"\(i * j)\"/></event>\n"
            }
            doc += "</trace>\n"
            if i == 30 { doc += "<extension name=\"Late\" prefix=\"late\" uri=\"http://example.com/late\"/>\n" }
        }
        doc += fault ? "<trace><event></trace></log>" : "</log>"
        let result = try expectSameOutcome([write(doc)])
        if fault {
            #expect(result.error?.contains("mismatched") == true, "\(result.error ?? "no error")")
            #expect(result.tables["event_segment"]?.isEmpty == true)
        } else {
            #expect(result.error == nil)
            #expect(result.tables["object"]?.count == 60)
        }
        #expect(result.rejects.count == 9)
    }
}

// MARK: - The tokenizer's byte-level tokens against its String tokens

/// The tokens of a document read through `nextRaw()` and the byte accessors.
private func rawTokens(_ bytes: [UInt8], chunk: Int) throws -> [XMLToken] {
    var offset = 0
    var tokenizer = XMLTokenizer(source: {
        guard offset < bytes.count else { return nil }
        defer { offset += chunk }
        return Array(bytes[offset..<min(offset + chunk, bytes.count)])
    })
    var tokens: [XMLToken] = []
    while let token = try tokenizer.nextRaw() {
        switch token {
        case .startElement(let selfClosing):
            var attributes: [(name: String, value: String)] = []
            for i in 0..<tokenizer.attributeCount {
                attributes.append(
                    (
                        String(decoding: tokenizer.attributeName(at: i), as: UTF8.self),
                        String(decoding: tokenizer.attributeValue(at: i), as: UTF8.self)
                    ))
            }
            #expect(String(decoding: tokenizer.elementName, as: UTF8.self) == tokenizer.elementNameString)
            tokens.append(
                .startElement(name: tokenizer.elementNameString, attributes: attributes, selfClosing: selfClosing))
        case .endElement:
            #expect(String(decoding: tokenizer.elementName, as: UTF8.self) == tokenizer.elementNameString)
            tokens.append(.endElement(name: tokenizer.elementNameString))
        case .text:
            tokens.append(.text(tokenizer.text))
        }
    }
    return tokens
}

@Test(arguments: [1, 3, 7, 64, 1 << 20])
func rawTokensEqualStringTokens(chunk: Int) throws {
    let document = """
        <?xml version="1.0"?>
        <!DOCTYPE log>
        <log xmlns:xes="urn:x" a='1'>
          <xes:trace   k = "v&amp;w"  other='it&apos;s&#x20;here'>
            <string value="v	tab" key="k&#10;"/>
            text &lt; more <![CDATA[<raw>]]> <!-- gone --> <?pi x?> end
            <event><int key="n" value="1"/></event>
          </xes:trace>
          <a/><b c="&#233;&#x1F600;"/>
        </log>
        """
    let bytes = Array(document.utf8)
    var reference = XMLTokenizer(bytes: bytes)
    var expected: [XMLToken] = []
    while let token = try reference.next() { expected.append(token) }
    #expect(try rawTokens(bytes, chunk: chunk) == expected)
}

import Export
import Foundation
import Storage
import Testing
import _TestSupport
import _WaybillSupport

@testable import Ingestion

/// One OCEL 2.0 fixture: its file, layout, the zone its naive timestamps were written in, and that
/// zone's offset over the log's time span (to shift PM4Py's naive-as-UTC timestamps).
struct OCELFixture: CustomStringConvertible, Sendable {
    var name: String
    var kind: String
    var timeZone: String?
    var naiveOffsetHours: Int
    var description: String { name }

    static let all: [OCELFixture] = [
        OCELFixture(name: "ocel2/order-management.json.gz", kind: "json", timeZone: nil, naiveOffsetHours: 0),
        OCELFixture(name: "ocel2/order-management.xml.gz", kind: "xml", timeZone: nil, naiveOffsetHours: 0),
        // Naive times written in German local time: 1970-01-01 01:00 is the epoch, April to May is UTC+2.
        OCELFixture(
            name: "ocel2/order-management-variant.sqlite", kind: "sqlite", timeZone: "Europe/Berlin",
            naiveOffsetHours: 2),
        OCELFixture(name: "ocel2/ocel20_example.jsonocel", kind: "json", timeZone: nil, naiveOffsetHours: 0),
        OCELFixture(name: "ocel2/ocel20_example.xmlocel", kind: "xml", timeZone: "+01:00", naiveOffsetHours: 1),
        OCELFixture(name: "ocel2/ocel20_example.sqlite", kind: "sqlite", timeZone: "+01:00", naiveOffsetHours: 1),
    ]
}

/// A fresh store in a temporary folder, with its ingestor.
private struct Workspace {
    let directory: URL
    let store: EventStore
    let ingestor: Ingestor
    var rejectsPath: String { directory.appendingPathComponent("rejects.csv").path }

    init() throws {
        directory = Fixtures.temporaryDirectory("ocel")
        store = try EventStore(path: directory.appendingPathComponent(EventStore.fileName).path)
        ingestor = Ingestor(store: store, rejectsPath: directory.appendingPathComponent("rejects.csv").path)
    }

    func ingest(_ path: String, timeZone: String? = nil, maxRejectRate: Double? = nil) throws -> IngestReport {
        var options = ImportOptions()
        options.timeZone = timeZone
        if let maxRejectRate { options.maxRejectRate = maxRejectRate }
        return try ingestor.ingest(path: path, options: options)
    }

    /// Runs SQL over the store, with the events materialised as the TEMP tables `event` and `event_object`.
    func rows(_ sql: String) throws -> [[SQLiteValue]] {
        try store.materializeEventTables()
        return try store.db.rows(sql)
    }

    func count(_ sql: String) throws -> Int { Int(try rows(sql).first?[0].integer ?? 0) }

    func rejects() throws -> [[String]] {
        guard let text = try? String(contentsOfFile: rejectsPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }
}

/// The golden figures of one fixture in `Tests/Goldens/counts.json` (key `ocel2`).
private func goldenFigures(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: Fixtures.goldens.appendingPathComponent("counts.json"))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let ocel = try #require(root["ocel2"] as? [String: Any])
    return try #require(ocel[name] as? [String: Any])
}

private func counts(_ value: Any?) -> [String: Int] {
    (value as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
}

/// Object attribute values in a file, counted by a simple reference reader independent of the
/// importers: JSON `attributes` entries of objects, XML `<attribute … time=…>` elements, SQLite
/// non-null attribute cells of initial rows plus one value per change row.
private func rawObjectAttributeValues(_ fixture: OCELFixture) throws -> Int {
    let path = Fixtures.path(fixture.name)
    switch fixture.kind {
    case "json":
        let root = try JSONSerialization.jsonObject(with: Data(try ByteSource.readAll(path: path))) as? [String: Any]
        let objects = root?["objects"] as? [[String: Any]] ?? []
        return objects.reduce(0) { $0 + (($1["attributes"] as? [Any])?.count ?? 0) }
    case "xml":
        let bytes = try ByteSource.readAll(path: path)
        let open = Array("<attribute ".utf8)
        let time = Array(" time=".utf8)
        var total = 0
        var i = 0
        while i + open.count <= bytes.count {
            if bytes[i] == 0x3C, bytes[i..<(i + open.count)].elementsEqual(open) {
                var end = i
                while end < bytes.count, bytes[end] != 0x3E { end += 1 }
                let tag = bytes[i..<end]
                if tag.indices.contains(where: { k in
                    k + time.count <= end && tag[k..<(k + time.count)].elementsEqual(time)
                }) {
                    total += 1
                }
                i = end
            } else {
                i += 1
            }
        }
        return total
    default:
        let db = try SQLiteConnection(path: path, readOnly: true, create: false)
        var total = 0
        for row in try db.rows("SELECT ocel_type_map FROM object_map_type") {
            let table = "object_" + (row[0].text ?? "")
            let columns = try db.rows("PRAGMA table_info(\"\(table)\")").compactMap { $0[1].text }
            let attributes = columns.filter { !["ocel_id", "ocel_time", "ocel_changed_field"].contains($0) }
            guard !attributes.isEmpty else { continue }
            let nonNull = attributes.map { "(\"\($0)\" IS NOT NULL)" }.joined(separator: " + ")
            let initial =
                columns.contains("ocel_changed_field") ? "ocel_changed_field IS NULL OR ocel_changed_field = ''" : "1"
            total += Int(
                try db.scalarInt(
                    "SELECT COALESCE(SUM(CASE WHEN \(initial) THEN \(nonNull) ELSE 1 END), 0) FROM \"\(table)\"") ?? 0)
        }
        return total
    }
}

/// A sorted, text dump of everything an OCEL import stores, keyed by external ids only.
private func canonicalDump(_ store: EventStore) throws -> [String] {
    func attrs(_ json: String?) throws -> String {
        try AttributeJSON.decode(json).sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.xesType):\($0.value.text)"
        }
        .joined(separator: ";")
    }
    var lines: [String] = []
    try store.materializeEventTables()
    for row in try store.db.rows("SELECT name FROM object_type") { lines.append("type|\(row[0].text!)") }
    for row in try store.db.rows(
        "SELECT e.ext_id, e.activity, e.time, e.attrs FROM event e")
    {
        lines.append(
            "event|\(row[0].text!)|\(row[1].text!)|\(Timestamp.format(row[2].integer!))|\(try attrs(row[3].text))")
    }
    for row in try store.db.rows(
        "SELECT o.ext_id, t.name, o.attrs FROM object o JOIN object_type t ON t.id = o.type_id")
    {
        lines.append("object|\(row[0].text!)|\(row[1].text!)|\(try attrs(row[2].text))")
    }
    for row in try store.db.rows(
        """
        SELECT e.ext_id, o.ext_id, eo.qualifier FROM event_object eo
        JOIN event e ON e.id = eo.event_id JOIN object o ON o.id = eo.object_id
        """)
    {
        lines.append("e2o|\(row[0].text!)|\(row[1].text!)|\(row[2].text!)")
    }
    for row in try store.db.rows(
        """
        SELECT s.ext_id, t.ext_id, oo.qualifier FROM object_object oo
        JOIN object s ON s.id = oo.source_id JOIN object t ON t.id = oo.target_id
        """)
    {
        lines.append("o2o|\(row[0].text!)|\(row[1].text!)|\(row[2].text!)")
    }
    for row in try store.db.rows(
        "SELECT o.ext_id, a.name, a.time, a.value FROM object_attribute a JOIN object o ON o.id = a.object_id")
    {
        lines.append(
            "attr|\(row[0].text!)|\(row[1].text!)|\(Timestamp.format(row[2].integer!))|\(try attrs(row[3].text))")
    }
    return lines.sorted()
}

@Suite("OCEL 2.0 importers")
struct OCELImporterTests {
    @Test("imports every fixture with the raw file counts", arguments: OCELFixture.all)
    func rawCounts(_ fixture: OCELFixture) throws {
        let workspace = try Workspace()
        let report = try workspace.ingest(Fixtures.path(fixture.name), timeZone: fixture.timeZone)
        let golden = try goldenFigures(fixture.name)
        let raw = try #require(golden["raw_file_counts"] as? [String: Any])

        #expect(report.format == "ocel2-\(fixture.kind)")
        #expect(report.rejects == 0)
        #expect(!report.alreadyImported)
        #expect(report.eventsAdded == (raw["events"] as? Int))
        #expect(try workspace.count("SELECT count(*) FROM event") == (raw["events"] as? Int))
        #expect(try workspace.count("SELECT count(*) FROM object") == (raw["objects"] as? Int))
        #expect(try workspace.count("SELECT count(*) FROM event_object") == (raw["e2o_relations"] as? Int))
        #expect(
            try workspace.count("SELECT count(DISTINCT event_id || '|' || object_id) FROM event_object")
                == (raw["e2o_distinct_event_object_pairs"] as? Int))
        #expect(try workspace.count("SELECT count(*) FROM object_object") == (raw["o2o_relations"] as? Int))
        let perType = Dictionary(uniqueKeysWithValues: try workspace.store.objectTypes().map { ($0.name, $0.objects) })
        #expect(perType.filter { $0.value > 0 } == counts(raw["objects_per_type"]))

        // Events are kept whole, so PM4Py's per-activity counts apply to every layout.
        let activities = try workspace.rows(
            "SELECT e.activity, count(*) FROM event e GROUP BY e.activity")
        let perActivity = Dictionary(uniqueKeysWithValues: activities.map { ($0[0].text!, Int($0[1].integer!)) })
        #expect(perActivity == counts(golden["events_per_activity"]))

        let attributeRows = try workspace.count("SELECT count(*) FROM object_attribute")
        #expect(attributeRows == (try rawObjectAttributeValues(fixture)))
        // PM4Py's object changes are the values after each attribute's first; it drops those of
        // objects without events, so compare only where there are none.
        if (raw["objects_without_events"] as? Int) == 0 {
            let firsts = try workspace.count(
                "SELECT count(*) FROM (SELECT DISTINCT object_id, name FROM object_attribute)")
            #expect(attributeRows - firsts == (golden["object_changes"] as? Int))
        }

        // PM4Py reads naive timestamps as UTC; ours are read in the zone they were written in.
        let range = try #require(try workspace.rows("SELECT min(time), max(time) FROM event").first)
        let shift = Int64(fixture.naiveOffsetHours) * 3_600_000_000
        for (index, key) in ["timestamp_min", "timestamp_max"].enumerated() {
            let text = try #require(golden[key] as? String)
            let expected = try #require(Timestamp.parseISO(text)).micros - shift
            #expect(range[index].integer == expected, "\(key)")
        }
    }

    @Test("the three layouts of the OCEL 2.0 example give identical stores")
    func layoutParity() throws {
        var dumps: [String: [String]] = [:]
        for fixture in OCELFixture.all where fixture.name.contains("ocel20_example") {
            let workspace = try Workspace()
            _ = try workspace.ingest(Fixtures.path(fixture.name), timeZone: fixture.timeZone)
            dumps[fixture.kind] = try canonicalDump(workspace.store)
        }
        let json = try #require(dumps["json"])
        #expect(json.count > 60)
        for kind in ["xml", "sqlite"] {
            let other = try #require(dumps[kind])
            #expect(other == json, "\(kind) differs: \(Set(other).symmetricDifference(json).sorted().prefix(6))")
        }
    }

    @Test("the case view on orders has one case per order, chronological")
    func caseView() throws {
        let workspace = try Workspace()
        _ = try workspace.ingest(Fixtures.path("ocel2/order-management.json.gz"))
        let log = try workspace.store.loadCaseView(objectType: "orders")
        let raw = try #require(try goldenFigures("ocel2/order-management.json.gz")["raw_file_counts"] as? [String: Any])
        #expect(log.caseCount == counts(raw["objects_per_type"])["orders"])
        #expect(
            log.eventCount
                == (try workspace.count(
                    """
                    SELECT count(DISTINCT eo.event_id || '|' || eo.object_id) FROM event_object eo
                    JOIN object o ON o.id = eo.object_id JOIN object_type t ON t.id = o.type_id WHERE t.name = 'orders'
                    """)))
        log.checkInvariants()
        let starts = log.startActivities()
        #expect(starts == ["place order": log.caseCount])
    }

    // MARK: - Bad inputs

    @Test("a truncated gzip file is refused and leaves the store empty")
    func truncatedGzip() throws {
        let workspace = try Workspace()
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("ocel2/order-management.json.gz")))
        let path = workspace.directory.appendingPathComponent("truncated.json.gz").path
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: IngestionError.self) { try workspace.ingest(path) }
        #expect(error.code == .unreadable)
        #expect(error.message.contains("truncated"))
        #expect(try workspace.count("SELECT count(*) FROM event") == 0)
        #expect(try workspace.count("SELECT count(*) FROM object") == 0)
        #expect(try workspace.count("SELECT count(*) FROM import_record") == 0)
    }

    @Test("XML that is not well-formed is .malformed with its line")
    func invalidXML() throws {
        let workspace = try Workspace()
        let path = Fixtures.write(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <log>
              <objects>
                <object id="o1" type="order">
              </objects>
              <events/>
            </log>
            """, to: "broken.xmlocel", in: workspace.directory)
        let error = try #require(throws: IngestionError.self) { try workspace.ingest(path) }
        #expect(error.code == .malformed)
        #expect(error.location == "line 5")
        #expect(try workspace.count("SELECT count(*) FROM object") == 0)
    }

    @Test("invalid JSON is .malformed with its line; JSON without events is .wrongFormat")
    func invalidJSON() throws {
        let workspace = try Workspace()
        let broken = Fixtures.write(
            "{\n\"events\": [\n{\"id\": \"e1\",,}\n]}", to: "broken.jsonocel", in: workspace.directory)
        let error = try #require(throws: IngestionError.self) { try workspace.ingest(broken) }
        #expect(error.code == .malformed)
        #expect(error.location == "line 3")
        let other = Fixtures.write(#"{"objects": []}"#, to: "other.jsonocel", in: workspace.directory)
        let wrong = try #require(throws: IngestionError.self) { try workspace.ingest(other) }
        #expect(wrong.code == .wrongFormat)
    }

    @Test("dangling references and duplicate event ids are rejected, the rest imported")
    func rejects() throws {
        let workspace = try Workspace()
        let path = Fixtures.write(
            """
            {
              "objectTypes": [{"name": "order", "attributes": [{"name": "price", "type": "float"}]}],
              "eventTypes": [{"name": "place", "attributes": [{"name": "n", "type": "integer"}]}],
              "events": [
                {"id": "e1", "type": "place", "time": "2024-01-01T10:00:00Z", "attributes": [{"name": "n", "value": 3}],
                 "relationships": [{"objectId": "o1", "qualifier": "order"}, {"objectId": "o1", "qualifier": "again"},
                                   {"objectId": "ghost", "qualifier": "order"}]},
                {"id": "e1", "type": "place", "time": "2024-01-02T10:00:00Z"},
                {"id": "e2", "type": "place", "time": "not a time"},
                {"id": "e3", "time": "2024-01-02T10:00:00Z"},
                {"id": "e4", "type": "place", "time": "2024-01-03T10:00:00Z", "attributes": [{"name": "n", "value": "many"}],
                 "relationships": [{"objectId": "o2", "qualifier": "order"}]}
              ],
              "objects": [
                {"id": "o1", "type": "order", "attributes": [{"name": "price", "time": "1970-01-01T00:00:00Z", "value": "cheap"}],
                 "relationships": [{"objectId": "o2", "qualifier": "next"}, {"objectId": "nowhere", "qualifier": "x"}]},
                {"id": "o2", "type": "order", "attributes": [{"name": "price", "time": "1970-01-01T00:00:00Z", "value": 5}]}
              ]
            }
            """, to: "rejects.jsonocel", in: workspace.directory)
        let report = try workspace.ingest(path, maxRejectRate: 1)
        #expect(report.eventsAdded == 2)
        let rows = try workspace.rejects()
        let reasons = rows.map { $0[3] }
        #expect(reasons.filter { $0 == "dangling object reference" }.count == 2)
        #expect(
            rows.contains {
                $0[1] == "event e1" && $0[2] == "relationship" && $0[3] == "dangling object reference"
                    && $0[4] == "ghost"
            })
        #expect(rows.contains { $0[1] == "object o1" && $0[4] == "nowhere" })
        #expect(rows.contains { $0[1] == "event e1" && $0[3] == "duplicate event id" })
        #expect(rows.contains { $0[1] == "event e2" && $0[3] == "unreadable timestamp" })
        #expect(rows.contains { $0[1] == "event e3" && $0[3] == "missing event type" })
        #expect(
            rows.contains { $0[1] == "event e4" && $0[2] == "attribute n" && $0[3].hasPrefix("value does not fit") })
        #expect(
            rows.contains {
                $0[1] == "object o1" && $0[2] == "attribute price" && $0[3].hasPrefix("value does not fit")
            })
        #expect(report.rejects == rows.count)
        // 2 objects, 2 o2o links, 2 attribute values, 5 events, 4 e2o links of the events added.
        #expect(report.rowsRead == 2 + 2 + 2 + 5 + 4)

        #expect(try workspace.count("SELECT count(*) FROM object") == 2)
        // The object referenced twice under two qualifiers keeps both links.
        #expect(try workspace.count("SELECT count(*) FROM event_object") == 3)
        #expect(try workspace.count("SELECT count(*) FROM object_object") == 1)
        let e1 = try workspace.rows("SELECT time, attrs FROM event WHERE ext_id = 'e1'")
        #expect(e1.count == 1)
        #expect(e1.first?[0].integer == Timestamp.parseISO("2024-01-01T10:00:00Z")?.micros)
        #expect(e1.first?[1].text == #"{"n":3}"#)
        let price = try workspace.rows("SELECT value FROM object_attribute")
        #expect(price.map { $0[0].text } == [#"{"v":5.0}"#])
    }

    @Test("XML objects may follow the events that refer to them")
    func forwardReferencesInXML() throws {
        let workspace = try Workspace()
        let path = Fixtures.write(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <log>
              <object-types><object-type name="order"><attributes>
                <attribute name="placed" type="time"/><attribute name="rush" type="boolean"/>
              </attributes></object-type></object-types>
              <event-types><event-type name="pay"><attributes/></event-type></event-types>
              <events>
                <event id="e1" type="pay" time="2024-01-01T10:00:00+01:00">
                  <objects><relationship object-id="o1" qualifier="paid"/><relationship object-id="o9" qualifier="x"/></objects>
                </event>
              </events>
              <objects>
                <object id="o1" type="order">
                  <attributes>
                    <attribute name="placed" time="1970-01-01T00:00:00Z">2023-12-31T09:00:00Z</attribute>
                    <attribute name="rush" time="2024-01-01T08:00:00Z">true</attribute>
                  </attributes>
                  <objects><relationship object-id="o2" qualifier="next"/></objects>
                </object>
                <object id="o2" type="order"/>
              </objects>
            </log>
            """, to: "forward.xmlocel", in: workspace.directory)
        let report = try workspace.ingest(path, maxRejectRate: 1)
        #expect(report.eventsAdded == 1)
        #expect(report.rejects == 1)
        #expect(try workspace.rejects().first?[1] == "line 8")
        #expect(try workspace.rejects().first?[4] == "o9")
        #expect(try workspace.count("SELECT count(*) FROM event_object") == 1)
        #expect(try workspace.count("SELECT count(*) FROM object_object") == 1)
        let values = try workspace.rows("SELECT name, value FROM object_attribute ORDER BY name")
        #expect(values.map { $0[1].text } == [#"{"v":{"$date":"2023-12-31T09:00:00.000Z"}}"#, #"{"v":true}"#])
    }

    @Test("too many rejects roll the import back")
    func rejectLimit() throws {
        let workspace = try Workspace()
        let path = Fixtures.write(
            """
            {"objects": [], "events": [{"id": "e1", "type": "a", "time": "2024-01-01T10:00:00Z",
              "relationships": [{"objectId": "ghost", "qualifier": ""}]}]}
            """, to: "dangling.jsonocel", in: workspace.directory)
        let error = try #require(throws: IngestionError.self) { try workspace.ingest(path) }
        #expect(error.code == .tooManyRejects)
        #expect(try workspace.count("SELECT count(*) FROM event") == 0)
    }

    @Test(
        "naive timestamps need --timezone", arguments: ["ocel2/ocel20_example.xmlocel", "ocel2/ocel20_example.sqlite"])
    func naiveTimestamps(_ name: String) throws {
        let workspace = try Workspace()
        let error = try #require(throws: IngestionError.self) { try workspace.ingest(Fixtures.path(name)) }
        #expect(error.code == .ambiguousTimeZone)
        #expect(error.message.contains("--timezone"))
        #expect(try workspace.count("SELECT count(*) FROM event") == 0)
    }

    @Test("a naive event time in JSON needs --timezone")
    func naiveJSONTimestamp() throws {
        let workspace = try Workspace()
        let path = Fixtures.write(
            #"{"objects": [], "events": [{"id": "e1", "type": "a", "time": "2024-01-01T10:00:00"}]}"#,
            to: "naive.jsonocel", in: workspace.directory)
        let error = try #require(throws: IngestionError.self) { try workspace.ingest(path) }
        #expect(error.code == .ambiguousTimeZone)
        #expect(error.location == "event e1")
        let report = try workspace.ingest(path, timeZone: "UTC")
        #expect(report.eventsAdded == 1)
    }

    // MARK: - Idempotence

    @Test("export to OCEL 2.0 JSON and re-import gives the same store", arguments: ["ocel2/ocel20_example.jsonocel", "ocel2/order-management.json.gz"])
    func exportRoundTrip(_ name: String) throws {
        let original = try Workspace()
        _ = try original.ingest(Fixtures.path(name))
        let out = original.directory.appendingPathComponent("export.jsonocel").path
        try OCELJSONExporter(store: original.store).write(to: out)
        let again = try Workspace()
        let report = try again.ingest(out)
        #expect(report.rejects == 0)
        #expect(try canonicalDump(again.store) == (try canonicalDump(original.store)))
    }

    @Test("ingesting the same file twice adds nothing the second time")
    func sameFileTwice() throws {
        let workspace = try Workspace()
        let path = Fixtures.path("ocel2/ocel20_example.jsonocel")
        let first = try workspace.ingest(path)
        let before = try canonicalDump(workspace.store)
        let second = try workspace.ingest(path)
        #expect(!first.alreadyImported)
        #expect(second.alreadyImported)
        #expect(try canonicalDump(workspace.store) == before)
    }

    @Test("the XML layout after the JSON layout of the same log adds no events")
    func sameEventsFromAnotherLayout() throws {
        let workspace = try Workspace()
        let json = try workspace.ingest(Fixtures.path("ocel2/order-management.json.gz"))
        let counts = (
            events: try workspace.count("SELECT count(*) FROM event"),
            objects: try workspace.count("SELECT count(*) FROM object"),
            e2o: try workspace.count("SELECT count(*) FROM event_object"),
            o2o: try workspace.count("SELECT count(*) FROM object_object"),
            attributes: try workspace.count("SELECT count(*) FROM object_attribute")
        )
        let xml = try workspace.ingest(Fixtures.path("ocel2/order-management.xml.gz"))
        #expect(!xml.alreadyImported)
        #expect(xml.eventsAdded == 0)
        #expect(xml.duplicates == json.eventsAdded)
        #expect(xml.objectsAdded == 0)
        #expect(try workspace.count("SELECT count(*) FROM event") == counts.events)
        #expect(try workspace.count("SELECT count(*) FROM object") == counts.objects)
        #expect(try workspace.count("SELECT count(*) FROM event_object") == counts.e2o)
        #expect(try workspace.count("SELECT count(*) FROM object_object") == counts.o2o)
        #expect(try workspace.count("SELECT count(*) FROM object_attribute") == counts.attributes)
    }
}

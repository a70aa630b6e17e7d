import Foundation
import Storage
import _WaybillSupport

/// Writes the whole store as an OCEL 2.0 JSON log.
///
/// Object types and event types with their attributes (types inferred from the stored values:
/// `string`, `integer`, `float`, `boolean`, `time`), objects with their attribute values over
/// time (static attributes at `1970-01-01T00:00:00Z`, as the standard's examples do) and
/// object-to-object relationships, and events with their attributes and qualified
/// event-to-object relationships; the start timestamp, resource and lifecycle transition travel as
/// the event attributes `start_timestamp`, `org:resource` and `lifecycle:transition`. A flat log exports its cases as objects of the case type.
/// Output is deterministic: objects and events in store order, attributes in first-seen order.
public struct OCELJSONExporter {
    let store: EventStore

    public init(store: EventStore) { self.store = store }

    static func ocelType(_ value: AttributeValue) -> String {
        switch value {
        case .string, .id: "string"
        case .int: "integer"
        case .double: "float"
        case .bool: "boolean"
        case .date: "time"
        }
    }

    static func ocelValue(_ value: AttributeValue) -> String {
        switch value {
        case .date(let t): AttributeJSON.quote(Timestamp.format(t))
        case .id(let s): AttributeJSON.quote(s)
        case .double(let v) where !v.isFinite: AttributeJSON.quote(AttributeValue.format(v))
        default: AttributeJSON.literal(value)
        }
    }

    /// Writes the file; returns the number of events written.
    ///
    /// - Complexity: O(*E* + *O* + *L*) in events, objects and links.
    @discardableResult
    public func write(to path: String) throws -> Int {
        let db = store.db
        var typeNames: [Int64: String] = [:]
        for row in try db.rows("SELECT id, name FROM object_type") { typeNames[row[0].integer!] = row[1].text! }

        // Objects: id -> (ext, type, attributes over time).
        struct Obj { var ext: String; var type: String; var values: [(name: String, time: Int64, value: AttributeValue)] = []; var links: [(String, String)] = [] }
        var objects: [Int64: Obj] = [:]
        var objectOrder: [Int64] = []
        let objectRows = try db.prepare("SELECT id, type_id, ext_id, attrs FROM object ORDER BY id")
        while try objectRows.step() {
            let id = objectRows.int64(0)
            var o = Obj(ext: objectRows.text(2), type: typeNames[objectRows.int64(1)] ?? "")
            for (k, v) in try AttributeJSON.decode(objectRows.optionalText(3)) { o.values.append((k, 0, v)) }
            objects[id] = o
            objectOrder.append(id)
        }
        let changes = try db.prepare("SELECT object_id, name, time, value FROM object_attribute ORDER BY object_id, time, name")
        while try changes.step() {
            if let v = try AttributeJSON.decode(changes.text(3)).first?.value {
                objects[changes.int64(0)]?.values.append((changes.text(1), changes.int64(2), v))
            }
        }
        let o2o = try db.prepare("SELECT source_id, target_id, qualifier FROM object_object ORDER BY source_id, target_id, qualifier")
        while try o2o.step() {
            let target = objects[o2o.int64(1)]?.ext ?? ""
            objects[o2o.int64(0)]?.links.append((target, o2o.text(2)))
        }
        var objectTypeAttributes: [String: [String: String]] = [:]
        var objectTypeOrder = OrderedKeys()
        for id in objectOrder {
            let o = objects[id]!
            objectTypeOrder.add(o.type)
            for v in o.values where objectTypeAttributes[o.type]?[v.name] == nil {
                objectTypeAttributes[o.type, default: [:]][v.name] = OCELJSONExporter.ocelType(v.value)
            }
        }

        // Event-to-object links, grouped by event.
        let table = try store.eventTable()
        var e2o: [Int64: [(Int64, String)]] = [:]
        for link in table.links { e2o[link.event, default: []].append((link.object, link.qualifier)) }

        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw ExportError(file: path, message: "cannot create the file")
        }
        defer { try? out.close() }
        var text = "{\n"
        func flush() {
            if text.utf8.count > 1 << 20 {
                out.write(Data(text.utf8))
                text = ""
            }
        }
        func typeList(_ order: [String], _ attributes: [String: [String: String]]) -> String {
            order.map { name in
                let attrs = (attributes[name] ?? [:]).sorted { $0.key < $1.key }
                    .map { "{\"name\":\(AttributeJSON.quote($0.key)),\"type\":\"\($0.value)\"}" }.joined(separator: ",")
                return "{\"name\":\(AttributeJSON.quote(name)),\"attributes\":[\(attrs)]}"
            }.joined(separator: ",\n")
        }
        text += "\"objectTypes\":[\n" + typeList(objectTypeOrder.keys, objectTypeAttributes) + "\n],\n"

        // Event types need a pass over events first.
        var eventTypeAttributes: [String: [String: String]] = [:]
        var eventTypeOrder = OrderedKeys()
        var eventTexts: [String] = []
        for i in table.ids.indices {
            let id = table.ids[i]
            let activity = table.activity[i]
            eventTypeOrder.add(activity)
            var attrs = try AttributeJSON.decode(table.attributes[i])
            // OCEL 2.0 has no fields for these: they travel as attributes under their XES names,
            // which the OCEL importers map back.
            if table.startTime[i] != Int64.min { attrs.append(("start_timestamp", .date(table.startTime[i]))) }
            if let resource = table.resource[i] { attrs.append(("org:resource", .string(resource))) }
            if let lifecycle = table.lifecycle[i] { attrs.append(("lifecycle:transition", .string(lifecycle))) }
            for (k, v) in attrs where eventTypeAttributes[activity]?[k] == nil {
                eventTypeAttributes[activity, default: [:]][k] = OCELJSONExporter.ocelType(v)
            }
            let ext = table.externalID[i] ?? "e\(id)"
            let attrText = attrs.map { "{\"name\":\(AttributeJSON.quote($0.key)),\"value\":\(OCELJSONExporter.ocelValue($0.value))}" }.joined(separator: ",")
            let relText = (e2o[id] ?? []).map { "{\"objectId\":\(AttributeJSON.quote(objects[$0.0]?.ext ?? "")),\"qualifier\":\(AttributeJSON.quote($0.1))}" }.joined(separator: ",")
            eventTexts.append(
                "{\"id\":\(AttributeJSON.quote(ext)),\"type\":\(AttributeJSON.quote(activity)),\"time\":\"\(Timestamp.format(table.time[i]))\",\"attributes\":[\(attrText)],\"relationships\":[\(relText)]}")
        }
        let count = table.ids.count
        text += "\"eventTypes\":[\n" + typeList(eventTypeOrder.keys, eventTypeAttributes) + "\n],\n"
        text += "\"objects\":[\n"
        for (n, id) in objectOrder.enumerated() {
            let o = objects[id]!
            let attrs = o.values.map {
                "{\"name\":\(AttributeJSON.quote($0.name)),\"time\":\"\(Timestamp.format($0.time))\",\"value\":\(OCELJSONExporter.ocelValue($0.value))}"
            }.joined(separator: ",")
            let rels = o.links.map { "{\"objectId\":\(AttributeJSON.quote($0.0)),\"qualifier\":\(AttributeJSON.quote($0.1))}" }.joined(separator: ",")
            text += "{\"id\":\(AttributeJSON.quote(o.ext)),\"type\":\(AttributeJSON.quote(o.type)),\"attributes\":[\(attrs)],\"relationships\":[\(rels)]}"
            text += n + 1 < objectOrder.count ? ",\n" : "\n"
            flush()
        }
        text += "],\n\"events\":[\n"
        for (n, e) in eventTexts.enumerated() {
            text += e + (n + 1 < eventTexts.count ? ",\n" : "\n")
            flush()
        }
        text += "]\n}\n"
        out.write(Data(text.utf8))
        return count
    }
}

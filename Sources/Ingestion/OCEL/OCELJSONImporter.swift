import Foundation
import Storage
import _WaybillSupport

/// Imports an object-centric event log in the OCEL 2.0 JSON layout (plain or gzip).
///
/// Reads the top-level keys of the OCEL 2.0 JSON schema: `objectTypes` and `eventTypes` (names
/// with typed attribute declarations), `objects` (`id`, `type`, `attributes` as
/// `{name, time, value}`, `relationships` as `{objectId, qualifier}`) and `events` (`id`, `type`,
/// `time`, `attributes` as `{name, value}`, `relationships`). Objects are written before events
/// whatever their order in the file, so references resolve. `OCELBuilder` types the values and
/// writes the store, as for the XML and SQLite layouts.
///
/// The whole file is parsed with `JSONSerialization`: OCEL 2.0 JSON logs are tens of megabytes,
/// and the standard's layout (one array of all events) does not stream usefully anyway.
///
/// - Complexity: O(*n*) time and memory in the file's (decompressed) size.
public struct OCELJSONImporter: LogImporter {
    public var formatName: String { "ocel2-json" }
    let path: String
    let options: ImportOptions

    public init(path: String, options: ImportOptions) {
        self.path = path
        self.options = options
    }

    /// - Throws: `IngestionError` `.unreadable` (missing file, truncated gzip), `.malformed`
    ///   (invalid JSON, with its line), `.wrongFormat` (JSON that is not an OCEL 2.0 log),
    ///   `.ambiguousTimeZone`.
    /// - Complexity: O(*n*) in the file's size; memory O(*n*) for the parsed document.
    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let bytes: [UInt8]
        do { bytes = try ByteSource.readAll(path: path) } catch let error as ByteSource.ReadError {
            throw IngestionError(.unreadable, file: path, error.reason)
        }
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw IngestionError(
                .malformed, file: path, location: OCELJSONImporter.errorLine(in: bytes, error: error),
                "is not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)")"
            )
        }
        guard let root = document as? [String: Any] else {
            throw IngestionError(.wrongFormat, file: path, "is JSON but not an object, so not an OCEL 2.0 JSON log")
        }
        guard let events = root["events"] as? [Any] else {
            throw IngestionError(
                .wrongFormat, file: path,
                "has no \"events\" array, so it is not an OCEL 2.0 JSON log (OCEL 1.0 logs use \"ocel:events\"; convert them first)"
            )
        }
        let objects = root["objects"] as? [Any] ?? []

        let builder = try OCELBuilder(session: session, path: path, options: options, rejects: rejects)
        defer { rejects = builder.rejects }
        for case let type as [String: Any] in root["objectTypes"] as? [Any] ?? [] {
            guard let name = type["name"] as? String else { continue }
            try builder.declareObjectType(name, attributes: declarations(type["attributes"]))
        }
        for case let type as [String: Any] in root["eventTypes"] as? [Any] ?? [] {
            guard let name = type["name"] as? String else { continue }
            builder.declareEventType(name, attributes: declarations(type["attributes"]))
        }

        // Define every object first, then its attributes and links, so links may point forward.
        var defined: [(index: Int, object: [String: Any], id: String)] = []
        for (index, item) in objects.enumerated() {
            let object = item as? [String: Any] ?? [:]
            let id = object["id"] as? String
            let location = id.map { "object \($0)" } ?? "objects[\(index)]"
            if try builder.object(id: id, type: object["type"] as? String, location: location), let id {
                defined.append((index, object, id))
            }
        }
        for (_, object, id) in defined {
            let location = "object \(id)"
            for case let attribute as [String: Any] in object["attributes"] as? [Any] ?? [] {
                try builder.objectAttribute(
                    objectID: id, name: attribute["name"] as? String ?? "", time: attribute["time"] as? String,
                    value: OCELJSONImporter.raw(attribute["value"]), location: location)
            }
            for case let relationship as [String: Any] in object["relationships"] as? [Any] ?? [] {
                try builder.objectLink(
                    sourceID: id, targetID: relationship["objectId"] as? String,
                    qualifier: relationship["qualifier"] as? String, location: location)
            }
        }

        for (index, item) in events.enumerated() {
            let event = item as? [String: Any] ?? [:]
            let id = event["id"] as? String
            var attributes: [(name: String, value: OCELRawValue)] = []
            for case let attribute as [String: Any] in event["attributes"] as? [Any] ?? [] {
                guard let name = attribute["name"] as? String else { continue }
                attributes.append((name, OCELJSONImporter.raw(attribute["value"])))
            }
            var relationships: [(objectID: String?, qualifier: String?)] = []
            for case let relationship as [String: Any] in event["relationships"] as? [Any] ?? [] {
                relationships.append((relationship["objectId"] as? String, relationship["qualifier"] as? String))
            }
            try builder.event(
                id: id, type: event["type"] as? String, time: event["time"] as? String, attributes: attributes,
                relationships: relationships, location: id.map { "event \($0)" } ?? "events[\(index)]")
        }
        try builder.finish()
    }

    /// The `{name, type}` attribute declarations of an object or event type.
    private func declarations(_ value: Any?) -> [(name: String, type: String)] {
        var result: [(name: String, type: String)] = []
        for case let declaration as [String: Any] in value as? [Any] ?? [] {
            guard let name = declaration["name"] as? String else { continue }
            result.append((name, declaration["type"] as? String ?? ""))
        }
        return result
    }

    /// A JSON value as a raw attribute value; nested arrays and objects are kept as their JSON text.
    static func raw(_ value: Any?) -> OCELRawValue {
        switch value {
        case nil, is NSNull: return .null
        case let s as String: return .text(s)
        case let n as NSNumber:
            // JSONSerialization marks booleans with objCType "c" and floats with "d"/"f".
            switch n.objCType.pointee {
            case CChar(UInt8(ascii: "c")), CChar(UInt8(ascii: "B")): return .bool(n.boolValue)
            case CChar(UInt8(ascii: "d")), CChar(UInt8(ascii: "f")): return .double(n.doubleValue)
            default: return .int(n.int64Value)
            }
        case let other?:
            if JSONSerialization.isValidJSONObject(other),
                let data = try? JSONSerialization.data(withJSONObject: other, options: [.sortedKeys])
            {
                return .text(String(decoding: data, as: UTF8.self))
            }
            return .text("\(other)")
        }
    }

    /// The line of a JSON syntax error, from the position Foundation's message gives.
    ///
    /// Foundation on Linux reports "around character *n*" (a byte offset) or "Unexpected end of
    /// file"; on Darwin "around line *l*, column *c*".
    static func errorLine(in bytes: [UInt8], error: any Error) -> String? {
        let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        func number(after marker: String) -> Int? {
            guard let range = message.range(of: marker) else { return nil }
            return Int(message[range.upperBound...].prefix { $0.isNumber })
        }
        if let line = number(after: "line ") { return "line \(line)" }
        let lines = { (end: Int) in bytes[..<min(max(end, 0), bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } }
        if let offset = number(after: "character ") { return "line \(lines(offset))" }
        if message.lowercased().contains("end of file") { return "line \(lines(bytes.count))" }
        return nil
    }
}

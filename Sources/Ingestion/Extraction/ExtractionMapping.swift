import Foundation
import Yams

/// A declarative mapping from source-system tables to events: per activity, a SQL query.
///
/// ```yaml
/// name: retailer-sim          # watermarks are kept per mapping name and entry
/// case_type: orders           # the object type of `case_id`
/// case_attributes:            # optional: one row per case, `case_id` + attribute columns
///   query: SELECT order_id AS case_id, channel, promised_at FROM orders
/// entries:
///   - name: order-created     # unique; the watermark key
///     activity: Order Created # or omit, and return an `activity` column
///     query: SELECT order_id AS case_id, created_at AS timestamp, 'OMS' AS resource FROM orders
/// ```
/// Query columns: `case_id` and `timestamp` (required), `activity`, `resource`,
/// `start_timestamp`, `lifecycle`, `event_id` (optional); `object:<type>` links the event to an
/// object of that type; any other column is an event attribute.
public struct ExtractionMapping: Sendable, Codable, Equatable {
    /// One activity's query.
    public struct Entry: Sendable, Codable, Equatable {
        public var name: String
        public var activity: String?
        public var query: String
    }

    /// The case-attribute query.
    public struct CaseAttributes: Sendable, Codable, Equatable {
        public var query: String
    }

    public var name: String
    public var caseType: String?
    public var caseAttributes: CaseAttributes?
    public var entries: [Entry]

    enum CodingKeys: String, CodingKey {
        case name, entries
        case caseType = "case_type"
        case caseAttributes = "case_attributes"
    }

    /// Reads and checks a mapping file.
    ///
    /// - Throws: `IngestionError.invalidMapping` naming the file and the problem.
    public static func load(path: String) throws -> ExtractionMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestionError(.unreadable, file: path, "no such mapping file")
        }
        let mapping: ExtractionMapping
        do {
            mapping = try YAMLDecoder().decode(ExtractionMapping.self, from: data)
        } catch let error as DecodingError {
            throw IngestionError(.invalidMapping, file: path, describe(error))
        } catch {
            throw IngestionError(.invalidMapping, file: path, "not valid YAML: \(error)")
        }
        guard !mapping.entries.isEmpty else { throw IngestionError(.invalidMapping, file: path, "has no entries") }
        var names: Set<String> = []
        for (i, entry) in mapping.entries.enumerated() {
            guard names.insert(entry.name).inserted else {
                throw IngestionError(.invalidMapping, file: path, location: "entries[\(i)]", "entry name '\(entry.name)' is used twice; names key the watermarks and must be unique")
            }
            let trimmed = entry.query.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard trimmed.hasPrefix("select") || trimmed.hasPrefix("with") else {
                throw IngestionError(.invalidMapping, file: path, location: "entries[\(i)] (\(entry.name))", "query must be a SELECT")
            }
        }
        return mapping
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

import Storage
import _WaybillSupport

/// The per-event fields the case view leaves out (resource, lifecycle, attributes), read for
/// exports in one pass over the event table.
struct StoredEvents {
    var resource: [Int64: String] = [:]
    var lifecycle: [Int64: String] = [:]
    var attributes: [Int64: AttributeList] = [:]
    var externalID: [Int64: String] = [:]

    /// - Complexity: O(*E*).
    init(store: EventStore) throws {
        let statement = try store.db.prepare(
            "SELECT e.id, r.name, e.lifecycle, e.attrs, e.ext_id FROM event e LEFT JOIN resource r ON r.id = e.resource_id")
        while try statement.step() {
            let id = statement.int64(0)
            if let r = statement.optionalText(1) { resource[id] = r }
            if let l = statement.optionalText(2) { lifecycle[id] = l }
            if let a = statement.optionalText(3) { attributes[id] = try AttributeJSON.decode(a) }
            if let x = statement.optionalText(4) { externalID[id] = x }
        }
    }
}

/// Keys in first-seen order, for stable column and attribute orders.
struct OrderedKeys {
    private(set) var keys: [String] = []
    private var seen: Set<String> = []
    mutating func add(_ key: String) { if seen.insert(key).inserted { keys.append(key) } }
}

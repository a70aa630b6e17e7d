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
        let table = try store.eventTable()
        for i in table.ids.indices {
            let id = table.ids[i]
            if let r = table.resource[i] { resource[id] = r }
            if let l = table.lifecycle[i] { lifecycle[id] = l }
            if let a = table.attributes[i] { attributes[id] = try AttributeJSON.decode(a) }
            if let x = table.externalID[i] { externalID[id] = x }
        }
    }
}

/// Keys in first-seen order, for stable column and attribute orders.
struct OrderedKeys {
    private(set) var keys: [String] = []
    private var seen: Set<String> = []
    mutating func add(_ key: String) { if seen.insert(key).inserted { keys.append(key) } }
}

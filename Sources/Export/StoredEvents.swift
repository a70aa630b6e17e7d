import Storage
import _WaybillSupport

/// The per-event fields the case view leaves out (resource, lifecycle, attributes), read for
/// exports in one pass over the event table, kept as arrays by the table's row; `row(of:)` finds
/// an event's row from its store id.
struct StoredEvents {
    /// Per row: the event's store id, ascending (segments are stored in id order).
    private let ids: [Int64]
    /// Whether the ids run without gaps from `ids[0]` (then a row is an id less the first).
    private let dense: Bool
    let resource: [String?]
    let lifecycle: [String?]
    let attributes: [AttributeList?]
    let externalID: [String?]
    /// Whether any event has a resource, a lifecycle transition.
    let hasResource: Bool
    let hasLifecycle: Bool

    /// - Complexity: O(*E*), plus decoding each event's attributes.
    init(store: EventStore) throws {
        let table = try store.eventTable()
        ids = table.ids
        precondition(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "event ids ascending")
        dense = ids.isEmpty || ids[ids.count - 1] - ids[0] == Int64(ids.count - 1)
        resource = table.resource
        lifecycle = table.lifecycle
        attributes = try table.attributes.map { try $0.map(AttributeJSON.decode) }
        externalID = table.externalID
        hasResource = table.resource.contains { $0 != nil }
        hasLifecycle = table.lifecycle.contains { $0 != nil }
    }

    /// The row of the event with store id `id`, or nil when the table has none.
    ///
    /// - Complexity: O(1) when the ids have no gaps, else O(log *E*).
    func row(of id: Int64) -> Int? { Self.row(of: id, in: ids, dense: dense) }

    /// The index of `id` in the ascending `ids`, or nil; `dense` when they run without gaps.
    ///
    /// - Complexity: O(1) when `dense`, else O(log `ids.count`).
    static func row(of id: Int64, in ids: [Int64], dense: Bool) -> Int? {
        guard let first = ids.first else { return nil }
        if dense {
            let row = Int(id - first)
            return row >= 0 && row < ids.count ? row : nil
        }
        var (lo, hi) = (0, ids.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : nil
    }
}

/// Keys in first-seen order, for stable column and attribute orders.
struct OrderedKeys {
    private(set) var keys: [String] = []
    private var seen: Set<String> = []
    mutating func add(_ key: String) { if seen.insert(key).inserted { keys.append(key) } }
}

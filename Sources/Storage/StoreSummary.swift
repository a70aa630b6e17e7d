import _WaybillSupport

/// An overview of what a store holds: what `waybill summary` prints and `--json` emits.
public struct StoreSummary: Sendable, Codable, Equatable {
    /// Events in the store.
    public var events: Int
    /// Objects per type.
    public var objectsByType: [String: Int]
    /// Event-to-object and object-to-object links.
    public var eventObjectLinks: Int
    public var objectObjectLinks: Int
    /// Distinct activities.
    public var activities: Int
    /// Imports recorded.
    public var imports: Int
    /// The case view summarised (nil if the store has no events).
    public var caseView: CaseViewSummary?

    /// The case view's figures.
    public struct CaseViewSummary: Sendable, Codable, Equatable {
        public var caseType: String
        public var cases: Int
        public var events: Int
        public var activities: Int
        public var variants: Int
        public var startActivities: [String: Int]
        public var endActivities: [String: Int]
        public var firstEvent: String
        public var lastEvent: String
        public var caseAttributes: [String]
    }
}

extension EventStore {
    /// Summarises the store and its case view on `objectType` (see `resolveCaseType`).
    ///
    /// - Complexity: O(*E*) to load the case view, plus one count per table.
    public func summary(objectType: String? = nil) throws -> StoreSummary {
        func count(_ sql: String) throws -> Int { Int(try db.scalarInt(sql) ?? 0) }
        var objects: [String: Int] = [:]
        for (name, n) in try objectTypes() { objects[name] = n }
        var summary = StoreSummary(
            events: try eventCount(), objectsByType: objects,
            eventObjectLinks: try eventObjectLinkCount(),
            objectObjectLinks: try count("SELECT count(*) FROM object_object"),
            activities: try count("SELECT count(*) FROM activity"), imports: try count("SELECT count(*) FROM import_record"),
            caseView: nil)
        guard summary.events > 0 else { return summary }
        let log = try loadCaseView(objectType: objectType)
        var variants: Set<[Int32]> = []
        for c in 0..<log.caseCount { variants.insert(Array(log.activities[log.events(ofCase: c)])) }
        let used = Set(log.activities)
        summary.caseView = .init(
            caseType: log.caseType, cases: log.caseCount, events: log.eventCount, activities: used.count,
            variants: variants.count, startActivities: log.startActivities(), endActivities: log.endActivities(),
            firstEvent: log.timestamps.min().map { Timestamp.format($0) } ?? "",
            lastEvent: log.timestamps.max().map { Timestamp.format($0) } ?? "",
            caseAttributes: log.caseAttributes.keys.sorted())
        return summary
    }
}

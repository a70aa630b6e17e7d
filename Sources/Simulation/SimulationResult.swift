/// What a simulation run wrote: the three files and how much is in them.
public struct SimulationResult: Sendable {
    /// The source-system database (`source.sqlite`).
    public var sourcePath: String
    /// The extraction mapping (`mapping.yaml`).
    public var mappingPath: String
    /// The injected patterns (`ground-truth.json`).
    public var groundTruthPath: String
    /// Orders created.
    public var orders: Int
    /// Rows written per source table.
    public var rows: [String: Int]
    /// Events the mapping's queries yield, in total (exact for this file, before any filtering
    /// the extract stage applies).
    public var events: Int
    /// Events per activity name.
    public var eventsPerActivity: [String: Int]

    /// Mean events per order.
    public var eventsPerOrder: Double { orders > 0 ? Double(events) / Double(orders) : 0 }
}

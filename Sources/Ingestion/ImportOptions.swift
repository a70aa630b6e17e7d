/// How an import reads its input: column names, time zones, the case type and reject limits.
public struct ImportOptions: Sendable, Codable, Equatable {
    /// CSV delimiter; nil sniffs `,`, `;` or tab from the header line.
    public var delimiter: UInt8?
    /// CSV column names, overriding the header mapping.
    public var caseColumn: String?
    public var activityColumn: String?
    public var timestampColumn: String?
    public var startTimestampColumn: String?
    public var resourceColumn: String?
    /// A timestamp format (`iso`, `epoch-s`, `epoch-ms`, or a pattern such as `%d-%m-%Y %H:%M`);
    /// nil reads ISO 8601 or epoch numbers.
    public var timestampFormat: String?
    /// The zone of timestamps that carry none (`UTC`, `+01:00`, `Europe/Amsterdam`). Required when
    /// such timestamps occur; never guessed.
    public var timeZone: String?
    /// The object type a flat log's cases become.
    public var caseType: String = "case"
    /// The largest share of rejected rows an import accepts before failing whole.
    public var maxRejectRate: Double = 0.01

    public init() {}
}

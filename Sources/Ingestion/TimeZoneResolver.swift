import Foundation
import _WaybillSupport

/// Converts wall-clock times without a zone into UTC, for the zone named by `--timezone`.
///
/// Accepts `UTC`, a fixed offset (`+01:00`, `-0530`) or an IANA name (`Europe/Amsterdam`),
/// which follows daylight-saving rules. Offsets are cached per local hour, so converting a
/// million timestamps asks the zone database a few thousand times at most.
public final class TimeZoneResolver {
    private let fixedOffset: Int64?
    private let zone: TimeZone?
    private var cache: [Int64: Int64] = [:]
    /// The zone's name as given.
    public let name: String

    /// - Throws: `IngestionError.invalidOption` for an unknown zone.
    public init(_ name: String) throws {
        self.name = name
        if name.uppercased() == "UTC" || name == "Z" {
            fixedOffset = 0
            zone = nil
        } else if let parsed = Timestamp.parseISO("1970-01-01T00:00:00" + name) {
            fixedOffset = -parsed.micros
            zone = nil
        } else if let tz = TimeZone(identifier: name) {
            fixedOffset = nil
            zone = tz
        } else {
            throw IngestionError(.invalidOption, "unknown time zone '\(name)'; use UTC, an offset such as +01:00, or a name such as Europe/Amsterdam")
        }
    }

    /// The UTC instant of a wall-clock time read as if it were UTC.
    ///
    /// - Complexity: amortised O(1).
    public func toUTC(_ local: Microseconds) -> Microseconds {
        if let fixedOffset { return local - fixedOffset }
        let hour = local / 3_600_000_000
        if let offset = cache[hour] { return local - offset }
        // Offset at the instant local - offset(local): two rounds settle it except in the skipped
        // hour of a spring-forward change, where the later offset is taken.
        var offset = Int64(zone!.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local) / 1e6))) * 1_000_000
        offset = Int64(zone!.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - offset) / 1e6))) * 1_000_000
        cache[hour] = offset
        return local - offset
    }
}

import _WaybillSupport

/// What to simulate: how many orders over which weeks, the seed, and the size of the injected
/// patterns.
///
/// The defaults give the demo data set: 5,000 orders over eight weeks from Monday 2026-01-05,
/// no drift. Every field has a default when decoded, so a JSON or YAML config only names what it
/// changes. `validate()` checks ranges and reports the first bad field with a fix.
public struct SimulationConfig: Sendable, Codable, Equatable {
    /// Total number of orders created in the window.
    public var orders: Int
    /// Seed of every random draw: the same config and seed give byte-identical output.
    public var seed: UInt64
    /// First day of the window, `YYYY-MM-DD` (UTC midnight).
    public var startDate: String
    /// Length of the window in weeks.
    public var weeks: Int
    /// When set, the first week (1-based, 2...`weeks`) from which the channel mix and one
    /// carrier's transit time drift.
    public var driftFromWeek: Int?
    /// How many times longer the Picked → Packed wait is at the congested node on its
    /// congested weekdays.
    public var congestionFactor: Double
    /// Probability that an allocation attempt of a `marketplace_a` order fails because the
    /// marketplace's stock view lags the OMS (`marketplace_b` gets 40% of it; other channels 3%).
    public var marketplaceFailureRate: Double
    /// How many times longer the slow carrier takes in transit in its slow region.
    public var slowCarrierTransitFactor: Double
    /// How many times the normal order intake arrives during a promotion.
    public var promotionVolumeFactor: Double

    /// A configuration; every argument has the demo default.
    public init(
        orders: Int = 5_000, seed: UInt64 = 42, startDate: String = "2026-01-05", weeks: Int = 8,
        driftFromWeek: Int? = nil, congestionFactor: Double = 9, marketplaceFailureRate: Double = 0.30,
        slowCarrierTransitFactor: Double = 2.5, promotionVolumeFactor: Double = 2.5
    ) {
        self.orders = orders
        self.seed = seed
        self.startDate = startDate
        self.weeks = weeks
        self.driftFromWeek = driftFromWeek
        self.congestionFactor = congestionFactor
        self.marketplaceFailureRate = marketplaceFailureRate
        self.slowCarrierTransitFactor = slowCarrierTransitFactor
        self.promotionVolumeFactor = promotionVolumeFactor
    }

    enum CodingKeys: String, CodingKey {
        case orders, seed, startDate, weeks, driftFromWeek, congestionFactor, marketplaceFailureRate
        case slowCarrierTransitFactor, promotionVolumeFactor
    }

    /// Decodes a config, taking the default for every missing field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SimulationConfig()
        orders = try c.decodeIfPresent(Int.self, forKey: .orders) ?? d.orders
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        startDate = try c.decodeIfPresent(String.self, forKey: .startDate) ?? d.startDate
        weeks = try c.decodeIfPresent(Int.self, forKey: .weeks) ?? d.weeks
        driftFromWeek = try c.decodeIfPresent(Int.self, forKey: .driftFromWeek)
        congestionFactor = try c.decodeIfPresent(Double.self, forKey: .congestionFactor) ?? d.congestionFactor
        marketplaceFailureRate =
            try c.decodeIfPresent(Double.self, forKey: .marketplaceFailureRate) ?? d.marketplaceFailureRate
        slowCarrierTransitFactor =
            try c.decodeIfPresent(Double.self, forKey: .slowCarrierTransitFactor) ?? d.slowCarrierTransitFactor
        promotionVolumeFactor =
            try c.decodeIfPresent(Double.self, forKey: .promotionVolumeFactor) ?? d.promotionVolumeFactor
    }

    /// The largest order count accepted: the order book is held in memory (about 0.5 GB per
    /// million orders), and beyond this it would not fit a typical machine.
    public static let maximumOrders = 10_000_000

    /// Checks every field and throws the first problem, naming the field and the accepted range.
    ///
    /// - Throws: `SimulationError` with code `.invalidConfig`.
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> SimulationError {
            SimulationError(.invalidConfig, message, location: field)
        }
        guard orders > 0, orders <= Self.maximumOrders else {
            throw fail("orders", "the number of orders must be between 1 and \(Self.maximumOrders); got \(orders)")
        }
        guard weeks > 0, weeks <= 104 else {
            throw fail("weeks", "the window must be 1 to 104 weeks long; got \(weeks)")
        }
        guard startDay != nil else {
            throw fail(
                "startDate", "expected a calendar date written YYYY-MM-DD, such as 2026-01-05; got \"\(startDate)\"")
        }
        if let driftFromWeek, driftFromWeek < 2 || driftFromWeek > weeks {
            throw fail(
                "driftFromWeek",
                "drift must start in week 2...\(weeks) of a \(weeks)-week window (weeks count from 1); got \(driftFromWeek)"
                    + (weeks < 2 ? "; use at least 2 weeks to simulate drift" : ""))
        }
        for (field, value) in [
            ("congestionFactor", congestionFactor), ("slowCarrierTransitFactor", slowCarrierTransitFactor),
            ("promotionVolumeFactor", promotionVolumeFactor),
        ] where !(value >= 1 && value <= 50) {
            throw fail(field, "a factor must be between 1 (no effect) and 50; got \(value)")
        }
        guard marketplaceFailureRate >= 0, marketplaceFailureRate <= 0.9 else {
            throw fail(
                "marketplaceFailureRate", "a failure rate must be between 0 and 0.9; got \(marketplaceFailureRate)")
        }
    }

    /// The start date as days since 1970-01-01, or nil if it is not a valid `YYYY-MM-DD` date.
    var startDay: Int64? {
        let bytes = Array(startDate.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let parsed = Timestamp.parseISO(startDate)
        else { return nil }
        return Clock.dayNumber(parsed.micros / 1000)
    }
}

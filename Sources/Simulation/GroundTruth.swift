import Foundation

/// The patterns a simulation injected and their sizes: the answer key for the later stages.
///
/// Written as `ground-truth.json` with snake_case keys, sorted, so the file is byte-identical for
/// the same config and seed. Tests and the demo read it back with `GroundTruth.decode(_:)` and
/// check that bottleneck mining, SLA-miss models and drift detection recover each pattern.
public struct GroundTruth: Sendable, Codable, Equatable {
    /// The configuration that produced the data.
    public var config: SimulationConfig
    /// Start of the simulated window (RFC 3339, UTC), inclusive.
    public var windowStart: String
    /// End of the window, exclusive: the moment the source systems were "exported". Orders in
    /// flight then have only the events that happened before it.
    public var windowEnd: String
    /// The injected patterns, in a fixed order.
    public var patterns: [InjectedPattern]
    /// Counts over the generated orders.
    public var summary: Summary

    /// Counts over the generated orders, for sanity checks and the demo's narration.
    public struct Summary: Sendable, Codable, Equatable {
        /// Orders created in the window.
        public var orders: Int
        /// Orders neither finished (delivered, collected, returned) nor cancelled at the window end.
        public var openOrders: Int
        /// Orders cancelled before the window end.
        public var cancelledOrders: Int
        /// Orders with a return requested before the window end.
        public var returnedOrders: Int
        /// Finished orders delivered (or ready for pickup) after their promised time.
        public var lateOrders: Int
        /// Finished orders delivered (or ready for pickup) at all.
        public var finishedOrders: Int
    }

    /// The encoder used for the file: sorted snake_case keys, pretty-printed.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    /// Reads a `ground-truth.json` written by `encoded()`.
    public static func decode(_ data: Data) throws -> GroundTruth {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(GroundTruth.self, from: data)
    }

    /// The congested-node patterns.
    public var congestedNodes: [InjectedPattern.CongestedNode] {
        patterns.compactMap { if case .congestedNode(let p) = $0 { p } else { nil } }
    }
    /// The allocation-failure patterns, one per affected channel.
    public var allocationSyncLags: [InjectedPattern.AllocationSyncLag] {
        patterns.compactMap { if case .allocationSyncLag(let p) = $0 { p } else { nil } }
    }
    /// The slow-carrier patterns.
    public var slowCarriers: [InjectedPattern.SlowCarrier] {
        patterns.compactMap { if case .slowCarrier(let p) = $0 { p } else { nil } }
    }
    /// The promotion windows.
    public var promotions: [InjectedPattern.Promotion] {
        patterns.compactMap { if case .promotion(let p) = $0 { p } else { nil } }
    }
    /// How return reasons depend on category, carrier and lateness.
    public var returnReasons: InjectedPattern.ReturnReasons? {
        patterns.lazy.compactMap { if case .returnReasons(let p) = $0 { p } else { nil } }.first
    }
    /// The drift, when the config asked for one.
    public var drift: InjectedPattern.Drift? {
        patterns.lazy.compactMap { if case .drift(let p) = $0 { p } else { nil } }.first
    }
}

/// One injected pattern, written as an object with a `kind` field and the pattern's own fields.
public enum InjectedPattern: Sendable, Codable, Equatable {
    /// `congested_node`: a node packs slowly on some weekdays.
    case congestedNode(CongestedNode)
    /// `allocation_sync_lag`: a channel's allocations fail and are retried hours later.
    case allocationSyncLag(AllocationSyncLag)
    /// `slow_carrier`: a carrier is slow, and fails more deliveries, in one region.
    case slowCarrier(SlowCarrier)
    /// `promotion`: a window of extra intake.
    case promotion(Promotion)
    /// `return_reasons`: how return reasons depend on category, carrier and lateness.
    case returnReasons(ReturnReasons)
    /// `drift`: the process changes from one week on.
    case drift(Drift)

    /// A fulfilment node whose packing falls behind on some weekdays.
    public struct CongestedNode: Sendable, Codable, Equatable {
        /// The node, e.g. `DC-S`.
        public var node: String
        /// Weekday names of the Picked event on which the wait is longer.
        public var weekdays: [String]
        /// The directly-follows edge that slows down: `["Picked", "Packed"]`.
        public var edge: [String]
        /// How many times longer the wait is than the node's normal one.
        public var factor: Double
        /// Median Picked → Packed wait elsewhere, in minutes, before business-hours alignment.
        public var baselineMedianMinutes: Double
        /// Orders picked at the node on those weekdays.
        public var affectedOrders: Int
    }

    /// A channel whose stock view lags the OMS, so allocation attempts fail and are retried
    /// hours later.
    public struct AllocationSyncLag: Sendable, Codable, Equatable {
        /// The sales channel, e.g. `marketplace_a`.
        public var channel: String
        /// Probability that one allocation attempt fails for this channel.
        public var failureRate: Double
        /// The same probability for the other channels.
        public var baselineRate: Double
        /// Median delay before the retry after a failed attempt, in hours.
        public var retryDelayMedianHours: Double
        /// Attempts after which an order is cancelled as out of stock.
        public var maxAttempts: Int
        /// Orders of the channel with at least one failed attempt.
        public var affectedOrders: Int
    }

    /// A carrier that is slow, and fails more deliveries, in one region.
    public struct SlowCarrier: Sendable, Codable, Equatable {
        /// The carrier, e.g. `SwiftShip`.
        public var carrier: String
        /// The customer region where it is slow, e.g. `east`.
        public var region: String
        /// How many times longer collection → depot arrival takes.
        public var transitFactor: Double
        /// Probability that a delivery attempt fails there.
        public var deliveryFailureRate: Double
        /// The carrier's rate elsewhere.
        public var baselineDeliveryFailureRate: Double
        /// Shipments of the carrier into the region.
        public var affectedOrders: Int
    }

    /// A promotion window that multiplies order intake (and so the load on the DCs).
    public struct Promotion: Sendable, Codable, Equatable {
        /// The promotion's display name.
        public var name: String
        /// The promo code stamped on orders created in the window (`orders.promo_code`).
        public var code: String
        /// Start (inclusive), RFC 3339 UTC.
        public var start: String
        /// End (exclusive), RFC 3339 UTC.
        public var end: String
        /// Intake multiplier for the promoted channels.
        public var volumeFactor: Double
        /// The channels whose intake grows (B2B does not).
        public var channels: [String]
        /// Queue waits before picking scale with `load ^ exponent`, where load is the node's
        /// intake that working day over its mean.
        public var waitLoadExponent: Double
        /// Orders created in the window.
        public var orders: Int
    }

    /// How return reasons depend on product category, carrier and lateness.
    ///
    /// Lists rather than dictionaries, so that the snake_case key strategy never touches a
    /// category or carrier name.
    public struct ReturnReasons: Sendable, Codable, Equatable {
        /// Per category, the return probability of each product-driven reason code.
        public var byCategory: [CategoryRates]
        /// Probability that a parcel of each carrier arrives damaged and is returned as `damaged`.
        public var carrierDamageRates: [CarrierRate]
        /// The carrier with the highest damage rate.
        public var damagedCarrier: String
        /// Extra return probability, with reason `late_delivery`, for parcels delivered after
        /// their promised time; on-time parcels never carry this reason.
        public var lateDeliveryRate: Double
        /// The reason code of late returns.
        public var lateReason: String
        /// Returns requested in the window.
        public var returns: Int

        /// Return probabilities of one category, by reason code.
        public struct CategoryRates: Sendable, Codable, Equatable {
            /// The product category, e.g. `apparel`.
            public var category: String
            /// Probability of a `size_fit` return.
            public var sizeFit: Double
            /// Probability of a `defective` return.
            public var defective: Double
            /// Probability of a `changed_mind` return.
            public var changedMind: Double
            /// Probability of a `not_as_described` return.
            public var notAsDescribed: Double
            /// The reason with the highest probability (`size_fit` for apparel).
            public var dominantReason: String
        }

        /// One carrier's damage rate.
        public struct CarrierRate: Sendable, Codable, Equatable {
            /// The carrier.
            public var carrier: String
            /// Probability that its parcel arrives damaged and is returned.
            public var rate: Double
        }
    }

    /// A change in the process from one week on.
    public struct Drift: Sendable, Codable, Equatable {
        /// The first drifted week, counting from 1.
        public var fromWeek: Int
        /// The instant the drift starts (RFC 3339 UTC).
        public var start: String
        /// The channel whose share grows, e.g. `marketplace_a`.
        public var channel: String
        /// How much the channel's intake weight is multiplied from `start` on.
        public var channelWeightFactor: Double
        /// The channel's expected share of orders before `start` (outside promotions).
        public var shareBefore: Double
        /// The channel's expected share of orders from `start` on (outside promotions).
        public var shareAfter: Double
        /// The carrier whose transit time grows for parcels collected from `start` on.
        public var carrier: String
        /// How many times longer its collection → depot arrival takes then.
        public var transitFactor: Double
    }

    private enum KindKey: String, CodingKey { case kind }

    /// The `kind` written for each case.
    public var kind: String {
        switch self {
        case .congestedNode: "congested_node"
        case .allocationSyncLag: "allocation_sync_lag"
        case .slowCarrier: "slow_carrier"
        case .promotion: "promotion"
        case .returnReasons: "return_reasons"
        case .drift: "drift"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .congestedNode(let p): try p.encode(to: encoder)
        case .allocationSyncLag(let p): try p.encode(to: encoder)
        case .slowCarrier(let p): try p.encode(to: encoder)
        case .promotion(let p): try p.encode(to: encoder)
        case .returnReasons(let p): try p.encode(to: encoder)
        case .drift(let p): try p.encode(to: encoder)
        }
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
    }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(String.self, forKey: .kind)
        switch kind {
        case "congested_node": self = .congestedNode(try CongestedNode(from: decoder))
        case "allocation_sync_lag": self = .allocationSyncLag(try AllocationSyncLag(from: decoder))
        case "slow_carrier": self = .slowCarrier(try SlowCarrier(from: decoder))
        case "promotion": self = .promotion(try Promotion(from: decoder))
        case "return_reasons": self = .returnReasons(try ReturnReasons(from: decoder))
        case "drift": self = .drift(try Drift(from: decoder))
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown pattern kind \"\(kind)\""))
        }
    }
}

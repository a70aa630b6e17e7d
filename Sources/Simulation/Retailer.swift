/// The simulated retailer's master data: channels, regions, categories, fulfilment nodes,
/// carriers and the behaviour that is the same in every run.
///
/// Everything is held as small integer codes (`UInt8`) with name tables here, so the order book
/// stays columnar and names are only materialised when rows are written.
enum Retailer {
    // MARK: - Sales channels

    static let web: UInt8 = 0
    static let marketplaceA: UInt8 = 1
    static let marketplaceB: UInt8 = 2
    static let storePickup: UInt8 = 3
    static let b2b: UInt8 = 4
    static let channelNames = ["web", "marketplace_a", "marketplace_b", "store_pickup", "b2b"]
    /// Share of orders per channel before promotions and drift.
    static let channelShares: [Double] = [0.45, 0.20, 0.14, 0.13, 0.08]

    /// Relative order intake per hour of day (UTC), per channel: an evening peak for the web
    /// and marketplaces, shop hours for click-and-collect, office hours for B2B.
    static let hourlyProfile: [[Double]] = [
        [
            0.9, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.1, 1.6, 2.0, 2.2, 2.4, 2.8, 2.6, 2.4, 2.4, 2.6, 3.0, 3.6, 4.4, 5.0,
            4.8, 3.6, 1.9,
        ],
        [
            1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.3, 1.8, 2.1, 2.3, 2.5, 2.8, 2.7, 2.5, 2.5, 2.7, 3.0, 3.4, 3.9, 4.2,
            4.0, 3.0, 1.8,
        ],
        [
            1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.3, 1.8, 2.1, 2.3, 2.5, 2.8, 2.7, 2.5, 2.5, 2.7, 3.0, 3.4, 3.9, 4.2,
            4.0, 3.0, 1.8,
        ],
        [
            0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2.4, 2.8, 3.0, 3.4, 3.2, 2.8, 2.6, 2.8, 3.2, 3.3, 3.0, 2.4,
            1.6, 0.8, 0.4,
        ],
        [0, 0, 0, 0, 0, 0, 0.2, 0.9, 2.6, 3.6, 3.8, 3.4, 2.2, 3.0, 3.4, 3.2, 2.6, 1.4, 0.4, 0.1, 0.05, 0, 0, 0],
    ]
    /// Relative order intake per weekday (Monday first), per channel.
    static let weekdayProfile: [[Double]] = [
        [1.10, 1.00, 0.98, 0.98, 0.92, 0.85, 1.12],
        [1.05, 1.00, 0.98, 0.98, 0.95, 0.95, 1.09],
        [1.05, 1.00, 0.98, 0.98, 0.95, 0.95, 1.09],
        [0.92, 0.92, 0.95, 1.00, 1.10, 1.21, 0.90],
        [1.25, 1.25, 1.20, 1.15, 1.00, 0.10, 0.05],
    ]

    // MARK: - Customers and products

    static let regionNames = ["north", "south", "east", "west", "central"]
    static let regionCities = ["Leeds", "Southampton", "Norwich", "Bristol", "Birmingham"]
    static let regionWeights: [Double] = [0.22, 0.24, 0.20, 0.18, 0.16]

    static let categoryNames = ["apparel", "electronics", "home", "beauty", "toys", "sports"]
    static let skuPrefixes = ["APP", "ELE", "HOM", "BEA", "TOY", "SPO"]
    static let catalogSizes = [1200, 600, 900, 500, 700, 600]
    /// Median unit price and its log-scale spread, per category.
    static let priceMedians: [Double] = [32, 140, 48, 16, 24, 38]
    static let priceSpreads: [Double] = [0.55, 0.8, 0.6, 0.45, 0.5, 0.6]
    /// Category mix per channel (rows follow `channelNames`).
    static let categoryMix: [[Double]] = [
        [0.34, 0.14, 0.18, 0.14, 0.10, 0.10],
        [0.22, 0.28, 0.14, 0.08, 0.18, 0.10],
        [0.26, 0.20, 0.18, 0.12, 0.12, 0.12],
        [0.30, 0.18, 0.16, 0.16, 0.12, 0.08],
        [0.10, 0.30, 0.40, 0.05, 0.05, 0.10],
    ]
    /// Share of express shipping per channel (store pickup has no shipping).
    static let expressShare: [Double] = [0.25, 0.30, 0.20, 0, 0]

    static let standard: UInt8 = 0
    static let express: UInt8 = 1
    static let pickup: UInt8 = 2
    static let speedNames = ["standard", "express", "pickup"]

    static let paymentMethodNames = ["card", "paypal", "wallet", "marketplace", "invoice"]

    // MARK: - Fulfilment nodes

    /// Distribution centres come first (codes 0...2), then the stores.
    static let dcCount = 3
    static let storesPerRegion = 4
    static let nodeNames: [String] =
        ["DC-N", "DC-S", "DC-W"] + (1...20).map { $0 < 10 ? "STORE-0\($0)" : "STORE-\($0)" }
    /// The region each node stands in.
    static let nodeRegions: [UInt8] = [0, 1, 3] + (0..<20).map { UInt8($0 / storesPerRegion) }
    static let dcS: UInt8 = 1
    /// The distribution centre that serves each region (east from the north, central from the south).
    static let regionDC: [UInt8] = [0, 1, 0, 2, 1]
    static let workersPerDC = 36
    static let workersPerStore = 5

    @inline(__always)
    static func isDC(_ node: UInt8) -> Bool { Int(node) < dcCount }

    /// A store of the region, chosen by `index` in 0..<storesPerRegion.
    @inline(__always)
    static func store(region: UInt8, index: Int) -> UInt8 {
        UInt8(dcCount + Int(region) * storesPerRegion + index)
    }

    /// DC shifts: two shifts Monday to Saturday, closed on Sunday.
    static let dcHours = OpeningHours(open: 6, close: 22, weekdays: [0, 1, 2, 3, 4, 5])
    /// Store hours, every day.
    static let storeHours = OpeningHours(open: 9, close: 21, weekdays: [0, 1, 2, 3, 4, 5, 6])
    /// The finance team's hours, which process refunds.
    static let officeHours = OpeningHours(open: 9, close: 17, weekdays: [0, 1, 2, 3, 4])
    /// Carrier collections at DCs and at stores, Monday to Saturday.
    static let dcCollections = DailySlots(hours: [14, 18, 21.5], weekdays: [0, 1, 2, 3, 4, 5])
    static let storeCollections = DailySlots(hours: [16.5], weekdays: [0, 1, 2, 3, 4, 5])
    /// Delivery vans leave depots in the morning, Monday to Saturday.
    static let deliveryRounds = DailySlots(hours: [7], weekdays: [0, 1, 2, 3, 4, 5])
    /// The ERP's nightly invoicing batch.
    static let invoiceBatch = DailySlots(hours: [2], weekdays: [0, 1, 2, 3, 4, 5, 6])

    // MARK: - Carriers

    static let parcelCo: UInt8 = 0
    static let swiftShip: UInt8 = 1
    static let natPost: UInt8 = 2
    static let freightLine: UInt8 = 3
    static let carrierNames = ["ParcelCo", "SwiftShip", "NatPost", "FreightLine"]
    static let carrierKinds = ["parcel", "express parcel", "national post", "freight"]
    static let trackingPrefixes = ["PC", "SW", "NP", "FL"]
    /// Median hours from collection to arrival at the delivery depot: standard, express.
    static let transitHours: [[Double]] = [[22, 8], [20, 7.5], [30, 12], [36, 24]]
    /// Probability that a parcel arrives damaged, per carrier (ParcelCo handles roughly).
    static let damageRates: [Double] = [0.03, 0.008, 0.01, 0.012]
    /// Probability that a delivery attempt fails, per carrier.
    static let deliveryFailureRates: [Double] = [0.035, 0.035, 0.04, 0.02]

    /// Carrier choice for standard parcels from a DC, express parcels, B2B, and ship-from-store.
    static let standardCarriers = cumulative([0.32, 0.23, 0.45, 0])
    static let expressCarriers = cumulative([0.45, 0.55, 0, 0])
    static let b2bCarriers = cumulative([0.2, 0, 0, 0.8])
    static let storeCarriers = cumulative([0.4, 0, 0.6, 0])

    // MARK: - Returns

    static let returnReasonNames = [
        "size_fit", "damaged", "late_delivery", "defective", "changed_mind", "not_as_described",
    ]
    static let sizeFit = 0
    static let damaged = 1
    static let lateDelivery = 2
    static let defective = 3
    static let changedMind = 4
    static let notAsDescribed = 5
    /// Return probability per category for the reasons that depend on the product:
    /// size/fit, defective, changed mind, not as described.
    static let sizeFitRates: [Double] = [0.11, 0, 0, 0, 0, 0.03]
    static let defectiveRates: [Double] = [0.004, 0.035, 0.012, 0.008, 0.022, 0.01]
    static let changedMindRates: [Double] = [0.03, 0.02, 0.02, 0.015, 0.02, 0.02]
    static let notAsDescribedRates: [Double] = [0.01, 0.01, 0.012, 0.01, 0.008, 0.008]
    /// Extra return probability when a parcel arrived after its promised time.
    static let lateReturnRate = 0.12

    // MARK: - Order status at the end of the window

    static let statusNames = [
        "pending_payment", "awaiting_allocation", "allocated", "in_fulfilment", "shipped", "delivered",
        "ready_for_pickup", "collected", "cancelled", "returned",
    ]
    static let cancelReasonNames = ["payment_declined", "out_of_stock", "customer_request", "not_collected"]
}

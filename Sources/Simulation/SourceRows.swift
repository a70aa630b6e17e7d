/// The source-system rows generated for one contiguous range of orders, held column by column.
///
/// Values are integer codes, milliseconds and cents; names, identifiers and timestamps are only
/// turned into text when `SourceWriter` inserts the rows. `Clock.never` in an optional timestamp
/// column stands for NULL. Chunks are generated independently (each order draws from its own
/// random stream) and written in order, so the tables come out the same however many threads
/// generated them.
struct SourceRows {
    /// The orders of the chunk, indexed by `order - range.lowerBound`.
    var orders = OrderColumns()
    var lines = LineRows()
    var allocations = AllocationRows()
    var tasks = TaskRows()
    var shipments = ShipmentRows()
    var scans = ScanRows()
    var pickups = PickupRows()
    var invoices = InvoiceRows()
    var refunds = RefundRows()
    var returns = ReturnRows()
    var tally = Tally()
}

/// OMS orders and their payment (one payment per order), plus the state carried from the
/// order-intake pass to the fulfilment pass.
struct OrderColumns {
    var created: [Millis] = []
    var channel: [UInt8] = []
    var customer: [Int32] = []
    var region: [UInt8] = []
    var category: [UInt8] = []
    var valueCents: [Int64] = []
    var itemCount: [Int32] = []
    var lineCount: [UInt8] = []
    /// Value of the first line, the usual amount of a partial refund.
    var firstLineCents: [Int64] = []
    var speed: [UInt8] = []
    var node: [UInt8] = []
    /// Carrier code, or 255 for store pickup.
    var carrier: [UInt8] = []
    var promised: [Millis] = []
    /// Promotion index, or -1.
    var promo: [Int8] = []
    var externalRef: [UInt64] = []
    var paymentMethod: [UInt8] = []
    var authorized: [Millis] = []
    var paymentStatus: [UInt8] = []
    var allocated: [Millis] = []
    /// The day (from the window start) the order enters its node's work queue.
    var workDay: [Int32] = []
    /// When the customer asks to cancel (`never` if they do not).
    var cancelRequest: [Millis] = []
    var cancelled: [Millis] = []
    var cancelReason: [UInt8] = []
    var status: [UInt8] = []

    mutating func reserve(_ n: Int) {
        created.reserveCapacity(n)
        channel.reserveCapacity(n)
        customer.reserveCapacity(n)
        region.reserveCapacity(n)
        category.reserveCapacity(n)
        valueCents.reserveCapacity(n)
        itemCount.reserveCapacity(n)
        lineCount.reserveCapacity(n)
        firstLineCents.reserveCapacity(n)
        speed.reserveCapacity(n)
        node.reserveCapacity(n)
        carrier.reserveCapacity(n)
        promised.reserveCapacity(n)
        promo.reserveCapacity(n)
        externalRef.reserveCapacity(n)
        paymentMethod.reserveCapacity(n)
        authorized.reserveCapacity(n)
        paymentStatus.reserveCapacity(n)
        allocated.reserveCapacity(n)
        workDay.reserveCapacity(n)
        cancelRequest.reserveCapacity(n)
        cancelled.reserveCapacity(n)
        cancelReason.reserveCapacity(n)
        status.reserveCapacity(n)
    }
}

/// Payment status codes (`payments.status`).
enum PaymentStatus {
    static let pending: UInt8 = 0
    static let authorized: UInt8 = 1
    static let declined: UInt8 = 2
    static let voided: UInt8 = 3
    static let captured: UInt8 = 4
    static let names = ["pending", "authorized", "declined", "voided", "captured"]
}

/// OMS `order_lines`.
struct LineRows {
    var order: [Int32] = []
    var lineNo: [UInt8] = []
    var category: [UInt8] = []
    var sku: [Int32] = []
    var qty: [Int32] = []
    var priceCents: [Int32] = []
}

/// OMS `allocations`: one row per attempt.
struct AllocationRows {
    var order: [Int32] = []
    var attempt: [UInt8] = []
    var at: [Millis] = []
    var failed: [Bool] = []
    var node: [UInt8] = []
}

/// WMS `warehouse_tasks`: a pick and a pack task per fulfilled order.
struct TaskRows {
    var order: [Int32] = []
    var node: [UInt8] = []
    var isPack: [Bool] = []
    var started: [Millis] = []
    /// `never` while the task is still in progress at the window end.
    var completed: [Millis] = []
    var worker: [UInt16] = []
}

/// TMS `shipments`: one parcel per shipped order.
struct ShipmentRows {
    var order: [Int32] = []
    var carrier: [UInt8] = []
    var speed: [UInt8] = []
    var label: [Millis] = []
    var weightGrams: [Int32] = []
}

/// Scan codes (`carrier_scans.scan`), in lifecycle order.
enum Scan {
    static let pickedUp: UInt8 = 0
    static let inTransit: UInt8 = 1
    static let outForDelivery: UInt8 = 2
    static let deliveryFailed: UInt8 = 3
    static let delivered: UInt8 = 4
    static let names = ["picked_up", "in_transit", "out_for_delivery", "delivery_failed", "delivered"]

    /// Scan locations: the nodes, then sort centres, depots and delivery towns per region.
    static let locationNames: [String] =
        Retailer.nodeNames + Retailer.regionCities.map { "Sort centre \($0)" }
        + Retailer.regionCities.map { "Depot \($0)" } + Retailer.regionCities
    @inline(__always) static func sortCentre(_ region: UInt8) -> UInt8 { UInt8(Retailer.nodeNames.count) + region }
    @inline(__always) static func depot(_ region: UInt8) -> UInt8 { UInt8(Retailer.nodeNames.count + 5) + region }
    @inline(__always) static func town(_ region: UInt8) -> UInt8 { UInt8(Retailer.nodeNames.count + 10) + region }
}

/// TMS `carrier_scans`, keyed by the shipment's tracking number (derived from order and carrier).
struct ScanRows {
    var order: [Int32] = []
    var carrier: [UInt8] = []
    var at: [Millis] = []
    var scan: [UInt8] = []
    var location: [UInt8] = []
}

/// Store `pickups`.
struct PickupRows {
    var order: [Int32] = []
    var store: [UInt8] = []
    var ready: [Millis] = []
    /// `never` while the parcel waits at the counter.
    var pickedUp: [Millis] = []
}

/// ERP `invoices`.
struct InvoiceRows {
    var order: [Int32] = []
    var at: [Millis] = []
    var amountCents: [Int64] = []
}

/// ERP `refunds`.
struct RefundRows {
    var order: [Int32] = []
    var at: [Millis] = []
    var amountCents: [Int64] = []
}

/// Returns-portal `returns`.
struct ReturnRows {
    var order: [Int32] = []
    var requested: [Millis] = []
    /// `never` while the parcel is on its way back.
    var received: [Millis] = []
    var reason: [UInt8] = []
    /// Which comment template, and the number it quotes (days late, days of use).
    var template: [UInt8] = []
    var detail: [Int16] = []
}

/// Counts kept while generating, for the result and the ground truth.
struct Tally {
    var events = [Int](repeating: 0, count: Activity.names.count)
    var congestedOrders = 0
    var syncFailedOrders = [Int](repeating: 0, count: Retailer.channelNames.count)
    var slowCarrierShipments = 0
    var promotionOrders = [Int](repeating: 0, count: 2)
    var returns = 0
    var open = 0
    var cancelled = 0
    var finished = 0
    var late = 0

    mutating func add(_ other: Tally) {
        for i in events.indices { events[i] += other.events[i] }
        congestedOrders += other.congestedOrders
        for i in syncFailedOrders.indices { syncFailedOrders[i] += other.syncFailedOrders[i] }
        slowCarrierShipments += other.slowCarrierShipments
        for i in promotionOrders.indices { promotionOrders[i] += other.promotionOrders[i] }
        returns += other.returns
        open += other.open
        cancelled += other.cancelled
        finished += other.finished
        late += other.late
    }
}

/// The activities the mapping produces, in the order of a typical case.
enum Activity {
    static let orderCreated = 0
    static let paymentAuthorized = 1
    static let allocationFailed = 2
    static let orderAllocated = 3
    static let pickStarted = 4
    static let picked = 5
    static let packed = 6
    static let labelCreated = 7
    static let carrierPickup = 8
    static let inTransit = 9
    static let outForDelivery = 10
    static let deliveryFailed = 11
    static let delivered = 12
    static let readyForPickup = 13
    static let pickedUp = 14
    static let invoiced = 15
    static let orderCancelled = 16
    static let returnRequested = 17
    static let returnReceived = 18
    static let refundIssued = 19
    static let names = [
        "Order Created", "Payment Authorized", "Allocation Failed", "Order Allocated", "Pick Started", "Picked",
        "Packed", "Label Created", "Carrier Pickup", "In Transit", "Out For Delivery", "Delivery Failed",
        "Delivered", "Ready For Pickup", "Picked Up", "Invoiced", "Order Cancelled", "Return Requested",
        "Return Received", "Refund Issued",
    ]
    /// The activity of each scan code.
    static let ofScan = [carrierPickup, inTransit, outForDelivery, deliveryFailed, delivered]
}

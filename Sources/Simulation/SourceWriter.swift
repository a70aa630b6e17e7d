import Storage

/// Writes generated rows into `source.sqlite`: one transaction, prepared statements reused for
/// every row, no journal, indexes built at the end.
///
/// The file is written whole and then renamed into place by `Simulator`, so it needs neither a
/// rollback journal nor fsyncs (`journal_mode=OFF`, `synchronous=OFF`): a crash leaves only a
/// temporary file behind. Identifiers, timestamps and names are made into text here, one row at
/// a time, so the generated chunks never hold strings.
final class SourceWriter {
    private let connection: SQLiteConnection
    private let plan: ScenarioPlan
    private let orders: SQLiteStatement
    private let lines: SQLiteStatement
    private let payments: SQLiteStatement
    private let allocations: SQLiteStatement
    private let tasks: SQLiteStatement
    private let shipments: SQLiteStatement
    private let scans: SQLiteStatement
    private let pickups: SQLiteStatement
    private let invoices: SQLiteStatement
    private let refunds: SQLiteStatement
    private let returns: SQLiteStatement
    private var taskCount = 0
    private var counts = [Int](repeating: 0, count: SourceSchema.tableNames.count)

    /// Creates the schema in a new file and opens the loading transaction.
    ///
    /// - Throws: `StoreError` from SQLite.
    init(path: String, plan: ScenarioPlan) throws {
        self.plan = plan
        let connection = try SQLiteConnection(path: path)
        self.connection = connection
        try connection.execute(
            """
            PRAGMA page_size = 8192; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -131072;
            """)
        try connection.execute(SourceSchema.tables)
        func insert(_ table: String, _ columns: Int) throws -> SQLiteStatement {
            try connection.prepare(
                "INSERT INTO \(table) VALUES (\(Array(repeating: "?", count: columns).joined(separator: ", ")))")
        }
        orders = try insert("orders", 17)
        lines = try insert("order_lines", 6)
        payments = try insert("payments", 7)
        allocations = try insert("allocations", 6)
        tasks = try insert("warehouse_tasks", 7)
        shipments = try insert("shipments", 6)
        scans = try insert("carrier_scans", 4)
        pickups = try insert("pickups", 4)
        invoices = try insert("invoices", 4)
        refunds = try insert("refunds", 5)
        returns = try insert("returns", 6)
        try connection.execute("BEGIN IMMEDIATE")
        try writeMasterData()
    }

    private func count(_ table: Int, _ n: Int) { counts[table] += n }

    private func writeMasterData() throws {
        let nodes = try connection.prepare("INSERT INTO nodes VALUES (?, ?, ?, ?)")
        for (i, name) in Retailer.nodeNames.enumerated() {
            let dc = Retailer.isDC(UInt8(i))
            nodes.bind(name, at: 1)
            nodes.bind(dc ? "distribution_centre" : "store", at: 2)
            nodes.bind(Retailer.regionNames[Int(Retailer.nodeRegions[i])], at: 3)
            nodes.bind(dc ? "Mon-Sat 06:00-22:00" : "daily 09:00-21:00", at: 4)
            try nodes.run()
        }
        count(0, Retailer.nodeNames.count)
        let carriers = try connection.prepare("INSERT INTO carriers VALUES (?, ?, ?)")
        for (i, name) in Retailer.carrierNames.enumerated() {
            carriers.bind(name, at: 1)
            carriers.bind(Retailer.carrierKinds[i], at: 2)
            carriers.bind(Retailer.trackingPrefixes[i], at: 3)
            try carriers.run()
        }
        count(1, Retailer.carrierNames.count)
    }

    // MARK: - Identifiers

    @inline(__always) private func orderID(_ i: Int32) -> String { TextFormat.identifier("O-", Int(i) + 1, width: 7) }

    private static let trackingPrefixes = Retailer.trackingPrefixes.map { Array($0.utf8) }

    /// A 10-digit tracking number per order and carrier: an affine bijection of the order index
    /// modulo 9·10⁹, so numbers look random yet never collide.
    @inline(__always)
    private func trackingNumber(_ i: Int32, _ carrier: UInt8) -> String {
        let n = (UInt64(i) &* 2_654_435_761 &+ UInt64(carrier) &* 97_531) % 9_000_000_000 + 1_000_000_000
        return TextFormat.identifier(Self.trackingPrefixes[Int(carrier)], n, width: 10)
    }

    @inline(__always) private func bindTime(_ s: SQLiteStatement, _ t: Millis, _ index: Int32) {
        if t == Clock.never { s.bind(.null, at: index) } else { s.bind(TextFormat.iso(t), at: index) }
    }

    @inline(__always) private func money(_ cents: Int64) -> SQLiteValue { .real(Double(cents) / 100) }

    // MARK: - Rows

    /// Inserts one chunk's rows (orders `range`), table by table.
    ///
    /// - Complexity: O(*r*) in the chunk's rows.
    func write(_ rows: SourceRows, range: Range<Int>) throws {
        let o = rows.orders
        for k in 0..<o.created.count {
            let oi = Int32(range.lowerBound + k)
            let id = orderID(oi)
            let channel = Int(o.channel[k])
            orders.bind(id, at: 1)
            orders.bind(TextFormat.iso(o.created[k]), at: 2)
            orders.bind(Retailer.channelNames[channel], at: 3)
            if o.externalRef[k] != 0 {
                orders.bind((channel == 1 ? "MPA-" : "MPB-") + String(o.externalRef[k]), at: 4)
            } else {
                orders.bind(.null, at: 4)
            }
            orders.bind(
                channel == Int(Retailer.b2b)
                    ? TextFormat.identifier("B-", Int(o.customer[k]) + 1, width: 5)
                    : TextFormat.identifier("C-", Int(o.customer[k]) + 1, width: 7), at: 5)
            orders.bind(Retailer.regionNames[Int(o.region[k])], at: 6)
            orders.bind(Retailer.categoryNames[Int(o.category[k])], at: 7)
            orders.bind(money(o.valueCents[k]), at: 8)
            orders.bind(Int64(o.itemCount[k]), at: 9)
            orders.bind(Retailer.speedNames[Int(o.speed[k])], at: 10)
            orders.bind(Retailer.nodeNames[Int(o.node[k])], at: 11)
            if o.carrier[k] == 255 {
                orders.bind(.null, at: 12)
            } else {
                orders.bind(Retailer.carrierNames[Int(o.carrier[k])], at: 12)
            }
            orders.bind(TextFormat.iso(o.promised[k]), at: 13)
            if o.promo[k] >= 0 {
                orders.bind(plan.promotions[Int(o.promo[k])].code, at: 14)
            } else {
                orders.bind(.null, at: 14)
            }
            orders.bind(Retailer.statusNames[Int(o.status[k])], at: 15)
            bindTime(orders, o.cancelled[k], 16)
            if o.cancelled[k] != Clock.never {
                orders.bind(Retailer.cancelReasonNames[Int(o.cancelReason[k])], at: 17)
            } else {
                orders.bind(.null, at: 17)
            }
            try orders.run()

            payments.bind(TextFormat.identifier("P-", Int(oi) + 1, width: 7), at: 1)
            payments.bind(id, at: 2)
            payments.bind(Retailer.paymentMethodNames[Int(o.paymentMethod[k])], at: 3)
            payments.bind(money(o.valueCents[k]), at: 4)
            payments.bind(TextFormat.iso(o.created[k]), at: 5)
            bindTime(payments, o.authorized[k] <= plan.windowEnd ? o.authorized[k] : Clock.never, 6)
            payments.bind(PaymentStatus.names[Int(o.paymentStatus[k])], at: 7)
            try payments.run()
        }
        count(2, o.created.count)
        count(4, o.created.count)

        let l = rows.lines
        for r in 0..<l.order.count {
            let category = Int(l.category[r])
            lines.bind(orderID(l.order[r]), at: 1)
            lines.bind(Int64(l.lineNo[r]), at: 2)
            lines.bind(
                Retailer.skuPrefixes[category] + TextFormat.identifier("-", Int(l.sku[r]), width: 5), at: 3)
            lines.bind(Retailer.categoryNames[category], at: 4)
            lines.bind(Int64(l.qty[r]), at: 5)
            lines.bind(money(Int64(l.priceCents[r])), at: 6)
            try lines.run()
        }
        count(3, l.order.count)

        let a = rows.allocations
        for r in 0..<a.order.count {
            let channel = o.channel[Int(a.order[r]) - range.lowerBound]
            allocations.bind(orderID(a.order[r]), at: 1)
            allocations.bind(Int64(a.attempt[r]), at: 2)
            allocations.bind(TextFormat.iso(a.at[r]), at: 3)
            allocations.bind(a.failed[r] ? "failed" : "allocated", at: 4)
            allocations.bind(Retailer.nodeNames[Int(a.node[r])], at: 5)
            if a.failed[r] {
                let marketplace = channel == Retailer.marketplaceA || channel == Retailer.marketplaceB
                allocations.bind(marketplace ? "marketplace_stock_mismatch" : "no_stock_at_node", at: 6)
            } else {
                allocations.bind(.null, at: 6)
            }
            try allocations.run()
        }
        count(5, a.order.count)

        let t = rows.tasks
        for r in 0..<t.order.count {
            taskCount += 1
            let node = Int(t.node[r])
            tasks.bind(Int64(taskCount), at: 1)
            tasks.bind(orderID(t.order[r]), at: 2)
            tasks.bind(Retailer.nodeNames[node], at: 3)
            tasks.bind(t.isPack[r] ? "pack" : "pick", at: 4)
            tasks.bind(TextFormat.iso(t.started[r]), at: 5)
            bindTime(tasks, t.completed[r], 6)
            tasks.bind(Retailer.nodeNames[node] + TextFormat.identifier("-W", Int(t.worker[r]) + 1, width: 2), at: 7)
            try tasks.run()
        }
        count(6, t.order.count)

        let s = rows.shipments
        for r in 0..<s.order.count {
            shipments.bind(orderID(s.order[r]), at: 1)
            shipments.bind(Retailer.carrierNames[Int(s.carrier[r])], at: 2)
            shipments.bind(Retailer.speedNames[Int(s.speed[r])], at: 3)
            shipments.bind(trackingNumber(s.order[r], s.carrier[r]), at: 4)
            shipments.bind(TextFormat.iso(s.label[r]), at: 5)
            shipments.bind(.real(Double(s.weightGrams[r]) / 1000), at: 6)
            try shipments.run()
        }
        count(7, s.order.count)

        let c = rows.scans
        for r in 0..<c.order.count {
            scans.bind(trackingNumber(c.order[r], c.carrier[r]), at: 1)
            scans.bind(TextFormat.iso(c.at[r]), at: 2)
            scans.bind(Scan.names[Int(c.scan[r])], at: 3)
            scans.bind(Scan.locationNames[Int(c.location[r])], at: 4)
            try scans.run()
        }
        count(8, c.order.count)

        let p = rows.pickups
        for r in 0..<p.order.count {
            pickups.bind(orderID(p.order[r]), at: 1)
            pickups.bind(Retailer.nodeNames[Int(p.store[r])], at: 2)
            pickups.bind(TextFormat.iso(p.ready[r]), at: 3)
            bindTime(pickups, p.pickedUp[r], 4)
            try pickups.run()
        }
        count(9, p.order.count)

        let v = rows.invoices
        for r in 0..<v.order.count {
            invoices.bind(TextFormat.identifier("INV-", Int(v.order[r]) + 1, width: 7), at: 1)
            invoices.bind(orderID(v.order[r]), at: 2)
            invoices.bind(TextFormat.iso(v.at[r]), at: 3)
            invoices.bind(money(v.amountCents[r]), at: 4)
            try invoices.run()
        }
        count(10, v.order.count)

        let f = rows.refunds
        for r in 0..<f.order.count {
            refunds.bind(TextFormat.identifier("RF-", Int(f.order[r]) + 1, width: 7), at: 1)
            refunds.bind(orderID(f.order[r]), at: 2)
            refunds.bind(TextFormat.identifier("R-", Int(f.order[r]) + 1, width: 7), at: 3)
            refunds.bind(TextFormat.iso(f.at[r]), at: 4)
            refunds.bind(money(f.amountCents[r]), at: 5)
            try refunds.run()
        }
        count(11, f.order.count)

        let g = rows.returns
        for r in 0..<g.order.count {
            let k = Int(g.order[r]) - range.lowerBound
            let carrier = o.carrier[k] == 255 ? "the store" : Retailer.carrierNames[Int(o.carrier[k])]
            returns.bind(TextFormat.identifier("R-", Int(g.order[r]) + 1, width: 7), at: 1)
            returns.bind(orderID(g.order[r]), at: 2)
            returns.bind(TextFormat.iso(g.requested[r]), at: 3)
            bindTime(returns, g.received[r], 4)
            returns.bind(Retailer.returnReasonNames[Int(g.reason[r])], at: 5)
            returns.bind(
                ReturnComments.text(
                    reason: Int(g.reason[r]), template: Int(g.template[r]), detail: Int(g.detail[r]), carrier: carrier),
                at: 6)
            try returns.run()
        }
        count(12, g.order.count)
    }

    /// Commits the rows, builds the indexes and closes nothing (the connection closes when the
    /// writer is released); returns the rows per table.
    ///
    /// - Complexity: O(*r* log *r*) for the index builds.
    func finish() throws -> [String: Int] {
        try connection.execute("COMMIT")
        try connection.execute(SourceSchema.indexes)
        var result: [String: Int] = [:]
        for (i, name) in SourceSchema.tableNames.enumerated() { result[name] = counts[i] }
        return result
    }
}

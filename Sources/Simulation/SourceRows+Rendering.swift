import Storage

/// One chunk's rows as SQLite values, row-major per table: what the writer binds.
///
/// Rendering (names, identifiers, timestamps into text) runs on the generating thread, so the
/// writing thread only binds and steps.
struct RenderedRows {
    /// Values per table (indexed like `SourceSchema.tableNames`), `insertColumns[t].count` per row.
    var tables: [[SQLiteValue]] = Array(repeating: [], count: SourceSchema.tableNames.count)
}

extension SourceRows {
    /// A 10-digit tracking number per order and carrier: an affine bijection of the order index
    /// modulo 9·10⁹, so numbers look random yet never collide.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func trackingNumber(_ i: Int32, _ carrier: UInt8) -> String {
        let n = (UInt64(i) &* 2_654_435_761 &+ UInt64(carrier) &* 97_531) % 9_000_000_000 + 1_000_000_000
        return TextFormat.identifier(trackingPrefixes[Int(carrier)], n, width: 10)
    }

    private static let trackingPrefixes = Retailer.trackingPrefixes.map { Array($0.utf8) }

    /// The chunk's rows as SQLite values; `range` is the chunk's orders.
    ///
    /// - Complexity: O(*r*) in the chunk's rows.
    func rendered(range: Range<Int>, plan: ScenarioPlan) -> RenderedRows {
        var out = RenderedRows()
        @inline(__always) func orderID(_ i: Int32) -> SQLiteValue {
            .text(TextFormat.identifier("O-", Int(i) + 1, width: 7))
        }
        @inline(__always) func time(_ t: Millis) -> SQLiteValue { t == Clock.never ? .null : .text(TextFormat.iso(t)) }
        @inline(__always) func money(_ cents: Int64) -> SQLiteValue { .real(Double(cents) / 100) }
        @inline(__always) func int<T: BinaryInteger>(_ v: T) -> SQLiteValue { .integer(Int64(v)) }
        @inline(__always) func name(_ names: [String], _ code: UInt8) -> SQLiteValue { .text(names[Int(code)]) }

        let o = orders
        var v: [SQLiteValue] = []
        v.reserveCapacity(o.created.count * 17)
        var p: [SQLiteValue] = []
        p.reserveCapacity(o.created.count * 7)
        for k in 0..<o.created.count {
            let oi = Int32(range.lowerBound + k)
            let id = orderID(oi)
            let channel = o.channel[k]
            let created = time(o.created[k])
            v.append(id)
            v.append(created)
            v.append(name(Retailer.channelNames, channel))
            v.append(o.externalRef[k] == 0 ? .null : .text((channel == 1 ? "MPA-" : "MPB-") + String(o.externalRef[k])))
            v.append(
                .text(
                    channel == Retailer.b2b
                        ? TextFormat.identifier("B-", Int(o.customer[k]) + 1, width: 5)
                        : TextFormat.identifier("C-", Int(o.customer[k]) + 1, width: 7)))
            v.append(name(Retailer.regionNames, o.region[k]))
            v.append(name(Retailer.categoryNames, o.category[k]))
            v.append(money(o.valueCents[k]))
            v.append(int(o.itemCount[k]))
            v.append(name(Retailer.speedNames, o.speed[k]))
            v.append(name(Retailer.nodeNames, o.node[k]))
            v.append(o.carrier[k] == 255 ? .null : name(Retailer.carrierNames, o.carrier[k]))
            v.append(time(o.promised[k]))
            v.append(o.promo[k] >= 0 ? .text(plan.promotions[Int(o.promo[k])].code) : .null)
            v.append(name(Retailer.statusNames, o.status[k]))
            v.append(time(o.cancelled[k]))
            v.append(o.cancelled[k] == Clock.never ? .null : name(Retailer.cancelReasonNames, o.cancelReason[k]))

            p.append(.text(TextFormat.identifier("P-", Int(oi) + 1, width: 7)))
            p.append(id)
            p.append(name(Retailer.paymentMethodNames, o.paymentMethod[k]))
            p.append(money(o.valueCents[k]))
            p.append(created)
            p.append(time(o.authorized[k] <= plan.windowEnd ? o.authorized[k] : Clock.never))
            p.append(name(PaymentStatus.names, o.paymentStatus[k]))
        }
        out.tables[SourceSchema.Table.orders] = v
        out.tables[SourceSchema.Table.payments] = p

        v = []
        v.reserveCapacity(lines.order.count * 6)
        for r in 0..<lines.order.count {
            let category = Int(lines.category[r])
            v.append(orderID(lines.order[r]))
            v.append(int(lines.lineNo[r]))
            v.append(.text(Retailer.skuPrefixes[category] + TextFormat.identifier("-", Int(lines.sku[r]), width: 5)))
            v.append(.text(Retailer.categoryNames[category]))
            v.append(int(lines.qty[r]))
            v.append(money(Int64(lines.priceCents[r])))
        }
        out.tables[SourceSchema.Table.orderLines] = v

        v = []
        v.reserveCapacity(allocations.order.count * 6)
        for r in 0..<allocations.order.count {
            let channel = o.channel[Int(allocations.order[r]) - range.lowerBound]
            let failed = allocations.failed[r]
            let marketplace = channel == Retailer.marketplaceA || channel == Retailer.marketplaceB
            v.append(orderID(allocations.order[r]))
            v.append(int(allocations.attempt[r]))
            v.append(time(allocations.at[r]))
            v.append(.text(failed ? "failed" : "allocated"))
            v.append(name(Retailer.nodeNames, allocations.node[r]))
            v.append(failed ? .text(marketplace ? "marketplace_stock_mismatch" : "no_stock_at_node") : .null)
        }
        out.tables[SourceSchema.Table.allocations] = v

        v = []
        v.reserveCapacity(tasks.order.count * 6)
        for r in 0..<tasks.order.count {
            let node = Int(tasks.node[r])
            v.append(orderID(tasks.order[r]))
            v.append(.text(Retailer.nodeNames[node]))
            v.append(.text(tasks.isPack[r] ? "pack" : "pick"))
            v.append(time(tasks.started[r]))
            v.append(time(tasks.completed[r]))
            v.append(.text(Retailer.nodeNames[node] + TextFormat.identifier("-W", Int(tasks.worker[r]) + 1, width: 2)))
        }
        out.tables[SourceSchema.Table.warehouseTasks] = v

        v = []
        v.reserveCapacity(shipments.order.count * 6)
        for r in 0..<shipments.order.count {
            v.append(orderID(shipments.order[r]))
            v.append(name(Retailer.carrierNames, shipments.carrier[r]))
            v.append(name(Retailer.speedNames, shipments.speed[r]))
            v.append(.text(Self.trackingNumber(shipments.order[r], shipments.carrier[r])))
            v.append(time(shipments.label[r]))
            v.append(.real(Double(shipments.weightGrams[r]) / 1000))
        }
        out.tables[SourceSchema.Table.shipments] = v

        v = []
        v.reserveCapacity(scans.order.count * 4)
        var lastOrder: Int32 = -1
        var tracking: SQLiteValue = .null
        for r in 0..<scans.order.count {
            if scans.order[r] != lastOrder {
                lastOrder = scans.order[r]
                tracking = .text(Self.trackingNumber(scans.order[r], scans.carrier[r]))
            }
            v.append(tracking)
            v.append(time(scans.at[r]))
            v.append(name(Scan.names, scans.scan[r]))
            v.append(name(Scan.locationNames, scans.location[r]))
        }
        out.tables[SourceSchema.Table.carrierScans] = v

        v = []
        v.reserveCapacity(pickups.order.count * 4)
        for r in 0..<pickups.order.count {
            v.append(orderID(pickups.order[r]))
            v.append(name(Retailer.nodeNames, pickups.store[r]))
            v.append(time(pickups.ready[r]))
            v.append(time(pickups.pickedUp[r]))
        }
        out.tables[SourceSchema.Table.pickups] = v

        v = []
        v.reserveCapacity(invoices.order.count * 4)
        for r in 0..<invoices.order.count {
            v.append(.text(TextFormat.identifier("INV-", Int(invoices.order[r]) + 1, width: 7)))
            v.append(orderID(invoices.order[r]))
            v.append(time(invoices.at[r]))
            v.append(money(invoices.amountCents[r]))
        }
        out.tables[SourceSchema.Table.invoices] = v

        v = []
        v.reserveCapacity(refunds.order.count * 5)
        for r in 0..<refunds.order.count {
            v.append(.text(TextFormat.identifier("RF-", Int(refunds.order[r]) + 1, width: 7)))
            v.append(orderID(refunds.order[r]))
            v.append(.text(TextFormat.identifier("R-", Int(refunds.order[r]) + 1, width: 7)))
            v.append(time(refunds.at[r]))
            v.append(money(refunds.amountCents[r]))
        }
        out.tables[SourceSchema.Table.refunds] = v

        v = []
        v.reserveCapacity(returns.order.count * 6)
        for r in 0..<returns.order.count {
            let k = Int(returns.order[r]) - range.lowerBound
            let carrier = o.carrier[k] == 255 ? "the store" : Retailer.carrierNames[Int(o.carrier[k])]
            v.append(.text(TextFormat.identifier("R-", Int(returns.order[r]) + 1, width: 7)))
            v.append(orderID(returns.order[r]))
            v.append(time(returns.requested[r]))
            v.append(time(returns.received[r]))
            v.append(name(Retailer.returnReasonNames, returns.reason[r]))
            v.append(
                .text(
                    ReturnComments.text(
                        reason: Int(returns.reason[r]), template: Int(returns.template[r]),
                        detail: Int(returns.detail[r]), carrier: carrier)))
        }
        out.tables[SourceSchema.Table.returns] = v
        return out
    }

    /// The master-data tables (nodes and carriers) as SQLite values.
    ///
    /// - Complexity: O(1): 23 nodes and 4 carriers.
    static func masterData() -> RenderedRows {
        var out = RenderedRows()
        for (i, node) in Retailer.nodeNames.enumerated() {
            let dc = Retailer.isDC(UInt8(i))
            out.tables[SourceSchema.Table.nodes] += [
                .text(node), .text(dc ? "distribution_centre" : "store"),
                .text(Retailer.regionNames[Int(Retailer.nodeRegions[i])]),
                .text(dc ? "Mon-Sat 06:00-22:00" : "daily 09:00-21:00"),
            ]
        }
        for (i, carrier) in Retailer.carrierNames.enumerated() {
            out.tables[SourceSchema.Table.carriers] += [
                .text(carrier), .text(Retailer.carrierKinds[i]), .text(Retailer.trackingPrefixes[i]),
            ]
        }
        return out
    }
}

/// The extraction mapping (`mapping.yaml`) that turns the simulated source tables into events.
///
/// The extract stage reads it: one entry per activity (or per query that returns an `activity`
/// column), each a SELECT returning `case_id`, `timestamp` and optional `resource`,
/// `start_timestamp` and attribute columns; `object:<type>` columns link events to objects.
/// Every query returns only rows where the event happened (its timestamp is not NULL) and none
/// ends in ORDER BY or LIMIT, because the extract stage wraps each as
/// `SELECT * FROM (query) WHERE timestamp >= :watermark`.
enum MappingFile {
    /// One mapping entry.
    struct Entry {
        var name: String
        /// Nil when the query returns an `activity` column.
        var activity: String?
        var query: String
    }

    static let name = "retailer-sim"

    /// The case attributes query: one row per order.
    static let caseAttributes =
        "SELECT order_id AS case_id, channel, node, carrier, region, category, order_value, item_count, ship_speed, promised_at, customer_id FROM orders"

    /// The entries, in lifecycle order.
    static let entries: [Entry] = [
        Entry(
            name: "order-created", activity: "Order Created",
            query:
                "SELECT order_id AS case_id, created_at AS timestamp, 'OMS' AS resource, channel, promo_code FROM orders"
        ),
        Entry(
            name: "payment-authorized", activity: "Payment Authorized",
            query:
                "SELECT order_id AS case_id, authorized_at AS timestamp, 'PSP' AS resource, method, amount FROM payments WHERE authorized_at IS NOT NULL"
        ),
        Entry(
            name: "allocation-failed", activity: "Allocation Failed",
            query:
                "SELECT order_id AS case_id, at AS timestamp, 'OMS' AS resource, node, attempt, reason FROM allocations WHERE outcome = 'failed'"
        ),
        Entry(
            name: "order-allocated", activity: "Order Allocated",
            query:
                "SELECT order_id AS case_id, at AS timestamp, 'OMS' AS resource, node, attempt FROM allocations WHERE outcome = 'allocated'"
        ),
        Entry(
            name: "pick-started", activity: "Pick Started",
            query:
                "SELECT order_id AS case_id, started_at AS timestamp, worker AS resource, node FROM warehouse_tasks WHERE task = 'pick'"
        ),
        Entry(
            name: "picked", activity: "Picked",
            query:
                "SELECT order_id AS case_id, completed_at AS timestamp, started_at AS start_timestamp, worker AS resource, node FROM warehouse_tasks WHERE task = 'pick' AND completed_at IS NOT NULL"
        ),
        Entry(
            name: "packed", activity: "Packed",
            query:
                "SELECT order_id AS case_id, completed_at AS timestamp, started_at AS start_timestamp, worker AS resource, node FROM warehouse_tasks WHERE task = 'pack' AND completed_at IS NOT NULL"
        ),
        Entry(
            name: "label-created", activity: "Label Created",
            query:
                "SELECT order_id AS case_id, label_at AS timestamp, 'TMS' AS resource, carrier, service, tracking_no AS \"object:shipments\" FROM shipments"
        ),
        Entry(
            name: "carrier-scans", activity: nil,
            query:
                "SELECT s.order_id AS case_id, c.at AS timestamp, CASE c.scan WHEN 'picked_up' THEN 'Carrier Pickup' WHEN 'in_transit' THEN 'In Transit' WHEN 'out_for_delivery' THEN 'Out For Delivery' WHEN 'delivery_failed' THEN 'Delivery Failed' ELSE 'Delivered' END AS activity, s.carrier AS resource, c.location AS location, c.tracking_no AS \"object:shipments\" FROM carrier_scans c JOIN shipments s ON s.tracking_no = c.tracking_no"
        ),
        Entry(
            name: "ready-for-pickup", activity: "Ready For Pickup",
            query:
                "SELECT order_id AS case_id, ready_for_pickup_at AS timestamp, store AS resource, store FROM pickups"
        ),
        Entry(
            name: "picked-up", activity: "Picked Up",
            query:
                "SELECT order_id AS case_id, picked_up_at AS timestamp, store AS resource, store FROM pickups WHERE picked_up_at IS NOT NULL"
        ),
        Entry(
            name: "invoiced", activity: "Invoiced",
            query:
                "SELECT order_id AS case_id, invoiced_at AS timestamp, 'ERP' AS resource, amount, invoice_no FROM invoices"
        ),
        Entry(
            name: "order-cancelled", activity: "Order Cancelled",
            query:
                "SELECT order_id AS case_id, cancelled_at AS timestamp, 'OMS' AS resource, cancel_reason FROM orders WHERE cancelled_at IS NOT NULL"
        ),
        Entry(
            name: "return-requested", activity: "Return Requested",
            query:
                "SELECT order_id AS case_id, requested_at AS timestamp, 'Returns portal' AS resource, reason_code, comment, return_id AS \"object:returns\" FROM returns"
        ),
        Entry(
            name: "return-received", activity: "Return Received",
            query:
                "SELECT order_id AS case_id, received_at AS timestamp, 'Returns desk' AS resource, reason_code, return_id AS \"object:returns\" FROM returns WHERE received_at IS NOT NULL"
        ),
        Entry(
            name: "refund-issued", activity: "Refund Issued",
            query:
                "SELECT order_id AS case_id, refunded_at AS timestamp, 'ERP' AS resource, amount, return_id AS \"object:returns\" FROM refunds"
        ),
    ]

    /// The file's text.
    ///
    /// - Complexity: O(*e*) in the entries.
    static var text: String {
        var out = """
            # Waybill extraction mapping for the simulated retailer (written by `waybill simulate`).
            name: \(name)            # watermarks are kept per mapping name and entry
            case_type: orders             # the object type of `case_id`
            case_attributes:              # optional: one query, one row per case; column `case_id` + attribute columns
              query: \(caseAttributes)
            entries:                      # one per activity (or a query returning an `activity` column)

            """
        for entry in entries {
            out += "  - name: \(entry.name)\n"
            if let activity = entry.activity { out += "    activity: \(activity)\n" }
            out += "    query: \(entry.query)\n"
        }
        return out
    }
}

/// The source systems' tables as the simulated retailer's OMS, WMS, TMS, store, ERP and returns
/// portal would expose them: snake_case columns, ISO 8601 UTC text for times, NULL for what has
/// not happened yet.
///
/// Tables carry no indexes while loading; `indexes` are built once the rows are in, which is
/// several times faster than maintaining them row by row.
enum SourceSchema {
    /// `CREATE TABLE` statements, in the order the tables are written.
    static let tables = """
        CREATE TABLE nodes (
            node TEXT NOT NULL, kind TEXT NOT NULL, region TEXT NOT NULL, opening_hours TEXT NOT NULL);
        CREATE TABLE carriers (
            carrier TEXT NOT NULL, kind TEXT NOT NULL, tracking_prefix TEXT NOT NULL);
        CREATE TABLE orders (
            order_id TEXT NOT NULL, created_at TEXT NOT NULL, channel TEXT NOT NULL, external_ref TEXT,
            customer_id TEXT NOT NULL, region TEXT NOT NULL, category TEXT NOT NULL, order_value REAL NOT NULL,
            item_count INTEGER NOT NULL, ship_speed TEXT NOT NULL, node TEXT NOT NULL, carrier TEXT,
            promised_at TEXT NOT NULL, promo_code TEXT, status TEXT NOT NULL, cancelled_at TEXT, cancel_reason TEXT);
        CREATE TABLE order_lines (
            order_id TEXT NOT NULL, line_no INTEGER NOT NULL, sku TEXT NOT NULL, category TEXT NOT NULL,
            qty INTEGER NOT NULL, price REAL NOT NULL);
        CREATE TABLE payments (
            payment_id TEXT NOT NULL, order_id TEXT NOT NULL, method TEXT NOT NULL, amount REAL NOT NULL,
            requested_at TEXT NOT NULL, authorized_at TEXT, status TEXT NOT NULL);
        CREATE TABLE allocations (
            order_id TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL, outcome TEXT NOT NULL,
            node TEXT NOT NULL, reason TEXT);
        CREATE TABLE warehouse_tasks (
            task_id INTEGER PRIMARY KEY, order_id TEXT NOT NULL, node TEXT NOT NULL, task TEXT NOT NULL,
            started_at TEXT NOT NULL, completed_at TEXT, worker TEXT NOT NULL);
        CREATE TABLE shipments (
            order_id TEXT NOT NULL, carrier TEXT NOT NULL, service TEXT NOT NULL, tracking_no TEXT NOT NULL,
            label_at TEXT NOT NULL, weight_kg REAL NOT NULL);
        CREATE TABLE carrier_scans (
            tracking_no TEXT NOT NULL, at TEXT NOT NULL, scan TEXT NOT NULL, location TEXT NOT NULL);
        CREATE TABLE pickups (
            order_id TEXT NOT NULL, store TEXT NOT NULL, ready_for_pickup_at TEXT NOT NULL, picked_up_at TEXT);
        CREATE TABLE invoices (
            invoice_no TEXT NOT NULL, order_id TEXT NOT NULL, invoiced_at TEXT NOT NULL, amount REAL NOT NULL);
        CREATE TABLE refunds (
            refund_id TEXT NOT NULL, order_id TEXT NOT NULL, return_id TEXT, refunded_at TEXT NOT NULL,
            amount REAL NOT NULL);
        CREATE TABLE returns (
            return_id TEXT NOT NULL, order_id TEXT NOT NULL, requested_at TEXT NOT NULL, received_at TEXT,
            reason_code TEXT NOT NULL, comment TEXT NOT NULL);
        """

    /// Table names, in the order the tables are created.
    static let tableNames = [
        "nodes", "carriers", "orders", "order_lines", "payments", "allocations", "warehouse_tasks", "shipments",
        "carrier_scans", "pickups", "invoices", "refunds", "returns",
    ]

    /// Positions in `tableNames`, for the renderer and the writer.
    enum Table {
        static let nodes = 0
        static let carriers = 1
        static let orders = 2
        static let orderLines = 3
        static let payments = 4
        static let allocations = 5
        static let warehouseTasks = 6
        static let shipments = 7
        static let carrierScans = 8
        static let pickups = 9
        static let invoices = 10
        static let refunds = 11
        static let returns = 12
    }

    /// Columns the loader fills, per table (`warehouse_tasks.task_id` is left to SQLite's rowid).
    static let insertColumns: [[String]] = [
        ["node", "kind", "region", "opening_hours"],
        ["carrier", "kind", "tracking_prefix"],
        [
            "order_id", "created_at", "channel", "external_ref", "customer_id", "region", "category", "order_value",
            "item_count", "ship_speed", "node", "carrier", "promised_at", "promo_code", "status", "cancelled_at",
            "cancel_reason",
        ],
        ["order_id", "line_no", "sku", "category", "qty", "price"],
        ["payment_id", "order_id", "method", "amount", "requested_at", "authorized_at", "status"],
        ["order_id", "attempt", "at", "outcome", "node", "reason"],
        ["order_id", "node", "task", "started_at", "completed_at", "worker"],
        ["order_id", "carrier", "service", "tracking_no", "label_at", "weight_kg"],
        ["tracking_no", "at", "scan", "location"],
        ["order_id", "store", "ready_for_pickup_at", "picked_up_at"],
        ["invoice_no", "order_id", "invoiced_at", "amount"],
        ["refund_id", "order_id", "return_id", "refunded_at", "amount"],
        ["return_id", "order_id", "requested_at", "received_at", "reason_code", "comment"],
    ]

    /// Indexes built after loading: the keys the mapping's join and typical lookups use.
    static let indexes = """
        CREATE UNIQUE INDEX orders_order_id ON orders(order_id);
        CREATE UNIQUE INDEX shipments_tracking_no ON shipments(tracking_no);
        """
}

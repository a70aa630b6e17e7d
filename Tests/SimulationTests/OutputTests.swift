import Foundation
import Storage
import Testing
import _TestSupport

@testable import Simulation

@Suite struct OutputTests {
    let fixture = SimulationFixture.shared

    @Test func writesTheThreeFilesAndNoLeftovers() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).sorted()
        #expect(names == ["ground-truth.json", "mapping.yaml", "source.sqlite"])
    }

    @Test func overwritesAnEarlierRun() throws {
        let directory = Fixtures.temporaryDirectory("simulation-overwrite")
        _ = try Simulator.run(SimulationConfig(orders: 300, weeks: 2), outputDirectory: directory.path)
        let second = try Simulator.run(SimulationConfig(orders: 200, weeks: 2), outputDirectory: directory.path)
        let db = try SQLiteConnection(path: second.sourcePath, readOnly: true)
        #expect(try db.scalarInt("SELECT count(*) FROM orders") == 200)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 3)
    }

    @Test func rowCountsAreReportedAndPlausible() throws {
        let r = fixture.result
        let orders = fixture.config.orders
        for table in SourceSchema.tableNames {
            let count = try fixture.scalarInt("SELECT count(*) FROM \(table)")
            #expect(count.map(Int.init) == r.rows[table], "\(table)")
            #expect((r.rows[table] ?? 0) > 0, "\(table) is empty")
        }
        #expect(r.rows["orders"] == orders)
        #expect(r.rows["payments"] == orders)
        let lines = Double(r.rows["order_lines"]!) / Double(orders)
        #expect(lines > 1.3 && lines < 2.5)
        // Two warehouse tasks per fulfilled order; most orders ship.
        #expect(Double(r.rows["warehouse_tasks"]!) / Double(orders) > 1.7)
        #expect(Double(r.rows["shipments"]!) / Double(orders) > 0.7)
        #expect(r.eventsPerOrder > 12 && r.eventsPerOrder < 14.5)
    }

    /// Runs every mapping query the way the extract stage does and checks its columns.
    @Test func mappingQueriesYieldTheReportedEvents() throws {
        let mapping = try String(contentsOfFile: fixture.result.mappingPath, encoding: .utf8)
        let queries = mapping.split(separator: "\n").filter { $0.hasPrefix("    query: ") }
            .map { String($0.dropFirst("    query: ".count)) }
        #expect(queries.count == MappingFile.entries.count)
        var activities: [String: Int] = [:]
        var total = 0
        for (entry, query) in zip(MappingFile.entries, queries) {
            #expect(query == entry.query)
            let db = try fixture.connect()
            let statement = try db.prepare("SELECT * FROM (\(query)) WHERE timestamp >= :watermark")
            try statement.bind([.text("1970-01-01T00:00:00.000Z")])
            let columns = (0..<statement.columnCount).map { statement.columnName($0) }
            #expect(columns.contains("case_id") && columns.contains("timestamp"), "\(entry.name)")
            #expect(entry.activity != nil || columns.contains("activity"), "\(entry.name)")
            let activityColumn = columns.firstIndex(of: "activity")
            let timestampColumn = Int32(columns.firstIndex(of: "timestamp")!)
            while try statement.step() {
                let activity = activityColumn.map { statement.text(Int32($0)) } ?? entry.activity!
                activities[activity, default: 0] += 1
                total += 1
                #expect(!statement.isNull(timestampColumn))
            }
            let nulls = try fixture.scalarInt("SELECT count(*) FROM (\(query)) WHERE timestamp IS NULL")
            #expect(nulls == 0, "\(entry.name) returns rows without a timestamp")
        }
        #expect(total == fixture.result.events)
        #expect(activities == fixture.result.eventsPerActivity.filter { $0.value > 0 })
        #expect(Set(activities.keys) == Set(Activity.names), "every activity occurs")
        let perOrder = Double(total) / Double(fixture.config.orders)
        #expect(perOrder > 12 && perOrder < 14.5)
    }

    @Test func mappingHasTheDocumentedShape() throws {
        let text = MappingFile.text
        #expect(text.hasPrefix("# Waybill extraction mapping for the simulated retailer"))
        #expect(text.contains("\nname: retailer-sim "))
        #expect(text.contains("\ncase_type: orders "))
        #expect(text.contains("\ncase_attributes:"))
        #expect(text.contains("\nentries:"))
        for entry in MappingFile.entries {
            #expect(!entry.query.uppercased().contains("ORDER BY") && !entry.query.uppercased().contains("LIMIT"))
            // Plain YAML scalars must not contain ": " or " #".
            #expect(!entry.query.contains(": ") && !entry.query.contains(" #"))
        }
        #expect(Set(MappingFile.entries.map(\.name)).count == MappingFile.entries.count)
    }

    @Test func timestampsAreISOAndInsideTheWindow() throws {
        let start = fixture.truth.windowStart
        let end = fixture.truth.windowEnd
        let columns = [
            ("orders", "created_at"), ("orders", "cancelled_at"), ("payments", "authorized_at"), ("allocations", "at"),
            ("warehouse_tasks", "started_at"), ("warehouse_tasks", "completed_at"), ("shipments", "label_at"),
            ("carrier_scans", "at"), ("pickups", "ready_for_pickup_at"), ("pickups", "picked_up_at"),
            ("invoices", "invoiced_at"), ("refunds", "refunded_at"), ("returns", "requested_at"),
            ("returns", "received_at"),
        ]
        for (table, column) in columns {
            let bad = try fixture.scalarInt(
                "SELECT count(*) FROM \(table) WHERE \(column) IS NOT NULL AND (\(column) < ? OR \(column) > ? OR \(column) NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')",
                [.text(start), .text(end)])
            #expect(bad == 0, "\(table).\(column)")
        }
    }

    @Test func eachOrderFollowsItsLifecycleInOrder() throws {
        // Consecutive steps never go back in time.
        let checks = [
            "SELECT count(*) FROM orders o JOIN payments p USING (order_id) WHERE p.authorized_at < o.created_at",
            "SELECT count(*) FROM payments p JOIN allocations a USING (order_id) WHERE a.at < p.authorized_at",
            "SELECT count(*) FROM allocations a JOIN warehouse_tasks t USING (order_id) WHERE a.outcome = 'allocated' AND t.started_at < a.at",
            "SELECT count(*) FROM warehouse_tasks p JOIN warehouse_tasks k USING (order_id) WHERE p.task = 'pick' AND k.task = 'pack' AND k.started_at < p.completed_at",
            "SELECT count(*) FROM warehouse_tasks k JOIN shipments s USING (order_id) WHERE k.task = 'pack' AND s.label_at < k.completed_at",
            "SELECT count(*) FROM shipments s JOIN carrier_scans c USING (tracking_no) WHERE c.at < s.label_at",
            "SELECT count(*) FROM carrier_scans a JOIN carrier_scans b USING (tracking_no) WHERE a.scan = 'picked_up' AND b.scan = 'delivered' AND b.at < a.at",
            "SELECT count(*) FROM pickups WHERE picked_up_at < ready_for_pickup_at",
            "SELECT count(*) FROM returns WHERE received_at < requested_at",
            "SELECT count(*) FROM returns r JOIN refunds f USING (order_id) WHERE f.refunded_at < r.received_at",
            "SELECT count(*) FROM orders o JOIN shipments s USING (order_id) WHERE o.cancelled_at IS NOT NULL",
            "SELECT count(*) FROM (SELECT tracking_no FROM carrier_scans WHERE scan = 'delivered' GROUP BY 1 HAVING count(*) > 1)",
        ]
        for sql in checks { #expect(try fixture.scalarInt(sql) == 0, "\(sql)") }
        // Scans of one parcel are written in time order.
        let outOfOrder = try fixture.scalarInt(
            "SELECT count(*) FROM carrier_scans a JOIN carrier_scans b ON b.tracking_no = a.tracking_no AND b.rowid = a.rowid + 1 WHERE b.at < a.at"
        )
        #expect(outOfOrder == 0)
    }

    @Test func someOrdersAreStillInFlightAtTheEnd() throws {
        let open = try #require(
            try fixture.scalarInt(
                "SELECT count(*) FROM orders WHERE status NOT IN ('delivered', 'collected', 'cancelled', 'returned')"))
        #expect(open > 40)
        #expect(Int(open) == fixture.truth.summary.openOrders)
        // In flight means: no final event yet.
        let shippedNotDelivered = try fixture.scalarInt(
            "SELECT count(*) FROM orders o JOIN shipments s USING (order_id) WHERE NOT EXISTS (SELECT 1 FROM carrier_scans c WHERE c.tracking_no = s.tracking_no AND c.scan = 'delivered')"
        )
        #expect((shippedNotDelivered ?? 0) > 20)
        let unfinishedTasks = try fixture.scalarInt("SELECT count(*) FROM warehouse_tasks WHERE completed_at IS NULL")
        #expect(unfinishedTasks != nil)
        // Statuses a real OMS would show.
        let statuses = Set(fixture.rows("SELECT DISTINCT status FROM orders").compactMap { $0[0].text })
        #expect(statuses.isSuperset(of: ["delivered", "collected", "cancelled", "returned", "shipped", "allocated"]))
    }

    @Test func channelsHaveARealisticMixAndDailyRhythm() throws {
        let n = Double(fixture.config.orders)
        func share(_ channel: String) -> Double {
            fixture.number("SELECT count(*) FROM orders WHERE channel = '\(channel)'") / n
        }
        #expect(share("web") > 0.3 && share("web") < 0.55)
        #expect(share("b2b") > 0.03 && share("b2b") < 0.12)
        #expect(share("store_pickup") > 0.07)
        // The web peaks in the evening, B2B in office hours and barely at weekends.
        let webEvening = fixture.number(
            "SELECT count(*) FROM orders WHERE channel = 'web' AND substr(created_at, 12, 2) BETWEEN '19' AND '21'")
        let webNight = fixture.number(
            "SELECT count(*) FROM orders WHERE channel = 'web' AND substr(created_at, 12, 2) BETWEEN '02' AND '04'")
        #expect(webEvening > 5 * webNight)
        let b2bNight = fixture.number(
            "SELECT count(*) FROM orders WHERE channel = 'b2b' AND (substr(created_at, 12, 2) < '06' OR substr(created_at, 12, 2) > '20')"
        )
        #expect(b2bNight == 0)
        let b2bWeekend = fixture.number(
            "SELECT count(*) FROM orders WHERE channel = 'b2b' AND strftime('%w', created_at) IN ('0', '6')")
        #expect(b2bWeekend < 0.05 * share("b2b") * n)
        // Store pickup orders are fulfilled at stores; others mostly at DCs.
        #expect(
            fixture.number("SELECT count(*) FROM orders WHERE channel = 'store_pickup' AND node NOT LIKE 'STORE-%'")
                == 0)
        #expect(
            fixture.number("SELECT count(*) FROM orders WHERE channel = 'store_pickup' AND carrier IS NOT NULL") == 0)
        let fromDC = fixture.number("SELECT avg(node LIKE 'DC-%') FROM orders WHERE channel = 'web'")
        #expect(fromDC > 0.85 && fromDC < 1)
    }
}

import Foundation
import Storage
import Testing

@testable import Simulation

/// Each injected pattern is visible in the raw source tables, with the size the ground truth
/// states.
@Suite struct PatternTests {
    let fixture = SimulationFixture.shared

    @Test func groundTruthListsEveryPattern() throws {
        let truth = fixture.truth
        #expect(truth.congestedNodes.count == 1)
        #expect(truth.allocationSyncLags.map(\.channel) == ["marketplace_a", "marketplace_b"])
        #expect(truth.slowCarriers.count == 1)
        #expect(truth.promotions.count == 2)
        #expect(truth.returnReasons != nil)
        #expect(truth.drift?.fromWeek == 5)
        #expect(truth.windowStart == "2026-01-05T00:00:00.000Z")
        #expect(truth.windowEnd == "2026-03-02T00:00:00.000Z")
        let json = try String(contentsOfFile: fixture.result.groundTruthPath, encoding: .utf8)
        #expect(json.contains(#""kind" : "congested_node""#))
        #expect(json.contains(#""edge" : ["#))
    }

    @Test func congestedNodePacksSlowlyOnItsWeekdays() throws {
        let pattern = try #require(fixture.truth.congestedNodes.first)
        #expect(
            pattern.node == "DC-S" && pattern.weekdays == ["Monday", "Tuesday"] && pattern.edge == ["Picked", "Packed"])
        let rows = fixture.rows(
            """
            SELECT p.node, CAST(strftime('%w', p.completed_at) AS INTEGER),
                   (julianday(k.completed_at) - julianday(p.completed_at)) * 1440
            FROM warehouse_tasks p JOIN warehouse_tasks k ON k.order_id = p.order_id AND k.task = 'pack'
            WHERE p.task = 'pick' AND k.completed_at IS NOT NULL AND p.node LIKE 'DC-%'
            """)
        var congested: [Double] = []
        var groups: [String: [Double]] = [:]
        for row in rows {
            guard case .text(let node) = row[0], case .integer(let weekday) = row[1], case .real(let minutes) = row[2]
            else { continue }
            // SQLite counts from Sunday = 0.
            if node == pattern.node && (weekday == 1 || weekday == 2) {
                congested.append(minutes)
            } else {
                groups["\(node)/\(weekday)", default: []].append(minutes)
            }
        }
        let baseline = median(groups.values.flatMap { $0 })
        #expect(median(congested) / baseline > 0.6 * pattern.factor)
        #expect(median(congested) / baseline < 1.6 * pattern.factor)
        // No other node and weekday stands out.
        for (key, values) in groups where values.count >= 30 { #expect(median(values) < 2 * baseline, "\(key)") }
        #expect(congested.count == pattern.affectedOrders)
    }

    @Test func marketplaceAllocationsFailAtTheirRates() throws {
        for pattern in fixture.truth.allocationSyncLags {
            let rate = fixture.number(
                "SELECT avg(a.outcome = 'failed') FROM allocations a JOIN orders o USING (order_id) WHERE a.attempt = 1 AND o.channel = '\(pattern.channel)'"
            )
            #expect(abs(rate - pattern.failureRate) < 0.05, "\(pattern.channel): \(rate)")
            let affected = fixture.number(
                "SELECT count(DISTINCT a.order_id) FROM allocations a JOIN orders o USING (order_id) WHERE a.outcome = 'failed' AND o.channel = '\(pattern.channel)'"
            )
            #expect(Int(affected) == pattern.affectedOrders)
        }
        let baseline = fixture.truth.allocationSyncLags[0].baselineRate
        let web = fixture.number(
            "SELECT avg(a.outcome = 'failed') FROM allocations a JOIN orders o USING (order_id) WHERE a.attempt = 1 AND o.channel = 'web'"
        )
        #expect(abs(web - baseline) < 0.02)
        // Each failure costs hours: the retry waits for the next inventory sync.
        let delays = fixture.doubles(
            """
            SELECT (julianday(b.at) - julianday(a.at)) * 24 FROM allocations a
            JOIN allocations b ON b.order_id = a.order_id AND b.attempt = a.attempt + 1
            JOIN orders o ON o.order_id = a.order_id WHERE o.channel = 'marketplace_a'
            """)
        #expect(abs(median(delays) - fixture.truth.allocationSyncLags[0].retryDelayMedianHours) < 1)
    }

    /// Hours from collection to the last in-transit scan (arrival at the delivery depot).
    private func transitHours(_ filter: String) -> [Double] {
        fixture.doubles(
            """
            SELECT (julianday(max(t.at)) - julianday(p.at)) * 24
            FROM shipments s JOIN orders o USING (order_id)
            JOIN carrier_scans p ON p.tracking_no = s.tracking_no AND p.scan = 'picked_up'
            JOIN carrier_scans t ON t.tracking_no = s.tracking_no AND t.scan = 'in_transit'
            WHERE \(filter) AND EXISTS (SELECT 1 FROM carrier_scans d WHERE d.tracking_no = s.tracking_no AND d.scan = 'out_for_delivery')
            GROUP BY s.tracking_no
            """)
    }

    @Test func slowCarrierIsSlowInItsRegion() throws {
        let pattern = try #require(fixture.truth.slowCarriers.first)
        #expect(pattern.carrier == "SwiftShip" && pattern.region == "east")
        let slow = transitHours("s.carrier = 'SwiftShip' AND o.region = 'east'")
        let elsewhere = transitHours("s.carrier = 'SwiftShip' AND o.region != 'east'")
        let ratio = median(slow) / median(elsewhere)
        #expect(ratio > 0.75 * pattern.transitFactor && ratio < 1.3 * pattern.transitFactor)
        // Other carriers are not slow there.
        let parcelCo =
            median(transitHours("s.carrier = 'ParcelCo' AND o.region = 'east'"))
            / median(transitHours("s.carrier = 'ParcelCo' AND o.region != 'east'"))
        #expect(parcelCo < 1.3)
        func failedShare(_ filter: String) -> Double {
            fixture.number(
                "SELECT avg(EXISTS (SELECT 1 FROM carrier_scans c WHERE c.tracking_no = s.tracking_no AND c.scan = 'delivery_failed')) FROM shipments s JOIN orders o USING (order_id) WHERE \(filter)"
            )
        }
        #expect(
            failedShare("s.carrier = 'SwiftShip' AND o.region = 'east'") > 2.5
                * failedShare("NOT (s.carrier = 'SwiftShip' AND o.region = 'east')"))
        #expect(
            Int(
                fixture.number(
                    "SELECT count(*) FROM shipments s JOIN orders o USING (order_id) WHERE s.carrier = 'SwiftShip' AND o.region = 'east'"
                )) == pattern.affectedOrders)
        // And so its parcels miss their promise far more often.
        func lateShare(_ filter: String) -> Double {
            fixture.number(
                "SELECT avg(d.at > o.promised_at) FROM orders o JOIN shipments s USING (order_id) JOIN carrier_scans d ON d.tracking_no = s.tracking_no AND d.scan = 'delivered' WHERE \(filter)"
            )
        }
        #expect(
            lateShare("s.carrier = 'SwiftShip' AND o.region = 'east'") > 2.5
                * lateShare("NOT (s.carrier = 'SwiftShip' AND o.region = 'east')"))
    }

    @Test func promotionsSpikeVolumeAndWaits() throws {
        let promotions = fixture.truth.promotions
        var inPromotion: [String] = []
        for p in promotions {
            #expect(p.start < p.end && p.start >= fixture.truth.windowStart && p.end <= fixture.truth.windowEnd)
            inPromotion.append("(created_at >= '\(p.start)' AND created_at < '\(p.end)')")
            let days = fixture.number("SELECT julianday('\(p.end)') - julianday('\(p.start)')")
            let promoDaily =
                fixture.number(
                    "SELECT count(*) FROM orders WHERE created_at >= '\(p.start)' AND created_at < '\(p.end)'") / days
            let promoted = p.channels.map { "'\($0)'" }.joined(separator: ", ")
            let coded = fixture.number("SELECT count(*) FROM orders WHERE promo_code = '\(p.code)'")
            let inWindow = fixture.number(
                "SELECT count(*) FROM orders WHERE created_at >= '\(p.start)' AND created_at < '\(p.end)' AND channel IN (\(promoted))"
            )
            #expect(coded == inWindow)
            #expect(
                Int(
                    fixture.number(
                        "SELECT count(*) FROM orders WHERE created_at >= '\(p.start)' AND created_at < '\(p.end)'"))
                    == p.orders)
            let otherDaily =
                fixture.number("SELECT count(*) FROM orders WHERE promo_code IS NULL AND channel IN (\(promoted))")
                / (Double(fixture.config.weeks * 7) - Double(promotions.count) * 3)
            #expect(promoDaily > 0.65 * p.volumeFactor * otherDaily, "\(p.name)")
        }
        // The DCs fall behind: allocation -> pick start waits grow.
        let waits = fixture.rows(
            """
            SELECT o.promo_code IS NOT NULL, (julianday(t.started_at) - julianday(a.at)) * 24
            FROM orders o JOIN allocations a ON a.order_id = o.order_id AND a.outcome = 'allocated'
            JOIN warehouse_tasks t ON t.order_id = o.order_id AND t.task = 'pick' WHERE o.node LIKE 'DC-%'
            """)
        let during = waits.compactMap { $0[0] == .integer(1) ? $0[1].real : nil }
        let outside = waits.compactMap { $0[0] == .integer(0) ? $0[1].real : nil }
        #expect(median(during) > 2 * median(outside))
    }

    @Test func returnReasonsFollowCategoryCarrierAndLateness() throws {
        let pattern = try #require(fixture.truth.returnReasons)
        #expect(pattern.returns == Int(fixture.number("SELECT count(*) FROM returns")))
        // Apparel comes back for size and fit; product categories without sizes never do.
        let apparel = fixture.rows(
            "SELECT r.reason_code, count(*) FROM returns r JOIN orders o USING (order_id) WHERE o.category = 'apparel' GROUP BY 1 ORDER BY 2 DESC"
        )
        #expect(apparel.first?[0].text == "size_fit")
        #expect(pattern.byCategory.first { $0.category == "apparel" }?.dominantReason == "size_fit")
        #expect(
            fixture.number(
                "SELECT count(*) FROM returns r JOIN orders o USING (order_id) WHERE r.reason_code = 'size_fit' AND o.category NOT IN ('apparel', 'sports')"
            ) == 0)
        let electronicsDefective = fixture.number(
            "SELECT avg(r.reason_code = 'defective') FROM returns r JOIN orders o USING (order_id) WHERE o.category = 'electronics'"
        )
        #expect(electronicsDefective > 0.25)
        // Damage comes with the rough carrier.
        func damagedShare(_ filter: String) -> Double {
            fixture.number(
                "SELECT avg(EXISTS (SELECT 1 FROM returns r WHERE r.order_id = s.order_id AND r.reason_code = 'damaged')) FROM shipments s WHERE \(filter)"
            )
        }
        #expect(pattern.damagedCarrier == "ParcelCo")
        #expect(damagedShare("s.carrier = 'ParcelCo'") > 2 * damagedShare("s.carrier != 'ParcelCo'"))
        // Late returns only follow late deliveries.
        let lateOnTime = fixture.number(
            """
            SELECT count(*) FROM returns r JOIN orders o USING (order_id) JOIN shipments s USING (order_id)
            JOIN carrier_scans d ON d.tracking_no = s.tracking_no AND d.scan = 'delivered'
            WHERE r.reason_code = 'late_delivery' AND d.at <= o.promised_at
            """)
        #expect(lateOnTime == 0)
        let lateRate = fixture.number(
            """
            SELECT avg(EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.order_id AND r.reason_code = 'late_delivery'))
            FROM orders o JOIN shipments s USING (order_id) JOIN carrier_scans d ON d.tracking_no = s.tracking_no AND d.scan = 'delivered'
            WHERE d.at > o.promised_at AND d.at < datetime('\(fixture.truth.windowEnd)', '-10 days')
            """)
        #expect(abs(lateRate - pattern.lateDeliveryRate) < 0.05)
        // Comments are free text that reads like its reason.
        let comments = fixture.rows("SELECT reason_code, comment FROM returns")
        #expect(comments.allSatisfy { !($0[1].text ?? "").isEmpty && !($0[1].text ?? "").contains("{") })
        #expect(
            comments.filter { $0[0].text == "late_delivery" }.allSatisfy {
                let text = $0[1].text ?? ""
                return text.contains("late") || text.contains("after")
            })
    }

    @Test func driftShiftsChannelMixAndCarrierDelay() throws {
        let drift = try #require(fixture.truth.drift)
        #expect(drift.channel == "marketplace_a" && drift.carrier == "NatPost")
        #expect(drift.start == "2026-02-02T00:00:00.000Z")
        func share(_ filter: String) -> Double {
            fixture.number("SELECT avg(channel = 'marketplace_a') FROM orders WHERE promo_code IS NULL AND \(filter)")
        }
        let before = share("created_at < '\(drift.start)'")
        let after = share("created_at >= '\(drift.start)'")
        #expect(after > 1.5 * before)
        #expect(abs(before - drift.shareBefore) < 0.04 && abs(after - drift.shareAfter) < 0.05)
        let natBefore = median(
            transitHours("s.carrier = 'NatPost' AND s.label_at < datetime('\(drift.start)', '-1 day')"))
        let natAfter = median(transitHours("s.carrier = 'NatPost' AND s.label_at > '\(drift.start)'"))
        #expect(natAfter / natBefore > 0.75 * drift.transitFactor)
        let parcelBefore = median(transitHours("s.carrier = 'ParcelCo' AND s.label_at < '\(drift.start)'"))
        let parcelAfter = median(transitHours("s.carrier = 'ParcelCo' AND s.label_at > '\(drift.start)'"))
        #expect(parcelAfter / parcelBefore < 1.2)
    }

    @Test func noDriftWithoutTheOption() throws {
        let run = SimulationFixture.make(SimulationConfig(orders: 800, seed: 3, weeks: 3), label: "simulation-nodrift")
        #expect(run.truth.drift == nil)
        #expect(run.truth.promotions.count == 1)
    }

    @Test func summaryMatchesTheTables() throws {
        let summary = fixture.truth.summary
        #expect(summary.orders == fixture.config.orders)
        #expect(
            summary.cancelledOrders == Int(fixture.number("SELECT count(*) FROM orders WHERE cancelled_at IS NOT NULL"))
        )
        #expect(summary.returnedOrders == Int(fixture.number("SELECT count(*) FROM returns")))
        let lateShare = Double(summary.lateOrders) / Double(summary.finishedOrders)
        #expect(lateShare > 0.04 && lateShare < 0.25)
    }
}

extension SQLiteValue {
    /// The value as a double, if it is a number.
    var real: Double? {
        switch self {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }
}

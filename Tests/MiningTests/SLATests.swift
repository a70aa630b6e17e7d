import Foundation
import Testing
import _TestSupport
import _WaybillSupport

@testable import Mining
@testable import Storage

@Suite struct SLATests {
    typealias E = MiningFixtures.Event
    static let hour: Int64 = 3600

    /// Five cases, promise at 10 h (36,000 s) for web and 5 h after creation for store pickup.
    static func log() -> ColumnarLog {
        let promise = AttributeValue.date(36_000 * 1_000_000)
        return MiningFixtures.log(
            [
                [E(activity: "Created", time: 0), E(activity: "Delivered", time: 9 * hour)],  // met
                [E(activity: "Created", time: 0), E(activity: "Delivered", time: 11 * hour)],  // late
                [E(activity: "Created", time: 0), E(activity: "Cancelled", time: 2 * hour)],  // cancelled
                [E(activity: "Created", time: 0), E(activity: "Shipped", time: 3 * hour)],  // open past promise
                [E(activity: "Created", time: 0), E(activity: "Ready", time: 4 * hour), E(activity: "Delivered", time: 20 * hour)],
            ],
            attributes: [
                "promised_at": [promise, promise, promise, promise, nil],
                "channel": [.string("web"), .string("web"), .string("web"), .string("web"), .string("pickup")],
            ])
    }

    static let rule = SLARule(
        promise: .attribute("promised_at"), milestone: "Delivered", milestoneByChannel: ["pickup": "Ready"],
        cancellationActivities: ["Cancelled"])

    @Test func statusesFollowTheRule() throws {
        let outcomes = try SLAOutcomes(log: Self.log(), rule: Self.rule)
        #expect(outcomes.status == [.met, .missedLate, .missedCancelled, .missedOpen, .noPromise])
        #expect(outcomes.decidedAt.map { $0 == .min ? -1 : $0 / 1_000_000 } == [9 * 3600, 36_000, 2 * 3600, 36_000, -1])
        #expect(outcomes.label(ofCase: 0) == false && outcomes.label(ofCase: 1) == true)
        #expect(outcomes.label(ofCase: 4) == nil)
    }

    @Test func asOfHidesLaterEvents() throws {
        // At 5 h, nothing is late yet: the case delivered at 9 h is still open.
        let outcomes = try SLAOutcomes(log: Self.log(), rule: Self.rule, asOf: 5 * Self.hour * 1_000_000)
        #expect(outcomes.status == [.open, .open, .missedCancelled, .open, .noPromise])
    }

    @Test func hoursAfterCreationPerChannel() throws {
        var rule = Self.rule
        rule.promise = .hoursAfterCreation(default: 10, byChannel: ["pickup": 3])
        let outcomes = try SLAOutcomes(log: Self.log(), rule: rule)
        // The pickup case is ready at 4 h, one hour after its 3 h promise.
        #expect(outcomes.status == [.met, .missedLate, .missedCancelled, .missedOpen, .missedLate])
    }

    @Test func unknownNamesAreErrors() {
        var rule = Self.rule
        rule.milestone = "Delivred"
        #expect(throws: MiningError.self) { try SLAOutcomes(log: Self.log(), rule: rule) }
        rule = Self.rule
        rule.promise = .attribute("promise")
        #expect(throws: MiningError.self) { try SLAOutcomes(log: Self.log(), rule: rule) }
    }

    @Test func reportCountsBySegmentAndWeek() throws {
        let log = Self.log()
        let report = SLAReport(outcomes: try SLAOutcomes(log: log, rule: Self.rule), dimensions: CaseDimensions(log: log))
        let overall = report.overall
        #expect(overall.cases == 5 && overall.met == 1 && overall.missed == 3 && overall.count(.noPromise) == 1)
        #expect(overall.attainment == 0.25)
        let web = report.rows.first { $0.dimension == "channel" && $0.segment == "web" && $0.week == "all" }
        #expect(web?.cases == 4)
        #expect(report.rows.contains { $0.dimension == "all" && $0.week == "1970-W01" && $0.cases == 4 })
        #expect(report.rows.contains { $0.dimension == "all" && $0.week == "none" && $0.cases == 1 })
    }

    /// The simulator knows which finished orders were late; the rule must find the same ones.
    @Test func matchesTheSimulatorsCounts() throws {
        let sim = try SimulatedLog.make()
        let outcomes = try SLAOutcomes(log: sim.log, rule: .retailDefault)
        // The simulator calls a pickup order finished when collected, the rule when ready: compare
        // on the orders the simulator finished (delivered, or collected).
        let log = sim.log
        let finishing = Set(["Delivered", "Picked Up"].compactMap { log.activityNames.firstIndex(of: $0) }.map(Int32.init))
        var finished = 0
        var late = 0
        for c in 0..<log.caseCount where outcomes.status[c] == .met || outcomes.status[c] == .missedLate {
            guard log.events(ofCase: c).contains(where: { finishing.contains(log.activities[$0]) }) else { continue }
            finished += 1
            if outcomes.status[c] == .missedLate { late += 1 }
        }
        #expect(finished == sim.truth.summary.finishedOrders)
        #expect(late == sim.truth.summary.lateOrders)
        #expect(outcomes.counts()[.noPromise] == nil)
        // Pickup orders not collected are cancelled after their milestone (ready): they count as
        // ready on time or late, not as cancelled.
        let cancel = Int32(log.activityNames.firstIndex(of: "Order Cancelled")!)
        let cancelledAfterMilestone = (0..<log.caseCount).filter { c in
            outcomes.milestoneTime[c] != .min && log.events(ofCase: c).contains { log.activities[$0] == cancel }
        }.count
        #expect(cancelledAfterMilestone > 0)
        #expect((outcomes.counts()[.missedCancelled] ?? 0) + cancelledAfterMilestone == sim.truth.summary.cancelledOrders)
    }

    @Test func isoWeeks() {
        func week(_ text: String) -> String { Timestamp.isoWeek(Timestamp.parseISO(text)!.micros) }
        #expect(week("2026-01-05T00:00:00Z") == "2026-W02")
        #expect(week("2026-01-01T12:00:00Z") == "2026-W01")
        #expect(week("2027-01-01T00:00:00Z") == "2026-W53")
        #expect(week("2024-12-30T00:00:00Z") == "2025-W01")
        #expect(Timestamp.weekday(Timestamp.parseISO("2026-11-26T10:00:00Z")!.micros) == 3)
        #expect(Timestamp.hour(Timestamp.parseISO("2026-11-26T10:59:59Z")!.micros) == 10)
    }
}

extension SLATests {
    /// sla.csv of the simulated log, written twice: byte-identical, and its counts add up.
    @Test func slaTableIsDeterministicAndConsistent() throws {
        let sim = try SimulatedLog.make()
        func write() throws -> String {
            var analysis = ProcessAnalysis(log: sim.log)
            analysis.sla = SLAReport(
                outcomes: try SLAOutcomes(log: sim.log, rule: .retailDefault), dimensions: CaseDimensions(log: sim.log))
            let directory = Fixtures.temporaryDirectory("sla")
            try analysis.writeTables(to: directory)
            return try String(contentsOf: directory.appendingPathComponent("sla.csv"), encoding: .utf8)
        }
        let text = try write()
        #expect(try write() == text)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let overall = try #require(rows.first)
        #expect(overall[0...2] == ["all", "all", "all"])
        #expect(Int(overall[3]) == sim.log.caseCount)
        // Per channel, the "all week" rows add up to the overall count.
        let channels = rows.filter { $0[0] == "channel" && $0[2] == "all" }
        #expect(channels.count == 5)
        #expect(channels.reduce(0) { $0 + Int($1[3])! } == sim.log.caseCount)
        // customer_id has too many values to be a dimension; order_value is cut at quartiles.
        #expect(!rows.contains { $0[0] == "customer_id" })
        // (Their level names hold a comma, so the cells are quoted.)
        let quartiles = text.split(separator: "\n").filter { $0.hasPrefix("order_value,\"[") && $0.contains("\",all,") }
        #expect(quartiles.count == 4)
    }
}

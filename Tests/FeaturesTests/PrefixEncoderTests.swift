import Features
import Learning
import Mining
import Testing
import _TestSupport
import _WaybillSupport

@testable import Storage

@Suite struct PrefixEncoderTests {
    /// Builds features for every training prefix of the simulated log.
    static func build(_ log: ColumnarLog, asOf: Microseconds? = nil, rows: PrefixRows? = nil) throws -> (
        PrefixRows, FeatureMatrix, PrefixEncoder
    ) {
        let outcomes = try SLAOutcomes(log: log, rule: .retailDefault, asOf: asOf)
        let rows = rows ?? PrefixRows.training(log: log, outcomes: outcomes, mode: .everyEvent)
        let encoder = PrefixEncoder.fit(log: log, rows: rows)
        let context = ProcessContext(
            log: log, outcomes: outcomes, cancellationActivities: SLARule.retailDefault.cancellationActivities)
        return (rows, encoder.encode(log: log, rows: rows, outcomes: outcomes, context: context), encoder)
    }

    @Test func schemaHasNamedDocumentedFeatures() throws {
        let sim = try SimulatedLog.make()
        let (rows, matrix, encoder) = try Self.build(sim.log)
        matrix.checkInvariants()
        #expect(matrix.rowCount == rows.count && rows.count > sim.log.caseCount)
        let names = Set(matrix.features.map(\.name))
        for expected in [
            "channel", "node", "carrier", "region", "category", "ship_speed", "order_value", "item_count",
            "hours_since_creation", "hours_to_promise", "hour_of_day", "weekday", "last_activity",
            "hours_since_last_event", "rework_events", "count_allocation_failed", "hours_to_picked", "node_wip",
            "node_recent_throughput", "carrier_recent_late_rate", "channel_recent_allocation_failure_rate",
        ] {
            #expect(names.contains(expected), "\(expected)")
        }
        // Ids and the promise itself are not features.
        #expect(!names.contains("customer_id") && !names.contains("promised_at"))
        #expect(matrix.features.allSatisfy { !$0.description.isEmpty })
        #expect(matrix.columnCount >= 40 && matrix.columnCount <= 80)
        #expect(encoder.schema.features == matrix.features)
        // Each case's rows weigh 1 in total.
        var total = [Int32: Double]()
        for r in 0..<rows.count { total[rows.caseIndex[r], default: 0] += rows.weight[r] }
        #expect(total.values.allSatisfy { abs($0 - 1) < 1e-9 })
    }

    @Test func trainingRowsStopBeforeTheDecision() throws {
        let sim = try SimulatedLog.make()
        let outcomes = try SLAOutcomes(log: sim.log, rule: .retailDefault)
        let rows = PrefixRows.training(log: sim.log, outcomes: outcomes, mode: .everyEvent)
        let delivered = try #require(sim.log.activityNames.firstIndex(of: "Delivered"))
        for r in 0..<rows.count {
            let c = Int(rows.caseIndex[r])
            #expect(rows.time[r] < outcomes.decidedAt[c])
            let last = sim.log.events(ofCase: c).lowerBound + Int(rows.eventCount[r]) - 1
            #expect(sim.log.activities[last] != Int32(delivered))
        }
        let snapshots = PrefixRows.training(log: sim.log, outcomes: outcomes, mode: .snapshots(hours: 6))
        #expect(snapshots.count > 0)
        for r in 0..<snapshots.count {
            let c = Int(snapshots.caseIndex[r])
            let start = sim.log.timestamps[sim.log.events(ofCase: c).lowerBound]
            #expect((snapshots.time[r] - start) % 21_600_000_000 == 0)
            #expect(snapshots.time[r] < outcomes.decidedAt[c])
        }
    }

    /// The incremental walk (rows in case order) equals a fresh walk per row (rows reversed, so
    /// each row starts over): the fast path against the simple one.
    @Test func incrementalEqualsFromScratch() throws {
        let sim = try SimulatedLog.make()
        let (rows, matrix, encoder) = try Self.build(sim.log)
        var reversed = PrefixRows()
        reversed.caseIndex = rows.caseIndex.reversed()
        reversed.eventCount = rows.eventCount.reversed()
        reversed.time = rows.time.reversed()
        reversed.label = rows.label.reversed()
        reversed.weight = rows.weight.reversed()
        let outcomes = try SLAOutcomes(log: sim.log, rule: .retailDefault)
        let context = ProcessContext(log: sim.log, outcomes: outcomes, cancellationActivities: ["Order Cancelled"])
        let other = encoder.encode(log: sim.log, rows: reversed, outcomes: outcomes, context: context)
        let n = rows.count
        for j in 0..<matrix.columnCount {
            for r in stride(from: 0, to: n, by: 7) {
                let a = matrix[r, j]
                let b = other[n - 1 - r, j]
                #expect(a == b || (a.isNaN && b.isNaN), "\(matrix.features[j].name) row \(r)")
            }
        }
    }

    /// A context made for one instant answers as the general one does at that instant, for every
    /// case and figure: at the log's end, in its middle (open cases, windows cut short), before
    /// its start and with nothing cancellable.
    @Test func contextAtOneInstantEqualsTheGeneralOne() throws {
        let log = try SimulatedLog.make(orders: 2_000).log
        let times = log.timestamps.sorted()
        for (instant, cancels) in [
            (times.last!, ["Order Cancelled"]), (times[times.count / 2], ["Order Cancelled"]),
            (times.first! - 1, ["Order Cancelled"]), (times[times.count / 3], []),
        ] {
            let outcomes = try SLAOutcomes(log: log, rule: .retailDefault, asOf: instant)
            let general = ProcessContext(log: log, outcomes: outcomes, cancellationActivities: cancels)
            let snapshot = ProcessContext(log: log, outcomes: outcomes, cancellationActivities: cancels, at: instant)
            #expect(snapshot.hasNode && snapshot.hasCarrier && snapshot.hasAllocations)
            var figures = 0
            for c in 0..<log.caseCount {
                let pairs = [
                    (
                        general.nodeWorkInProgress(case: c, at: instant),
                        snapshot.nodeWorkInProgress(case: c, at: instant)
                    ),
                    (
                        general.nodeRecentThroughput(case: c, at: instant),
                        snapshot.nodeRecentThroughput(case: c, at: instant)
                    ),
                    (
                        general.carrierRecentLateRate(case: c, at: instant),
                        snapshot.carrierRecentLateRate(case: c, at: instant)
                    ),
                    (
                        general.channelRecentAllocationFailureRate(case: c, at: instant),
                        snapshot.channelRecentAllocationFailureRate(case: c, at: instant)
                    ),
                ]
                for (k, (a, b)) in pairs.enumerated() {
                    #expect(a == b || (a.isNaN && b.isNaN), "case \(c) figure \(k) at \(instant): \(a) vs \(b)")
                    if !a.isNaN && a != 0 { figures += 1 }
                }
            }
            if instant > times.first! { #expect(figures > log.caseCount) }
        }
    }

    /// No row may use information from after its own prefix time: appending future events to
    /// cases (its own and others) leaves every earlier row's features unchanged.
    @Test func futureEventsDoNotChangeEarlierRows() throws {
        let sim = try SimulatedLog.make(orders: 1_500)
        let log = sim.log
        let (rows, matrix, encoder) = try Self.build(log)
        let asOf = log.timestamps.max()!
        // Cut every case at the median prefix time: rows before the cut must not change when
        // the events after it are removed... so build the "past" log and compare on its rows.
        let cut = rows.time.sorted()[rows.count / 2]
        var keepEvent = [Bool](repeating: false, count: log.eventCount)
        for i in 0..<log.eventCount { keepEvent[i] = log.timestamps[i] <= cut }
        var past = log
        past.activities = []
        past.timestamps = []
        past.startTimestamps = []
        past.eventIDs = []
        past.caseOffsets = [0]
        for c in 0..<log.caseCount {
            for i in log.events(ofCase: c) where keepEvent[i] {
                past.activities.append(log.activities[i])
                past.timestamps.append(log.timestamps[i])
                past.startTimestamps.append(log.startTimestamps[i])
                past.eventIDs.append(log.eventIDs[i])
            }
            past.caseOffsets.append(past.activities.count)
        }
        // The same case indices exist in both logs (cases may be empty in the past one).
        let earlier = (0..<rows.count).filter { rows.time[$0] <= cut }
        var sub = PrefixRows()
        for r in earlier {
            sub.caseIndex.append(rows.caseIndex[r])
            sub.eventCount.append(rows.eventCount[r])
            sub.time.append(rows.time[r])
            sub.label.append(rows.label[r])
            sub.weight.append(rows.weight[r])
        }
        // The past log seen as of the full log's end, so promises have the same meaning.
        let outcomes = try SLAOutcomes(log: past, rule: .retailDefault, asOf: asOf)
        let context = ProcessContext(log: past, outcomes: outcomes, cancellationActivities: ["Order Cancelled"])
        let again = encoder.encode(log: past, rows: sub, outcomes: outcomes, context: context)
        #expect(again.rowCount == earlier.count && earlier.count > 1_000)
        for j in 0..<matrix.columnCount {
            for (k, r) in earlier.enumerated() {
                let a = matrix[r, j]
                let b = again[k, j]
                #expect(a == b || (a.isNaN && b.isNaN), "\(matrix.features[j].name) changed for row \(r)")
                if !(a == b || (a.isNaN && b.isNaN)) { return }
            }
        }
    }

    @Test func valuesOfAHandMadeCase() throws {
        let hour: Int64 = 3_600_000_000
        let log = ColumnarLog(
            caseType: "orders", activityNames: ["Order Created", "Picked", "Delivered"],
            activities: [0, 1, 1, 2, 0, 2], timestamps: [0, hour, 3 * hour, 5 * hour, 0, 2 * hour],
            startTimestamps: Array(repeating: .min, count: 6), eventIDs: [1, 2, 3, 4, 5, 6], caseOffsets: [0, 4, 6],
            caseIDs: ["A", "B"],
            caseAttributes: [
                "promised_at": [.date(4 * hour), .date(4 * hour)], "node": [.string("N1"), .string("N1")],
            ])
        var options = PrefixEncoder.Options()
        options.minLevelCases = 1
        let outcomes = try SLAOutcomes(
            log: log, rule: SLARule(promise: .attribute("promised_at"), milestone: "Delivered"))
        #expect(outcomes.status == [.missedLate, .met])
        let rows = PrefixRows.training(log: log, outcomes: outcomes, mode: .everyEvent)
        // Case A is decided at its promise (4 h): rows after events 1, 2, 3; case B at delivery: row after event 1.
        #expect(rows.caseIndex == [0, 0, 0, 1] && rows.eventCount == [1, 2, 3, 1])
        #expect(rows.label == [1, 1, 1, 0])
        let encoder = PrefixEncoder.fit(log: log, rows: rows, options: options)
        let context = ProcessContext(log: log, outcomes: outcomes, cancellationActivities: [])
        let m = encoder.encode(log: log, rows: rows, outcomes: outcomes, context: context)
        func value(_ name: String, _ row: Int) -> Double { m[row, m.columnIndex(named: name)!] }
        #expect(value("count_picked", 2) == 2 && value("rework_events", 2) == 1)
        #expect(value("hours_since_creation", 2) == 3 && value("hours_to_promise", 2) == 1)
        #expect(value("hours_to_picked", 0).isNaN && value("hours_to_picked", 2) == 1)
        // Levels: the activities the training prefixes see, by name (Order Created, Picked).
        #expect(value("last_activity", 2) == 1)
        // At 3 h both cases have started and B was delivered at 2 h: one order in progress at N1.
        #expect(value("node_wip", 2) == 1 && value("node_recent_throughput", 2) == 1)
        #expect(value("node_wip", 0) == 2)
    }
}

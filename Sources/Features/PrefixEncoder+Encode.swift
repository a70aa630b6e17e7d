import Dispatch
import Learning
import Mining
import Storage
import _WaybillSupport

extension PrefixEncoder {
    /// The feature matrix of `rows` of `log`, one row per prefix, columns as `schema.features`.
    ///
    /// `outcomes` gives each case's promise (and, with the rule's cancellations, the ends the
    /// process context counts); `context` may be shared between calls on the same log.
    /// Rows are encoded in two halves on two threads; each walks its rows' events incrementally,
    /// so a case's prefixes cost its events once.
    ///
    /// - Complexity: O(*rows* × *features* + *events of the rows' cases* + *rows* × log *cases*).
    public func encode(log: ColumnarLog, rows: PrefixRows, outcomes: SLAOutcomes, context: ProcessContext)
        -> FeatureMatrix
    {
        let schema = self.schema
        let p = schema.features.count
        let n = rows.count
        // Case attributes as numbers or level codes, looked up per row: a feature column per case
        // would be computed (and its memory touched) for every case of the log, most of them not
        // among the rows when scoring open orders. A categorical one maps each distinct text once
        // (`textCodes`) and reads the case's code per row.
        let attributes = schema.caseAttributes.map { a -> AttributeLookup in
            if a.numeric {
                guard let column = log.caseAttributeColumn(a.attribute) else { return .missing }
                // Per row when there are fewer rows than cases (scoring open orders), else per
                // case (training rows: many prefixes per case).
                if n < log.caseCount { return .numericByRow(column.numbers(ofCases: rows.caseIndex)) }
                return .numericByCase(column.numbers(ofCases: (0..<Int32(log.caseCount)).map { $0 }))
            }
            guard let coded = log.textCodes(a.attribute) else { return .missing }
            var index: [String: Double] = [:]
            for (i, level) in a.levels.enumerated() { index[level] = Double(i) }
            let other = index[FeatureSchema.otherLevel] ?? .nan
            return .coded(codes: coded.codes, value: coded.levels.map { index[$0] ?? other })
        }
        // Log activity code -> counted slot, timed slot, last-activity level.
        let names = log.activityNames
        let countedSlot = names.map { name in schema.countedActivities.firstIndex(of: name) ?? -1 }
        let timedSlot = names.map { name in schema.timedActivities.firstIndex(of: name) ?? -1 }
        let otherActivity = Double(schema.lastActivityLevels.count)
        let lastLevel = names.map { name in schema.lastActivityLevels.firstIndex(of: name).map(Double.init) ?? otherActivity }
        let a0 = schema.caseAttributes.count
        let timeBase = a0
        let countBase = a0 + 8
        let timedBase = countBase + schema.countedActivities.count
        let contextBase = timedBase + schema.timedActivities.count
        precondition(contextBase + schema.contextFeatures.count == p, "schema and encoder disagree")

        // The context features, resolved once rather than by name per row.
        enum Context { case nodeWIP, nodeThroughput, carrierLateRate, channelAllocationFailures }
        let contextFeatures: [Context] = schema.contextFeatures.map { name in
            switch name {
            case "node_wip": .nodeWIP
            case "node_recent_throughput": .nodeThroughput
            case "carrier_recent_late_rate": .carrierLateRate
            default: .channelAllocationFailures
            }
        }
        let activityCount = names.count
        // Every cell is written below (each row sets all p features), so the matrix is left
        // uninitialised here and first touched by the two threads that fill it.
        let values = [Double](unsafeUninitializedCapacity: n * p) { buffer, initialized in
            let out = UnsafeMutableSendablePointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
            let chunks = n < 10_000 ? 1 : 2
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = n * chunk / chunks
                let upper = n * (chunk + 1) / chunks
                var counts = [Double](repeating: 0, count: schema.countedActivities.count)
                var firstTime = [Microseconds](repeating: .min, count: schema.timedActivities.count)
                // Activities met in the current case: seenIn[a] == the case's stamp.
                var seenIn = [Int](repeating: -1, count: activityCount)
                var stamp = 0
                var currentCase = -1
                var walked = 0
                var rework = 0
                for r in lower..<upper {
                    let c = Int(rows.caseIndex[r])
                    let range = log.events(ofCase: c)
                    let k = Int(rows.eventCount[r])
                    if c != currentCase || k < walked {
                        currentCase = c
                        walked = 0
                        rework = 0
                        for j in counts.indices { counts[j] = 0 }
                        for j in firstTime.indices { firstTime[j] = .min }
                        stamp += 1
                    }
                    while walked < k {
                        let i = range.lowerBound + walked
                        let a = log.activities[i]
                        if countedSlot[Int(a)] >= 0 { counts[countedSlot[Int(a)]] += 1 }
                        let ts = timedSlot[Int(a)]
                        if ts >= 0 && firstTime[ts] == .min { firstTime[ts] = log.timestamps[i] }
                        if seenIn[Int(a)] == stamp { rework += 1 } else { seenIn[Int(a)] = stamp }
                        walked += 1
                    }
                    let t = rows.time[r]
                    let start = log.timestamps[range.lowerBound]
                    let last = range.lowerBound + k - 1
                    func set(_ column: Int, _ value: Double) { out.pointer[column * n + r] = value }
                    for j in 0..<a0 { set(j, attributes[j].value(row: r, case: c)) }
                    set(timeBase, Double(t - start) / 3.6e9)
                    let promise = outcomes.promise[c]
                    set(timeBase + 1, promise == .min ? .nan : Double(promise - t) / 3.6e9)
                    set(timeBase + 2, Double(Timestamp.hour(t)))
                    set(timeBase + 3, Double(Timestamp.weekday(t)))
                    set(timeBase + 4, Double(k))
                    set(timeBase + 5, Double(rework))
                    set(timeBase + 6, Double(t - log.timestamps[last]) / 3.6e9)
                    set(timeBase + 7, lastLevel[Int(log.activities[last])])
                    for j in counts.indices { set(countBase + j, counts[j]) }
                    for j in firstTime.indices {
                        set(timedBase + j, firstTime[j] == .min ? .nan : Double(firstTime[j] - start) / 3.6e9)
                    }
                    for (j, feature) in contextFeatures.enumerated() {
                        let v: Double
                        switch feature {
                        case .nodeWIP: v = context.nodeWorkInProgress(case: c, at: t)
                        case .nodeThroughput: v = context.nodeRecentThroughput(case: c, at: t)
                        case .carrierLateRate: v = context.carrierRecentLateRate(case: c, at: t)
                        case .channelAllocationFailures: v = context.channelRecentAllocationFailureRate(case: c, at: t)
                        }
                        set(contextBase + j, v)
                    }
                }
            }
            initialized = n * p
        }
        return FeatureMatrix(features: schema.features, rowCount: n, values: values)
    }
}

/// How `encode` reads a case attribute's feature value.
private enum AttributeLookup: Sendable {
    /// Per row, its case's value as a number (NaN: none, or not a number).
    case numericByRow([Double])
    /// The same per case.
    case numericByCase([Double])
    /// Per case a text's code (−1: none), and per code the feature's level index.
    case coded(codes: [Int32], value: [Double])
    /// The log lacks the attribute.
    case missing

    /// The feature value of row `r`, of case `c`: a number, a level index, or NaN when missing.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    func value(row r: Int, case c: Int) -> Double {
        switch self {
        case .numericByRow(let values): values[r]
        case .numericByCase(let values): values[c]
        case .coded(let codes, let value): codes[c] < 0 ? .nan : value[Int(codes[c])]
        case .missing: .nan
        }
    }
}

/// A raw pointer the row chunks write through; each chunk writes only its own rows.
struct UnsafeMutableSendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }
}

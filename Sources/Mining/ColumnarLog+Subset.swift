import Storage

extension ColumnarLog {
    /// A log of the chosen cases, optionally keeping only some of their events; cases left with no
    /// event are dropped.
    ///
    /// Activity codes and names are unchanged, so figures of the subset and of the whole log can
    /// be compared code for code. Case attributes are carried over for the kept cases.
    ///
    /// - Parameters:
    ///   - keepCase: per case, whether to keep it (`count == caseCount`).
    ///   - keepEvent: per event, whether to keep it, or nil to keep all events of kept cases.
    /// - Complexity: O(*events* + *cases* × *attributes*).
    public func subset(keepCase: [Bool], keepEvent: [Bool]? = nil) -> ColumnarLog {
        precondition(keepCase.count == caseCount, "one flag per case")
        precondition(keepEvent == nil || keepEvent!.count == eventCount, "one flag per event")
        var out = self
        out.activities = []
        out.timestamps = []
        out.startTimestamps = []
        out.eventIDs = []
        out.caseOffsets = [0]
        out.caseIDs = []
        var keptCases: [Int] = []
        for c in 0..<caseCount where keepCase[c] {
            for i in events(ofCase: c) where keepEvent?[i] ?? true {
                out.activities.append(activities[i])
                out.timestamps.append(timestamps[i])
                if hasEventDetails {
                    out.startTimestamps.append(startTimestamps[i])
                    out.eventIDs.append(eventIDs[i])
                }
            }
            guard out.activities.count > out.caseOffsets.last! else { continue }
            out.caseOffsets.append(out.activities.count)
            out.caseIDs.append(caseIDs[c])
            keptCases.append(c)
        }
        out.keepCaseAttributes(ofCases: keptCases)
        #if DEBUG
            out.checkInvariants()
        #endif
        return out
    }
}

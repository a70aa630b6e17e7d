import _WaybillSupport

extension EventStore {
    /// Loads the case view on one object type as a columnar log.
    ///
    /// Each object of the type is a case; its events are the events linked to it, ordered by
    /// timestamp with ties in insertion (file) order. Objects of the type with no events are
    /// left out. Case attributes are the objects' static attributes plus, for attributes that
    /// change over time (OCEL 2.0), the earliest value.
    ///
    /// The view is cached in the store (`EventStore+CaseViewCache.swift`): until the next import,
    /// loading the same type again reads its columns back instead of rebuilding it.
    ///
    /// - Parameters:
    ///   - objectType: the type to flatten on; see `resolveCaseType`.
    ///   - attributes: the case attributes to load (nil: all of them); a stage that needs a few
    ///     (scoring, say) skips decoding the others, such as a customer id per order.
    ///   - eventDetails: false leaves the start timestamps and event ids out (empty): for the
    ///     stages that read neither (scoring, backtests), half the event columns' bytes.
    ///   - textsAsCodes: true holds each case attribute of texts only as codes
    ///     (`ColumnarLog.codedCaseAttributes`), not as a value per case: for the stages that read
    ///     texts through `textCodes(_:)` only (scoring, backtests), a fraction of the memory.
    /// - Complexity: O(*E* + *L* log *k*) for *E* events, *L* links and the longest case length
    ///   *k*: one pass over the segments, a counting sort of the links by case, and a sort of
    ///   each case that is not already in order. From the cache: O(*E*) memory copies.
    public func loadCaseView(
        objectType requested: String? = nil, attributes: Set<String>? = nil, eventDetails: Bool = true,
        textsAsCodes: Bool = false
    ) throws -> ColumnarLog {
        let caseType = try resolveCaseType(requested)
        if let cached = try cachedCaseView(
            caseType, attributes: attributes, eventDetails: eventDetails, textsAsCodes: textsAsCodes)
        {
            #if DEBUG
            cached.checkInvariants()
            #endif
            return cached
        }
        var log = try buildCaseView(caseType)
        storeCaseView(log)
        if let attributes { log.caseAttributes = log.caseAttributes.filter { attributes.contains($0.key) } }
        if !eventDetails { (log.startTimestamps, log.eventIDs) = ([], []) }
        if textsAsCodes { log.holdTextsAsCodes() }
        return log
    }

    /// Builds the case view of `caseType` from the segments and links (no cache).
    ///
    /// - Complexity: as `loadCaseView`.
    func buildCaseView(_ caseType: String) throws -> ColumnarLog {
        guard let typeID = try db.scalarInt("SELECT id FROM object_type WHERE name = ?", [.text(caseType)]) else {
            throw StoreError(.notFound, "no object type '\(caseType)'", path: path)
        }
        var activityNames: [String] = []
        var codeOf: [Int64: Int32] = [:]
        for row in try db.rows("SELECT id, name FROM activity ORDER BY id") {
            codeOf[row[0].integer!] = Int32(activityNames.count)
            activityNames.append(row[1].text!)
        }
        var maxActivityID: Int64 = 0
        for id in codeOf.keys { maxActivityID = max(maxActivityID, id) }
        var codeTable = [Int32](repeating: -1, count: Int(maxActivityID) + 1)
        for (id, code) in codeOf { codeTable[Int(id)] = code }

        // The type's objects, in creation order, numbered densely.
        var objectRowIDs: [Int64] = []
        let typeObjects = try db.prepare("SELECT id FROM object WHERE type_id = ? ORDER BY id")
        typeObjects.bind(typeID, at: 1)
        while try typeObjects.step() { objectRowIDs.append(typeObjects.int64(0)) }
        // Object row ids are dense (SQLite rowids), so a flat table maps them to case numbers.
        let maxObjectID = Int(try db.scalarInt("SELECT max(id) FROM object") ?? 0)
        var objectIndex = [Int32](repeating: -1, count: maxObjectID + 1)
        for (i, id) in objectRowIDs.enumerated() { objectIndex[Int(id)] = Int32(i) }

        // One pass over the segments: event columns, and the links to objects of the type.
        var eventTime: [Int64] = [], eventStart: [Int64] = [], eventActivity: [Int32] = [], eventIDs: [Int64] = []
        var eventRow: [Int64: Int32] = [:]
        var linkCase: [Int32] = [], linkEvent: [Int64] = []
        try forEachSegment { _, first, segment in
            if segment.count > 0 {
                eventRow[first] = Int32(eventTime.count)
                eventTime += segment.time
                eventStart += segment.startTime
                eventActivity += segment.activity.map { codeTable[Int($0)] }
                eventIDs += (0..<Int64(segment.count)).map { first + $0 }
            }
            for k in 0..<segment.linkCount {
                let object = Int(segment.linkObject[k])
                guard object < objectIndex.count, objectIndex[object] >= 0 else { continue }
                let c = objectIndex[object]
                linkCase.append(c)
                linkEvent.append(first + Int64(segment.linkEvent[k]))
            }
        }
        // Event id -> row: ids are dense within a segment, so find the segment's first id.
        let firsts = eventRow.keys.sorted()
        func row(of event: Int64) -> Int {
            var lo = 0, hi = firsts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if firsts[mid] <= event { lo = mid } else { hi = mid - 1 }
            }
            return Int(eventRow[firsts[lo]]!) + Int(event - firsts[lo])
        }

        // Counting sort of the links by case, then a stable sort of each case by (time, event id).
        var counts = [Int](repeating: 0, count: objectRowIDs.count + 1)
        for c in linkCase { counts[Int(c) + 1] += 1 }
        for c in 0..<objectRowIDs.count { counts[c + 1] += counts[c] }
        var slots = counts
        var ordered = [Int](repeating: 0, count: linkCase.count)
        for k in linkCase.indices {
            let c = Int(linkCase[k])
            ordered[slots[c]] = row(of: linkEvent[k])
            slots[c] += 1
        }
        var log = ColumnarLog(
            caseType: caseType, activityNames: activityNames, activities: [], timestamps: [], startTimestamps: [],
            eventIDs: [], caseOffsets: [0], caseIDs: [], caseAttributes: [:])
        log.activities.reserveCapacity(ordered.count)
        log.timestamps.reserveCapacity(ordered.count)
        log.startTimestamps.reserveCapacity(ordered.count)
        log.eventIDs.reserveCapacity(ordered.count)
        var kept: [Int64] = []
        for c in 0..<objectRowIDs.count where counts[c + 1] > counts[c] {
            var rows = Array(ordered[counts[c]..<counts[c + 1]])
            var sorted = true
            for k in rows.indices.dropFirst() {
                let a = rows[k - 1], b = rows[k]
                if eventTime[a] > eventTime[b] || (eventTime[a] == eventTime[b] && eventIDs[a] >= eventIDs[b]) {
                    sorted = false
                    break
                }
            }
            if !sorted {
                rows.sort { eventTime[$0] != eventTime[$1] ? eventTime[$0] < eventTime[$1] : eventIDs[$0] < eventIDs[$1] }
            }
            var previous = -1
            for r in rows where r != previous {
                // One event linked to the same object under two qualifiers counts once.
                previous = r
                log.activities.append(eventActivity[r])
                log.timestamps.append(eventTime[r])
                log.startTimestamps.append(eventStart[r])
                log.eventIDs.append(eventIDs[r])
            }
            log.caseOffsets.append(log.activities.count)
            kept.append(objectRowIDs[c])
        }
        objectRowIDs = kept

        // External ids and attributes, in the same object order.
        var index: [Int64: Int] = [:]
        index.reserveCapacity(objectRowIDs.count)
        for (i, id) in objectRowIDs.enumerated() { index[id] = i }
        log.caseIDs = [String](repeating: "", count: objectRowIDs.count)
        let objects = try db.prepare("SELECT id, ext_id, attrs FROM object WHERE type_id = ?")
        objects.bind(typeID, at: 1)
        while try objects.step() {
            guard let i = index[objects.int64(0)] else { continue }
            log.caseIDs[i] = objects.text(1)
            let attributes = try objects.withBlob(2) { try AttributeJSON.decode(bytes: $0.assumingMemoryBound(to: UInt8.self)) }
            for (key, value) in attributes {
                log.caseAttributes[key, default: [AttributeValue?](repeating: nil, count: objectRowIDs.count)][i] = value
            }
        }
        let changes = try db.prepare("""
            SELECT a.object_id, a.name, a.value FROM object_attribute a JOIN object o ON o.id = a.object_id
            WHERE o.type_id = ? ORDER BY a.object_id, a.name, a.time
            """)
        changes.bind(typeID, at: 1)
        var seen: (Int64, String) = (-1, "")
        while try changes.step() {
            let object = changes.int64(0)
            let name = changes.text(1)
            guard let i = index[object], !(seen.0 == object && seen.1 == name) else { continue }
            seen = (object, name)
            if log.caseAttributes[name]?[i] != nil { continue }
            if let value = try AttributeJSON.decode(changes.text(2)).first?.value {
                log.caseAttributes[name, default: [AttributeValue?](repeating: nil, count: objectRowIDs.count)][i] = value
            }
        }
        #if DEBUG
        log.checkInvariants()
        #endif
        return log
    }
}


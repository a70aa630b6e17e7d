import _WaybillSupport

extension EventStore {
    /// Loads the case views of several object types at once, in one pass over the events.
    ///
    /// Each view is what `loadCaseView(objectType:)` gives for its type (objects of the type as
    /// cases, in creation order, those without events left out; a case's events by timestamp,
    /// ties in insertion order; an event linked to an object under two qualifiers once), except
    /// that `caseAttributes` is empty: the object-centric analyses need no attributes, and
    /// decoding them is most of the cost of a view beyond the links.
    ///
    /// - Parameter requested: the types to load, in any order; nil for every type that owns at
    ///   least one event (a type that owns none is then left out, rather than given an empty view).
    /// - Returns: one view per type, by type name in code-point order.
    /// - Throws: `StoreError.notFound` for a requested type that the store does not have.
    /// - Complexity: O(*E* + *L* + *O* + Σ *k* log *k*) for *E* events, *L* links, *O* objects
    ///   and the cases' lengths *k*: one pass over the segments, a counting sort of the links by
    ///   (type, object), and a sort of each case that is not already in order.
    public func loadCaseViews(objectTypes requested: [String]? = nil) throws -> [ColumnarLog] {
        var typeNames: [Int64: String] = [:]
        for row in try db.rows("SELECT id, name FROM object_type") { typeNames[row[0].integer!] = row[1].text! }
        if let requested {
            let known = Set(typeNames.values)
            for name in requested where !known.contains(name) {
                let types = try typesWithEvents()
                throw StoreError(
                    .notFound, "no object type '\(name)' in the store; it has: \(types.joined(separator: ", "))",
                    path: path)
            }
        }
        let wanted = Set(requested ?? Array(typeNames.values))
        let types = wanted.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var typeIndex: [Int64: Int] = [:]
        for (id, name) in typeNames { if let t = types.firstIndex(of: name) { typeIndex[id] = t } }

        var activityNames: [String] = []
        var codeTable: [Int32] = []
        for row in try db.rows("SELECT id, name FROM activity ORDER BY id") {
            let id = Int(row[0].integer!)
            if id >= codeTable.count { codeTable += [Int32](repeating: -1, count: id + 1 - codeTable.count) }
            codeTable[id] = Int32(activityNames.count)
            activityNames.append(row[1].text!)
        }

        // Every object of a wanted type gets a global case number: types in order, objects in
        // creation order within a type. Object row ids are dense, so a flat table maps them.
        var objectsOfType = [[(id: Int64, external: String)]](repeating: [], count: types.count)
        let objects = try db.prepare("SELECT id, type_id, ext_id FROM object ORDER BY id")
        var maxObjectID: Int64 = 0
        while try objects.step() {
            maxObjectID = max(maxObjectID, objects.int64(0))
            if let t = typeIndex[objects.int64(1)] { objectsOfType[t].append((objects.int64(0), objects.text(2))) }
        }
        var typeFirstCase = [0]
        for list in objectsOfType { typeFirstCase.append(typeFirstCase.last! + list.count) }
        let caseCount = typeFirstCase.last!
        var caseOfObject = [Int32](repeating: -1, count: Int(maxObjectID) + 1)
        for (t, list) in objectsOfType.enumerated() {
            for (i, object) in list.enumerated() { caseOfObject[Int(object.id)] = Int32(typeFirstCase[t] + i) }
        }

        // One pass over the segments: event columns, and the links to objects of wanted types.
        var eventTime: [Int64] = []
        var eventStart: [Int64] = []
        var eventActivity: [Int32] = []
        var eventIDs: [Int64] = []
        var segmentFirsts: [(first: Int64, row: Int)] = []
        var linkCase: [Int32] = []
        var linkEvent: [Int64] = []
        try forEachSegment { _, first, segment in
            if segment.count > 0 {
                segmentFirsts.append((first, eventTime.count))
                eventTime += segment.time
                eventStart += segment.startTime
                eventActivity += segment.activity.map { codeTable[Int($0)] }
                eventIDs += (0..<Int64(segment.count)).map { first + $0 }
            }
            for k in 0..<segment.linkCount {
                let object = Int(segment.linkObject[k])
                guard object < caseOfObject.count, caseOfObject[object] >= 0 else { continue }
                linkCase.append(caseOfObject[object])
                linkEvent.append(first + Int64(segment.linkEvent[k]))
            }
        }
        // Event id -> row: ids are dense within a segment, so find the segment's first id.
        segmentFirsts.sort { $0.first < $1.first }
        func row(of event: Int64) -> Int {
            var lo = 0
            var hi = segmentFirsts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if segmentFirsts[mid].first <= event { lo = mid } else { hi = mid - 1 }
            }
            return segmentFirsts[lo].row + Int(event - segmentFirsts[lo].first)
        }

        // Counting sort of the links by global case.
        var counts = [Int](repeating: 0, count: caseCount + 1)
        for c in linkCase { counts[Int(c) + 1] += 1 }
        for c in 0..<caseCount { counts[c + 1] += counts[c] }
        var slots = counts
        var ordered = [Int](repeating: 0, count: linkCase.count)
        for k in linkCase.indices {
            let c = Int(linkCase[k])
            ordered[slots[c]] = row(of: linkEvent[k])
            slots[c] += 1
        }

        var views: [ColumnarLog] = []
        for (t, name) in types.enumerated() {
            var log = ColumnarLog(
                caseType: name, activityNames: activityNames, activities: [], timestamps: [], startTimestamps: [],
                eventIDs: [], caseOffsets: [0], caseIDs: [], caseAttributes: [:])
            for c in typeFirstCase[t]..<typeFirstCase[t + 1] where counts[c + 1] > counts[c] {
                var rows = Array(ordered[counts[c]..<counts[c + 1]])
                let inOrder = zip(rows, rows.dropFirst()).allSatisfy { a, b in
                    eventTime[a] < eventTime[b] || (eventTime[a] == eventTime[b] && eventIDs[a] < eventIDs[b])
                }
                if !inOrder {
                    rows.sort {
                        eventTime[$0] != eventTime[$1] ? eventTime[$0] < eventTime[$1] : eventIDs[$0] < eventIDs[$1]
                    }
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
                log.caseIDs.append(objectsOfType[t][c - typeFirstCase[t]].external)
            }
            if requested != nil || log.caseCount > 0 {
                #if DEBUG
                    log.checkInvariants()
                #endif
                views.append(log)
            }
        }
        return views
    }
}

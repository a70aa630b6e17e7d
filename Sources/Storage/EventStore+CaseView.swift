import _WaybillSupport

extension EventStore {
    /// Loads the case view on one object type as a columnar log.
    ///
    /// Each object of the type is a case; its events are the events linked to it, ordered by
    /// timestamp with ties in insertion (file) order. Objects of the type with no events are
    /// left out. Case attributes are the objects' static attributes plus, for attributes that
    /// change over time (OCEL 2.0), the earliest value.
    ///
    /// - Parameter objectType: the type to flatten on; see `resolveCaseType`.
    /// - Complexity: O(*E* log *k*) for *E* linked events and the longest case length *k*: one
    ///   ordered scan of the event-object index, then a stable sort per case.
    public func loadCaseView(objectType requested: String? = nil) throws -> ColumnarLog {
        let caseType = try resolveCaseType(requested)
        guard let typeID = try db.scalarInt("SELECT id FROM object_type WHERE name = ?", [.text(caseType)]) else {
            throw StoreError(.notFound, "no object type '\(caseType)'", path: path)
        }
        var activityNames: [String] = []
        var codeOf: [Int64: Int32] = [:]
        for row in try db.rows("SELECT id, name FROM activity ORDER BY id") {
            codeOf[row[0].integer!] = Int32(activityNames.count)
            activityNames.append(row[1].text!)
        }
        let expected = Int(try db.scalarInt(
            "SELECT count(*) FROM event_object WHERE object_id IN (SELECT id FROM object WHERE type_id = ?)", [.integer(typeID)]) ?? 0)
        var log = ColumnarLog(
            caseType: caseType, activityNames: activityNames, activities: [], timestamps: [], startTimestamps: [],
            eventIDs: [], caseOffsets: [0], caseIDs: [], caseAttributes: [:])
        log.activities.reserveCapacity(expected)
        log.timestamps.reserveCapacity(expected)
        log.startTimestamps.reserveCapacity(expected)
        log.eventIDs.reserveCapacity(expected)

        var objectRowIDs: [Int64] = []
        let statement = try db.prepare("""
            SELECT eo.object_id, e.id, e.activity_id, e.time, e.start_time
            FROM event_object eo JOIN event e ON e.id = eo.event_id
            WHERE eo.object_id IN (SELECT id FROM object WHERE type_id = ?)
            ORDER BY eo.object_id, eo.event_id
            """)
        statement.bind(typeID, at: 1)
        var currentObject: Int64 = -1
        var lastEvent: Int64 = -1
        var order: [Int] = []
        func closeCase() {
            let start = log.caseOffsets[log.caseOffsets.count - 1]
            let end = log.activities.count
            if end - start > 1 { sortCase(&log, start, end, &order) }
            log.caseOffsets.append(end)
        }
        while try statement.step() {
            let object = statement.int64(0)
            let event = statement.int64(1)
            if object != currentObject {
                if currentObject >= 0 { closeCase() }
                currentObject = object
                objectRowIDs.append(object)
                lastEvent = -1
            }
            // One event linked to the same object under two qualifiers counts once.
            if event == lastEvent { continue }
            lastEvent = event
            log.eventIDs.append(event)
            log.activities.append(codeOf[statement.int64(2)]!)
            log.timestamps.append(statement.int64(3))
            log.startTimestamps.append(statement.isNull(4) ? Int64.min : statement.int64(4))
        }
        if currentObject >= 0 { closeCase() }

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
            for (key, value) in try AttributeJSON.decode(objects.optionalText(2)) {
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

/// Stable-sorts one case's events by timestamp; ties keep their (event id) order.
private func sortCase(_ log: inout ColumnarLog, _ start: Int, _ end: Int, _ order: inout [Int]) {
    var sorted = true
    for i in (start + 1)..<end where log.timestamps[i] < log.timestamps[i - 1] {
        sorted = false
        break
    }
    if sorted { return }
    order.removeAll(keepingCapacity: true)
    order.append(contentsOf: start..<end)
    let ts = log.timestamps
    order.sort { ts[$0] != ts[$1] ? ts[$0] < ts[$1] : $0 < $1 }
    let activities = order.map { log.activities[$0] }
    let timestamps = order.map { log.timestamps[$0] }
    let starts = order.map { log.startTimestamps[$0] }
    let ids = order.map { log.eventIDs[$0] }
    log.activities.replaceSubrange(start..<end, with: activities)
    log.timestamps.replaceSubrange(start..<end, with: timestamps)
    log.startTimestamps.replaceSubrange(start..<end, with: starts)
    log.eventIDs.replaceSubrange(start..<end, with: ids)
}

extension IngestSession {
    /// Object rows inserted by one statement.
    static let objectBatch = 64

    /// Gives a new object its id now and inserts its row later, with others, in one statement.
    ///
    /// An insert of one row ran SQLite's statement machinery (begin, cursors, halt, reset) for
    /// each of a million cases, about a tenth of a CSV import's time; 64 rows a statement share
    /// it. The id is the table's next rowid, given here (`max(id) + 1` when the queue starts,
    /// then one more each), and inserted explicitly: every other way into the object table
    /// empties the queue first (`flushNewObjects()`), so no other row can take it, and a clash
    /// would fail the insert rather than pass unnoticed.
    ///
    /// - Complexity: amortised O(1) plus the bytes copied.
    func queueNewObject(
        typeID: Int64, externalID: UnsafeBufferPointer<UInt8>, attributeJSON: UnsafeBufferPointer<UInt8>?
    ) throws -> Int64 {
        if nextObjectID == nil { nextObjectID = (try db.scalarInt("SELECT max(id) FROM object") ?? 0) + 1 }
        let id = nextObjectID!
        nextObjectID = id + 1
        let idStart = queuedObjectBytes.count
        queuedObjectBytes.append(contentsOf: externalID)
        let idRange = idStart..<queuedObjectBytes.count
        var attributeRange: Range<Int>? = nil
        if let attributeJSON {
            let start = queuedObjectBytes.count
            queuedObjectBytes.append(contentsOf: attributeJSON)
            attributeRange = start..<queuedObjectBytes.count
        }
        queuedObjects.append((id, typeID, idRange, attributeRange))
        objectsAdded += 1
        if queuedObjects.count == IngestSession.objectBatch { try flushNewObjects() }
        return id
    }

    /// Inserts the queued objects' rows.
    ///
    /// The statement is `INSERT OR FAIL`: under SQLite's default (`ABORT`) a statement writing
    /// several rows keeps a statement journal, so that a constraint failure can undo the rows it
    /// already wrote, and every page it changed was first copied there (two 64 KiB pages, a
    /// malloc and a free per statement in a large import: 13 % of a 1 M-order CSV import). A
    /// failure here fails the whole import, whose transaction is rolled back, so the statement's
    /// own undo was never needed.
    ///
    /// - Throws: `StoreError` from the insert (a unique index violated).
    func flushNewObjects() throws {
        guard !queuedObjects.isEmpty else { return }
        let statement: SQLiteStatement
        if queuedObjects.count == IngestSession.objectBatch, let batch = insertObjectBatch {
            statement = batch
        } else {
            let rows = Array(repeating: "(?,?,?,?,?)", count: queuedObjects.count).joined(separator: ",")
            statement = try db.prepare("INSERT OR FAIL INTO object (id, type_id, ext_id, import_id, attrs) VALUES \(rows)")
            if queuedObjects.count == IngestSession.objectBatch { insertObjectBatch = statement }
        }
        try queuedObjectBytes.withUnsafeBufferPointer { bytes in
            for (k, object) in queuedObjects.enumerated() {
                let at = Int32(k * 5)
                statement.bind(object.id, at: at + 1)
                statement.bind(object.type, at: at + 2)
                statement.bindText(bytes: UnsafeBufferPointer(rebasing: bytes[object.externalID]), at: at + 3)
                statement.bind(importID, at: at + 4)
                statement.bindText(bytes: object.attributes.map { UnsafeBufferPointer(rebasing: bytes[$0]) }, at: at + 5)
            }
            // The bytes are the queue's: no binding may outlive the call.
            defer { statement.clearBindings() }
            try statement.run()
        }
        queuedObjects.removeAll(keepingCapacity: true)
        queuedObjectBytes.removeAll(keepingCapacity: true)
    }
}

import CByteScan
import Storage
import _WaybillSupport

/// Turns the CSV importer's rows into events of an ingest session: the per-row half of
/// `CSVImporter`, which finds the columns and reads the records.
///
/// A class holding the row loop's state as stored properties, so that the loop's body is a method
/// call rather than a closure: the closure the body was before captured the importer, the header,
/// the session and a dozen arrays, and its context was retained and released around every row
/// (12 releases a row, 10 % of the CSV ingest profile). The hot properties skip dynamic
/// exclusivity checks: a writer is used by one thread, and no method holds an `inout` access to a
/// property across a call that could reach it.
final class CSVRowWriter {
    /// Where a row's columns are: the case, activity and time columns are required; the
    /// others are -1 when absent.
    struct Columns {
        var caseID: Int
        var activity: Int
        var time: Int
        var start: Int
        var resource: Int
        var lifecycle: Int
    }

    private let path: String
    private let header: [String]
    private let columns: Columns
    private let caseType: String
    private let timestamps: TimestampReader
    private let session: IngestSession
    /// Case attribute columns with their keys; their cell indices and `"key":` bytes are also
    /// kept as the event columns' are (`caseKeyArena[caseKeyStarts[k] ..< caseKeyStarts[k + 1]]`),
    /// read through pointers: a new case read them from arrays of arrays, a retain and a release
    /// per column.
    private let caseColumns: [(index: Int, key: String, isCase: Bool)]
    private let caseColumnCount: Int
    private let caseIndices: UnsafeMutableBufferPointer<Int>
    private let caseKeyArena: UnsafeMutableBufferPointer<UInt8>
    private let caseKeyStarts: UnsafeMutableBufferPointer<Int>
    private let caseKeysUnique: Bool
    /// Event attribute columns: their cell indices, and their `"key":` bytes in one arena
    /// (`keyArena[keyStarts[k] ..< keyStarts[k + 1]]`), read through pointers.
    private let eventColumnCount: Int
    private let eventIndices: UnsafeMutableBufferPointer<Int>
    /// For event attribute column *k*, how many of the columns from *k* on have consecutive cell
    /// indices (*k* included): a row's empty cells are skipped a run at a time.
    private let runRest: UnsafeMutableBufferPointer<Int>
    private let keyArena: UnsafeMutableBufferPointer<UInt8>
    private let keyStarts: UnsafeMutableBufferPointer<Int>

    // Interned per file, by bytes: the row loop allocates nothing for names it has seen.
    @exclusivity(unchecked) private var cases = ByteInterner(capacity: 1 << 16)
    @exclusivity(unchecked) private var activities = ByteInterner()
    @exclusivity(unchecked) private var resources = ByteInterner()
    @exclusivity(unchecked) private var lifecycles = ByteInterner()
    /// The activities and resources last met, in front of their interners.
    private let activityCache = InternCache()
    private let resourceCache = InternCache()
    @exclusivity(unchecked) private var caseObjects: [Int64] = []
    @exclusivity(unchecked) private var activityIDs: [Int64] = []
    @exclusivity(unchecked) private var resourceIDs: [Int64] = []
    @exclusivity(unchecked) private var lifecycleIDs: [Int64] = []
    /// Rows read but not yet offered to the session: their identity bytes (with the attribute
    /// JSON among them) in `batch`, where each starts and ends, and the rest of each row.
    @exclusivity(unchecked) private var batch = JSONBytes(capacity: 4096)
    @exclusivity(unchecked) private var batchCount = 0
    /// The date of the last timestamp cell read (most cells share it with the one before).
    @exclusivity(unchecked) private var dateCache = Timestamp.DateCache()
    private let batchStarts = UnsafeMutablePointer<Int>.allocate(capacity: CSVRowWriter.batchSize)
    private let batchEnds = UnsafeMutablePointer<Int>.allocate(capacity: CSVRowWriter.batchSize)
    private let batchIdentities = UnsafeMutablePointer<Int64>.allocate(capacity: CSVRowWriter.batchSize)
    private let batchStates = UnsafeMutablePointer<UInt64>.allocate(capacity: CSVRowWriter.batchSize)
    private let batchRows = UnsafeMutablePointer<BatchRow>.allocate(capacity: CSVRowWriter.batchSize)
    @exclusivity(unchecked) private var caseJSON = JSONBytes()
    /// The previous row's case: rows of a case usually come together, and a byte comparison
    /// with the last case id is cheaper than the interner's hash and probe.
    @exclusivity(unchecked) private var lastCase = JSONBytes(capacity: 64)
    @exclusivity(unchecked) private var lastCaseIndex = -1

    init(
        path: String, header: [String], columns: Columns, attributeColumns: [(index: Int, key: String, isCase: Bool)],
        caseType: String, timestamps: TimestampReader, session: IngestSession
    ) {
        self.path = path
        self.header = header
        self.columns = columns
        self.caseType = caseType
        self.timestamps = timestamps
        self.session = session
        let eventColumns = attributeColumns.filter { !$0.isCase }
        eventColumnCount = eventColumns.count
        eventIndices = .allocate(capacity: max(eventColumns.count, 1))
        for (k, column) in eventColumns.enumerated() { eventIndices[k] = column.index }
        runRest = .allocate(capacity: max(eventColumns.count, 1))
        for k in stride(from: eventColumns.count - 1, through: 0, by: -1) {
            let continues = k + 1 < eventColumns.count && eventIndices[k + 1] == eventIndices[k] + 1
            runRest[k] = continues ? runRest[k + 1] + 1 : 1
        }
        (keyArena, keyStarts) = CSVRowWriter.keyArena(eventColumns.map(\.key))
        caseColumns = attributeColumns.filter { $0.isCase }
        caseColumnCount = caseColumns.count
        caseIndices = .allocate(capacity: max(caseColumns.count, 1))
        for (k, column) in caseColumns.enumerated() { caseIndices[k] = column.index }
        (caseKeyArena, caseKeyStarts) = CSVRowWriter.keyArena(caseColumns.map(\.key))
        caseKeysUnique = Set(caseColumns.map(\.key)).count == caseColumns.count
    }

    /// The `"key":` bytes of `keys` in one arena, and where each starts (one more, the end).
    private static func keyArena(
        _ keys: [String]
    ) -> (UnsafeMutableBufferPointer<UInt8>, UnsafeMutableBufferPointer<Int>) {
        let keyBytes = keys.map { Array((AttributeJSON.quote($0) + ":").utf8) }
        let arena = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(keyBytes.reduce(0) { $0 + $1.count }, 1))
        let starts = UnsafeMutableBufferPointer<Int>.allocate(capacity: keys.count + 1)
        starts[0] = 0
        for (k, key) in keyBytes.enumerated() {
            for (j, byte) in key.enumerated() { arena[starts[k] + j] = byte }
            starts[k + 1] = starts[k] + key.count
        }
        return (arena, starts)
    }

    deinit {
        eventIndices.deallocate()
        runRest.deallocate()
        keyArena.deallocate()
        keyStarts.deallocate()
        caseIndices.deallocate()
        caseKeyArena.deallocate()
        caseKeyStarts.deallocate()
        batch.deallocate()
        batchStarts.deallocate()
        batchEnds.deallocate()
        batchIdentities.deallocate()
        batchStates.deallocate()
        batchRows.deallocate()
        caseJSON.deallocate()
        lastCase.deallocate()
    }

    /// Offers one row (with as many cells as the header) to the session as an event of its case,
    /// creating the case with its case attributes when new; returns why the row is rejected, if
    /// it is. The event reaches the session with the batch it joins (up to `batchSize` rows, in
    /// file order); call `finish()` after the last row.
    ///
    /// - Throws: `IngestionError.ambiguousTimeZone` for a time without zone and no `--timezone`,
    ///   and the session's `StoreError`s.
    /// - Complexity: O(bytes of the row), amortised.
    func write(_ row: CSVRecord, line: Int) throws -> Reject? {
        // Built only when a row is rejected: an interpolated string per row showed in profiles.
        var location: String { "line \(line)" }
        let caseBytes = row[columns.caseID]
        let activityBytes = row[columns.activity]
        if caseBytes.isEmpty {
            return Reject(file: path, location: location, field: header[columns.caseID], reason: "missing case id")
        }
        if activityBytes.isEmpty {
            return Reject(file: path, location: location, field: header[columns.activity], reason: "missing activity")
        }
        let time: Microseconds
        switch try readTime(row[columns.time], header[columns.time], location) {
        case .time(let t): time = t
        case .reject(let reject): return reject
        }
        var startTime: Microseconds? = nil
        if columns.start >= 0, !row[columns.start].isEmpty {
            switch try readTime(row[columns.start], header[columns.start], location) {
            case .time(let t): startTime = t
            case .reject(let reject): return reject
            }
        }
        let caseIndex: Int
        if lastCaseIndex >= 0 && caseBytes.sameBytes(as: lastCase.bytes) {
            caseIndex = lastCaseIndex
        } else {
            let (index, isNew) = cases.intern(caseBytes)
            lastCase.removeAll()
            lastCase.append(contentsOf: caseBytes)
            lastCaseIndex = index
            caseIndex = index
            if isNew { caseObjects.append(try newCase(caseBytes, row)) }
        }
        let (activityIndex, isNewActivity) = activityCache.intern(activityBytes, in: &activities)
        if isNewActivity { activityIDs.append(try session.activityID(String(decoding: activityBytes, as: UTF8.self))) }
        var resourceID: Int64? = nil
        let resourceBytes = columns.resource >= 0 ? row[columns.resource] : UnsafeBufferPointer(start: nil, count: 0)
        if !resourceBytes.isEmpty {
            let (index, isNew) = resourceCache.intern(resourceBytes, in: &resources)
            if isNew { resourceIDs.append(try session.resourceID(String(decoding: resourceBytes, as: UTF8.self))) }
            resourceID = resourceIDs[index]
        }
        var lifecycleID: Int64? = nil
        let lifecycleBytes = columns.lifecycle >= 0 ? row[columns.lifecycle] : UnsafeBufferPointer(start: nil, count: 0)
        if !lifecycleBytes.isEmpty {
            let (index, isNew) = lifecycles.intern(lifecycleBytes)
            if isNew { lifecycleIDs.append(try session.lifecycleID(String(decoding: lifecycleBytes, as: UTF8.self))) }
            lifecycleID = lifecycleIDs[index]
        }
        // The row's identity fields, as `StableHash` bytes, into the batch: the attribute JSON
        // is written in place among them and stored from there.
        let slot = batchCount
        let start = batch.count
        batch.appendShort(caseBytes)
        batch.append(StableHash.fieldEnd)
        batch.appendShort(activityBytes)
        batch.append(StableHash.fieldEnd)
        batch.append(littleEndian: time)
        batch.append(StableHash.fieldEnd)
        batch.append(littleEndian: startTime ?? Int64.min)
        batch.append(StableHash.fieldEnd)
        batch.appendShort(resourceBytes)
        batch.append(StableHash.fieldEnd)
        batch.appendShort(lifecycleBytes)
        batch.append(StableHash.fieldEnd)
        let attributesStart = batch.count
        // Most attribute cells are empty: a run of them is skipped with one test.
        var k = 0
        while k < eventColumnCount {
            let index = eventIndices[k]
            let rest = runRest[k]
            if row.allEmpty(from: index, count: rest) {
                k &+= rest
                continue
            }
            let cell = row[index]
            if !cell.isEmpty {
                batch.append(batch.count == attributesStart ? 0x7B : 0x2C)
                batch.appendShort(UnsafeBufferPointer(rebasing: keyArena[keyStarts[k]..<keyStarts[k + 1]]))
                CSVValueWriter.appendValue(cell, to: &batch)
            }
            k &+= 1
        }
        if batch.count > attributesStart { batch.append(0x7D) }
        (batchRows + slot).initialize(to: BatchRow(
            activityID: activityIDs[activityIndex], time: time, startTime: startTime, lifecycleID: lifecycleID,
            resourceID: resourceID, object: caseObjects[caseIndex], attributesStart: attributesStart, attributesEnd: batch.count))
        batch.append(StableHash.fieldEnd)
        batchStarts[slot] = start
        batchEnds[slot] = batch.count
        batchCount += 1
        if batchCount == CSVRowWriter.batchSize { try flushBatch() }
        return nil
    }

    /// Rows whose identities are hashed together: 64 with AVX-512 (`wb_fnv1a_64`: 64 chains of
    /// FNV-1a multiplies cover the vector multiply's latency), else four at a time
    /// (`StableHash.values4`).
    static let batchSize = 64
    /// Whether this processor runs `wb_fnv1a_64`'s vector loop.
    static let hashesInVectors = wb_fnv1a_64_supported() != 0

    /// A row waiting in the batch for its identity.
    struct BatchRow {
        var activityID: Int64
        var time: Microseconds
        var startTime: Microseconds?
        var lifecycleID: Int64?
        var resourceID: Int64?
        var object: Int64
        /// The attribute JSON's place in `batch` (empty = none).
        var attributesStart: Int
        var attributesEnd: Int
    }

    /// Hashes the batch's identities and offers its rows to the session, in file order.
    ///
    /// - Complexity: O(bytes of the batch's rows).
    private func flushBatch() throws {
        guard batchCount > 0 else { return }
        if batchCount == CSVRowWriter.batchSize && CSVRowWriter.hashesInVectors {
            // The vector hash reads up to 7 bytes past the last row: room for 8 (not counted).
            batch.append(upTo: 8) { _ in 0 }
            wb_fnv1a_64(batch.base, batchStarts, batchEnds, batchStates)
            for k in 0..<batchCount { batchIdentities[k] = StableHash.finalize(batchStates[k]) }
        } else {
            var k = 0
            while k + 4 <= batchCount {
                StableHash.values4(
                    ofFields: batch.base, starts: batchStarts + k, ends: batchEnds + k, into: batchIdentities + k)
                k += 4
            }
            while k < batchCount {
                batchIdentities[k] = StableHash.value(
                    ofFields: UnsafeBufferPointer(start: batch.base + batchStarts[k], count: batchEnds[k] - batchStarts[k]))
                k += 1
            }
        }
        let base = UnsafePointer(batch.base)
        for k in 0..<batchCount {
            let row = batchRows[k]
            let attributes = UnsafeBufferPointer(start: base + row.attributesStart, count: row.attributesEnd - row.attributesStart)
            _ = try session.addEvent(
                identity: batchIdentities[k], activityID: row.activityID, time: row.time, startTime: row.startTime,
                lifecycleID: row.lifecycleID, resourceID: row.resourceID,
                attributes: attributes.isEmpty ? nil : attributes, allowRepeats: true, object: row.object)
        }
        batchCount = 0
        batch.removeAll()
    }

    /// Offers the rows still waiting in the batch to the session: call once after the last row.
    func finish() throws { try flushBatch() }

    /// Creates (or finds, in a store that has it) the case of a row seen for the first time in
    /// this file, with the row's case attributes; returns its object id.
    private func newCase(_ caseBytes: UnsafeBufferPointer<UInt8>, _ row: CSVRecord) throws -> Int64 {
        let caseColumns = self.caseColumns
        func list() -> AttributeList {
            var list: AttributeList = []
            for column in caseColumns where !row[column.index].isEmpty {
                list.append((column.key, CSVImporter.typedValue(row[column.index])))
            }
            return list
        }
        guard caseKeysUnique else {
            return try session.object(String(decoding: caseBytes, as: UTF8.self), type: caseType, attributes: list()).id
        }
        // The JSON straight from the cells' bytes, as for event attributes.
        caseJSON.removeAll()
        for k in 0..<caseColumnCount {
            let cell = row[caseIndices[k]]
            guard !cell.isEmpty else { continue }
            caseJSON.append(caseJSON.isEmpty ? 0x7B : 0x2C)
            caseJSON.append(contentsOf: UnsafeBufferPointer(rebasing: caseKeyArena[caseKeyStarts[k]..<caseKeyStarts[k + 1]]))
            CSVValueWriter.appendValue(cell, to: &caseJSON)
        }
        if !caseJSON.isEmpty { caseJSON.append(0x7D) }
        // The case is new to this file (`cases` interned it just now), so the session is asked
        // for it once: no `String`s, and no look-up table of its own.
        return try session.newObject(caseBytes, type: caseType, newAttributeJSON: caseJSON.isEmpty ? nil : caseJSON.bytes, attributes: list)
    }

    /// A timestamp cell read: the instant, or why the row is rejected.
    private enum TimeCell {
        case time(Microseconds)
        case reject(Reject)
    }

    /// Reads a timestamp cell, or says why the row is rejected.
    ///
    /// - Throws: `IngestionError.ambiguousTimeZone` for a time without zone and no `--timezone`.
    @inline(__always)
    private func readTime(
        _ cell: UnsafeBufferPointer<UInt8>, _ field: String, _ location: @autoclosure () -> String
    ) throws -> TimeCell {
        if cell.isEmpty {
            return .reject(Reject(file: path, location: location(), field: field, reason: "missing timestamp"))
        }
        switch timestamps.read(cell, cache: &dateCache) {
        case .success(let t): return .time(t)
        case .failure(.noZone):
            let text = String(decoding: cell, as: UTF8.self)
            throw IngestionError(
                .ambiguousTimeZone, file: path, location: location(),
                "column \(field): timestamp '\(text)' has no time zone; "
                    + "pass --timezone (UTC, +01:00 or a zone name such as Europe/Amsterdam)")
        case .failure(.invalid):
            return .reject(
                Reject(
                    file: path, location: location(), field: field, reason: "unreadable timestamp",
                    value: String(decoding: cell, as: UTF8.self)))
        }
    }
}

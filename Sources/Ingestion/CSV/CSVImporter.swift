import Storage
import _WaybillSupport

/// Imports a flat event log from a CSV file (plain or gzip).
///
/// Columns are found by the XES standard names (`case:concept:name`, `concept:name`,
/// `time:timestamp`, `org:resource`, `lifecycle:transition`, `start_timestamp`), by common
/// aliases (`case_id`, `activity`, `timestamp`, `resource`...), case-insensitively, or by the
/// options. Every other column is kept as a typed attribute: columns prefixed `case:` become
/// attributes of the case, the rest of the event. Values are typed by their text: integers,
/// floats, booleans, timestamps with a zone, otherwise strings; empty cells are absent values.
///
/// A row without case id, activity or timestamp, with an unreadable timestamp, or with the wrong
/// number of cells is rejected with its line and field.
public struct CSVImporter: LogImporter {
    public var formatName: String { "csv" }
    let path: String
    let options: ImportOptions

    public init(path: String, options: ImportOptions) {
        self.path = path
        self.options = options
    }

    static let caseNames = ["case:concept:name", "case_id", "caseid", "case id", "case", "case_concept_name"]
    static let activityNames = ["concept:name", "activity", "activity_name", "activity name", "event", "task"]
    static let timestampNames = [
        "time:timestamp", "timestamp", "complete_timestamp", "end_timestamp", "time", "end_time", "completion_time",
    ]
    static let startNames = ["start_timestamp", "start_time", "starttime", "start timestamp"]
    static let resourceNames = ["org:resource", "resource", "user", "performer"]
    static let lifecycleNames = ["lifecycle:transition", "lifecycle", "transition"]

    /// Finds a column by an explicit name, or the first standard name or alias present.
    static func column(_ header: [String], explicit: String?, candidates: [String]) -> Int? {
        if let explicit { return header.firstIndex(of: explicit) ?? header.firstIndex { $0.lowercased() == explicit.lowercased() } }
        let lowered = header.map { $0.lowercased() }
        for name in candidates { if let i = lowered.firstIndex(of: name) { return i } }
        return nil
    }

    /// - Complexity: O(*n*) in the file's size; memory bounded by the read chunk and the case
    ///   attribute cache, not the file.
    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let source: ByteSource
        do { source = try ByteSource(path: path) } catch { throw IngestionError(.unreadable, file: path, "\(error)") }
        let progress = Progress(label: "reading \(path)", total: source.fileSize)
        defer { progress.finish() }
        var reader: CSVReader
        do {
            reader = try CSVReader(path: path, delimiter: options.delimiter, source: source.next)
        } catch let error as ByteSource.ReadError {
            throw IngestionError(.unreadable, file: path, error.reason)
        }
        guard try readRecord(&reader, source) else {
            throw IngestionError(.wrongFormat, file: path, "is empty: a CSV event log needs a header line")
        }
        var header: [String] = []
        for k in reader.cells.indices {
            let name = reader.string(k).trimmingSpaces
            header.append(name.isEmpty ? "column\(k + 1)" : name)
        }
        guard header.allSatisfy({ !$0.contains("\u{FFFD}") }) else {
            throw IngestionError(.wrongFormat, file: path, location: "line 1", "the header is not UTF-8 text; is this really a CSV file?")
        }
        func required(_ explicit: String?, _ names: [String], _ what: String, _ flag: String) throws -> Int {
            guard let i = CSVImporter.column(header, explicit: explicit, candidates: names) else {
                let wanted = explicit.map { "'\($0)'" } ?? names.prefix(3).map { "'\($0)'" }.joined(separator: " or ")
                throw IngestionError(
                    .missingColumn, file: path, location: "line 1",
                    "no \(what) column (looked for \(wanted)); name it with \(flag). Header: \(header.joined(separator: ", "))")
            }
            return i
        }
        let caseColumn = try required(options.caseColumn, CSVImporter.caseNames, "case id", "--case-column")
        let activityColumn = try required(options.activityColumn, CSVImporter.activityNames, "activity", "--activity-column")
        let timeColumn = try required(options.timestampColumn, CSVImporter.timestampNames, "timestamp", "--timestamp-column")
        let startColumn = CSVImporter.column(header, explicit: options.startTimestampColumn, candidates: CSVImporter.startNames)
        let resourceColumn = CSVImporter.column(header, explicit: options.resourceColumn, candidates: CSVImporter.resourceNames)
        let lifecycleColumn = CSVImporter.column(header, explicit: nil, candidates: CSVImporter.lifecycleNames)
        let special = Set([caseColumn, activityColumn, timeColumn, startColumn, resourceColumn, lifecycleColumn].compactMap { $0 })
        // Attribute columns: (index, key, isCaseAttribute).
        var attributeColumns: [(index: Int, key: String, isCase: Bool)] = []
        for (k, name) in header.enumerated() where !special.contains(k) {
            if name.hasPrefix("case:") {
                attributeColumns.append((k, String(name.dropFirst(5)), true))
            } else {
                attributeColumns.append((k, name, false))
            }
        }
        if !source.isGzip, let length = reader.meanLineLength() { session.expectEvents(source.fileSize / length) }
        let timestamps = try TimestampReader(format: options.timestampFormat, timeZone: options.timeZone)
        let eventColumns = attributeColumns.filter { !$0.isCase }
        // `,"key":` for each event attribute column, encoded once.
        // `"key":` for each event attribute column, encoded once into one arena; read through
        // pointers in the row loop, where element access to arrays of arrays or of tuples holding
        // strings costs a retain and release per cell.
        let eventIndices = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(eventColumns.count, 1))
        defer { eventIndices.deallocate() }
        for (k, column) in eventColumns.enumerated() { eventIndices[k] = column.index }
        let keyBytes = eventColumns.map { Array((AttributeJSON.quote($0.key) + ":").utf8) }
        let keyArena = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(keyBytes.reduce(0) { $0 + $1.count }, 1))
        defer { keyArena.deallocate() }
        let keyStarts = UnsafeMutableBufferPointer<Int>.allocate(capacity: eventColumns.count + 1)
        defer { keyStarts.deallocate() }
        keyStarts[0] = 0
        for (k, key) in keyBytes.enumerated() {
            for (j, byte) in key.enumerated() { keyArena[keyStarts[k] + j] = byte }
            keyStarts[k + 1] = keyStarts[k] + key.count
        }
        let eventColumnCount = eventColumns.count
        let caseColumns = attributeColumns.filter { $0.isCase }
        let caseKeyBytes = caseColumns.map { Array((AttributeJSON.quote($0.key) + ":").utf8) }
        let caseKeysUnique = Set(caseColumns.map(\.key)).count == caseColumns.count
        var caseJSON = JSONBytes()
        defer { caseJSON.deallocate() }
        // Interned per file, by bytes: the row loop allocates nothing for names it has seen.
        var cases = ByteInterner(capacity: 1 << 16), activities = ByteInterner(), resources = ByteInterner()
        var lifecycles = ByteInterner()
        var caseObjects: [Int64] = [], activityIDs: [Int64] = [], resourceIDs: [Int64] = [], lifecycleIDs: [Int64] = []
        var json = JSONBytes()
        defer { json.deallocate() }
        // The previous row's case: rows of a case usually come together, and a byte comparison
        // with the last case id is cheaper than the interner's hash and probe.
        var lastCase = JSONBytes(capacity: 64)
        defer { lastCase.deallocate() }
        var lastCaseIndex = -1

        while try readRecord(&reader, source) {
            if reader.line & 0x3FFF == 0 { progress.update(source.bytesRead) }
            if reader.isBlank { continue }
            rejects.rowsRead += 1
            guard reader.cells.count == header.count else {
                rejects.add(Reject(
                    file: path, location: "line \(reader.line)", field: "",
                    reason: "has \(reader.cells.count) cells, the header has \(header.count)"))
                continue
            }
            let line = reader.line
            // A row is read in one pass over its cells' bytes; a reject is returned, not thrown.
            let outcome: Reject? = try reader.withRecord { row -> Reject? in
                // Built only when a row is rejected: an interpolated string per row showed in profiles.
                var location: String { "line \(line)" }
                let caseBytes = row[caseColumn], activityBytes = row[activityColumn]
                if caseBytes.isEmpty { return Reject(file: path, location: location, field: header[caseColumn], reason: "missing case id") }
                if activityBytes.isEmpty {
                    return Reject(file: path, location: location, field: header[activityColumn], reason: "missing activity")
                }
                let time: Microseconds
                switch try readTime(row[timeColumn], timestamps, header[timeColumn], location) {
                case .time(let t): time = t
                case .reject(let reject): return reject
                }
                var startTime: Microseconds? = nil
                if let startColumn, !row[startColumn].isEmpty {
                    switch try readTime(row[startColumn], timestamps, header[startColumn], location) {
                    case .time(let t): startTime = t
                    case .reject(let reject): return reject
                    }
                }
                let caseIndex: Int, isNewCase: Bool
                if lastCaseIndex >= 0 && CSVImporter.equal(caseBytes, lastCase.bytes) {
                    (caseIndex, isNewCase) = (lastCaseIndex, false)
                } else {
                    (caseIndex, isNewCase) = cases.intern(caseBytes)
                    lastCase.removeAll()
                    lastCase.append(contentsOf: caseBytes)
                    lastCaseIndex = caseIndex
                }
                if isNewCase {
                    let caseID = String(decoding: caseBytes, as: UTF8.self)
                    func list() -> AttributeList {
                        var list: AttributeList = []
                        for column in caseColumns where !row[column.index].isEmpty {
                            list.append((column.key, CSVImporter.typedValue(row[column.index])))
                        }
                        return list
                    }
                    if caseKeysUnique {
                        // The JSON straight from the cells' bytes, as for event attributes.
                        caseJSON.removeAll()
                        for (k, column) in caseColumns.enumerated() {
                            let cell = row[column.index]
                            guard !cell.isEmpty else { continue }
                            caseJSON.append(caseJSON.isEmpty ? 0x7B : 0x2C)
                            caseJSON.append(contentsOf: caseKeyBytes[k])
                            CSVValueWriter.appendValue(cell, to: &caseJSON)
                        }
                        if !caseJSON.isEmpty { caseJSON.append(0x7D) }
                        let encoded = caseJSON.isEmpty ? nil : String(decoding: caseJSON.bytes, as: UTF8.self)
                        caseObjects.append(
                            try session.object(caseID, type: options.caseType, newAttributeJSON: encoded, attributes: list).id)
                    } else {
                        caseObjects.append(try session.object(caseID, type: options.caseType, attributes: list()).id)
                    }
                }
                let (activityIndex, isNewActivity) = activities.intern(activityBytes)
                if isNewActivity { activityIDs.append(try session.activityID(String(decoding: activityBytes, as: UTF8.self))) }
                var resourceID: Int64? = nil
                let resourceBytes = resourceColumn.map { row[$0] } ?? UnsafeBufferPointer(start: nil, count: 0)
                if !resourceBytes.isEmpty {
                    let (index, isNew) = resources.intern(resourceBytes)
                    if isNew { resourceIDs.append(try session.resourceID(String(decoding: resourceBytes, as: UTF8.self))) }
                    resourceID = resourceIDs[index]
                }
                var lifecycleID: Int64? = nil
                let lifecycleBytes = lifecycleColumn.map { row[$0] } ?? UnsafeBufferPointer(start: nil, count: 0)
                if !lifecycleBytes.isEmpty {
                    let (index, isNew) = lifecycles.intern(lifecycleBytes)
                    if isNew { lifecycleIDs.append(try session.lifecycleID(String(decoding: lifecycleBytes, as: UTF8.self))) }
                    lifecycleID = lifecycleIDs[index]
                }
                json.removeAll()
                for k in 0..<eventColumnCount {
                    let cell = row[eventIndices[k]]
                    guard !cell.isEmpty else { continue }
                    json.append(json.isEmpty ? 0x7B : 0x2C)
                    json.append(contentsOf: UnsafeBufferPointer(rebasing: keyArena[keyStarts[k]..<keyStarts[k + 1]]))
                    CSVValueWriter.appendValue(cell, to: &json)
                }
                if !json.isEmpty { json.append(0x7D) }
                let attributes = json.bytes
                var hash = StableHash()
                hash.combine(bytes: caseBytes)
                hash.combine(bytes: activityBytes)
                hash.combine(time)
                hash.combine(startTime ?? Int64.min)
                hash.combine(bytes: resourceBytes)
                hash.combine(bytes: lifecycleBytes)
                hash.combine(bytes: attributes)
                let outcome = try session.addEvent(
                    identity: hash.value, externalID: nil, activityID: activityIDs[activityIndex], time: time,
                    startTime: startTime, lifecycleID: lifecycleID, resourceID: resourceID,
                    attributes: attributes.isEmpty ? nil : attributes, allowRepeats: true)
                if case .added(let eventID) = outcome { try session.link(event: eventID, object: caseObjects[caseIndex]) }
                return nil
            }
            if let outcome { rejects.add(outcome) }
        }
    }

    /// True when two byte strings are equal.
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i &+= 1
        }
        return true
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
        _ cell: UnsafeBufferPointer<UInt8>, _ timestamps: TimestampReader, _ field: String, _ location: @autoclosure () -> String
    ) throws -> TimeCell {
        if cell.isEmpty { return .reject(Reject(file: path, location: location(), field: field, reason: "missing timestamp")) }
        switch timestamps.read(cell) {
        case .success(let t): return .time(t)
        case .failure(.noZone):
            throw IngestionError(
                .ambiguousTimeZone, file: path, location: location(),
                "column \(field): timestamp '\(String(decoding: cell, as: UTF8.self))' has no time zone; pass --timezone (UTC, +01:00 or a zone name such as Europe/Amsterdam)")
        case .failure(.invalid):
            return .reject(Reject(
                file: path, location: location(), field: field, reason: "unreadable timestamp",
                value: String(decoding: cell, as: UTF8.self)))
        }
    }

    private func readRecord(_ reader: inout CSVReader, _ source: ByteSource) throws -> Bool {
        do { return try reader.next() } catch let error as ByteSource.ReadError {
            throw IngestionError(.unreadable, file: path, error.reason)
        }
    }

    /// Types a cell: integer, float, boolean, a timestamp with a zone, or a string.
    static func typedValue(_ bytes: UnsafeBufferPointer<UInt8>) -> AttributeValue {
        if bytes.count >= 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[0] >= 0x30, bytes[0] <= 0x39,
            let parsed = Timestamp.parseISO(bytes), parsed.hasZone
        {
            return .date(parsed.micros)
        }
        return AttributeValue.infer(String(decoding: bytes, as: UTF8.self))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

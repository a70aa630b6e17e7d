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
    /// Fed the file's bytes as they are read (a plain file only), for its content hash.
    let digest: StreamDigest?

    /// An importer of the file at `path`; with `digest`, which must be for a file that is not
    /// gzip, every byte read is fed to it.
    public init(path: String, options: ImportOptions, digest: StreamDigest? = nil) {
        self.path = path
        self.options = options
        self.digest = digest
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
        let reader: CSVReader
        do {
            // A plain file is read in place through a mapping; gzip (and what cannot be mapped)
            // through the byte source.
            if !source.isGzip, let mapped = MappedFile(path: path) {
                reader = try CSVReader(path: path, delimiter: options.delimiter, mapped: mapped, digest: digest)
            } else {
                reader = try CSVReader(path: path, delimiter: options.delimiter, source: source, digest: digest)
            }
        } catch let error as ByteSource.ReadError {
            throw IngestionError(.unreadable, file: path, error.reason)
        }
        guard try readRecord(reader, source) else {
            throw IngestionError(.wrongFormat, file: path, "is empty: a CSV event log needs a header line")
        }
        var header: [String] = []
        for k in 0..<reader.cellCount {
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
        let writer = CSVRowWriter(
            path: path, header: header,
            columns: .init(
                caseID: caseColumn, activity: activityColumn, time: timeColumn, start: startColumn ?? -1,
                resource: resourceColumn ?? -1, lifecycle: lifecycleColumn ?? -1),
            attributeColumns: attributeColumns, caseType: options.caseType,
            timestamps: try TimestampReader(format: options.timestampFormat, timeZone: options.timeZone), session: session)
        while try readRecord(reader, source) {
            if reader.line & 0x3FFF == 0 { progress.update(source.isGzip ? source.bytesRead : reader.bytesRead) }
            if reader.isBlank { continue }
            rejects.rowsRead += 1
            guard reader.cellCount == header.count else {
                rejects.add(Reject(
                    file: path, location: "line \(reader.line)", field: "",
                    reason: "has \(reader.cellCount) cells, the header has \(header.count)"))
                continue
            }
            let line = reader.line
            // A row is read in one pass over its cells' bytes; a reject is returned, not thrown.
            let outcome = try writer.write(reader.record, line: line)
            if let outcome { rejects.add(outcome) }
        }
        try writer.finish()
    }

    private func readRecord(_ reader: CSVReader, _ source: ByteSource) throws -> Bool {
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

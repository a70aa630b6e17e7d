import Storage
import _WaybillSupport

/// Builds events from the tables of operational systems with a declarative mapping.
///
/// Each entry's query runs against the source database wrapped as
/// `SELECT * FROM (query) WHERE timestamp >= :watermark`, where the watermark is the largest
/// timestamp the entry extracted before, so a run reads only what is new. Rows at the watermark
/// itself are read again and recognised by their event identity, so nothing is added twice and
/// nothing that shares the watermark's instant is missed. The case-attribute query runs in full.
///
/// - Complexity: O(*r*) in the rows the queries return.
public struct SourceExtractor: LogImporter {
    public var formatName: String { "extract" }
    let sourcePath: String
    let mapping: ExtractionMapping
    let options: ImportOptions

    public init(sourcePath: String, mapping: ExtractionMapping, options: ImportOptions) {
        self.sourcePath = sourcePath
        self.mapping = mapping
        self.options = options
    }

    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let source: SQLiteConnection
        do { source = try SQLiteConnection(path: sourcePath, readOnly: true, create: false) } catch {
            throw IngestionError(.unreadable, file: sourcePath, "cannot open the source database: \(error)")
        }
        let caseType = mapping.caseType ?? options.caseType
        let timestamps = try TimestampReader(format: options.timestampFormat, timeZone: options.timeZone)
        let file = "\(sourcePath) [\(mapping.name)]"

        if let caseAttributes = mapping.caseAttributes {
            let statement = try prepare(source, caseAttributes.query, entry: "case_attributes")
            let columns = (0..<statement.columnCount).map { statement.columnName($0) }
            guard let caseIndex = columns.firstIndex(of: "case_id") else {
                throw IngestionError(.invalidMapping, file: file, location: "case_attributes", "the query returns no case_id column")
            }
            var list: AttributeList = []
            while try step(statement, entry: "case_attributes") {
                rejects.rowsRead += 1
                let caseID = statement.value(caseIndex)
                guard let id = text(caseID), !id.isEmpty else {
                    rejects.add(Reject(file: file, location: "case_attributes row \(rejects.rowsRead)", field: "case_id", reason: "missing case id"))
                    continue
                }
                list.removeAll(keepingCapacity: true)
                for (k, name) in columns.enumerated() where k != caseIndex {
                    if let value = attribute(statement.value(k)) { list.append((name, value)) }
                }
                let object = try session.object(id, type: caseType)
                try session.mergeAttributes(object: object.id, list)
            }
        }

        for entry in mapping.entries {
            let previous = try session.watermark(mapping: mapping.name, entry: entry.name)
            var sql = "SELECT * FROM (\(entry.query)) AS source_rows"
            let watermarkValue = previous.flatMap(decodeWatermark)
            if watermarkValue != nil { sql += " WHERE timestamp >= ?" }
            let statement = try prepare(source, sql, entry: entry.name)
            if let watermarkValue { statement.bind(watermarkValue, at: 1) }
            let columns = (0..<statement.columnCount).map { statement.columnName($0) }
            func index(_ name: String) -> Int? { columns.firstIndex(of: name) }
            guard let caseIndex = index("case_id"), let timeIndex = index("timestamp") else {
                throw IngestionError(.invalidMapping, file: file, location: "entry \(entry.name)", "the query must return case_id and timestamp columns; it returns \(columns.joined(separator: ", "))")
            }
            let activityIndex = index("activity")
            guard entry.activity != nil || activityIndex != nil else {
                throw IngestionError(.invalidMapping, file: file, location: "entry \(entry.name)", "give `activity:` or return an activity column")
            }
            let resourceIndex = index("resource"), startIndex = index("start_timestamp")
            let lifecycleIndex = index("lifecycle"), eventIndex = index("event_id")
            let special = Set([caseIndex, timeIndex, activityIndex, resourceIndex, startIndex, lifecycleIndex, eventIndex].compactMap { $0 })
            let objectColumns = columns.enumerated().filter { $0.element.hasPrefix("object:") }.map { ($0.offset, String($0.element.dropFirst(7))) }
            let attributeColumns = columns.enumerated().filter { !special.contains($0.offset) && !$0.element.hasPrefix("object:") }
            var maxWatermark = watermarkValue
            var row = 0
            var attributes: AttributeList = []
            while try step(statement, entry: entry.name) {
                row += 1
                rejects.rowsRead += 1
                let location = "entry \(entry.name) row \(row)"
                guard let caseID = text(statement.value(caseIndex)), !caseID.isEmpty else {
                    rejects.add(Reject(file: file, location: location, field: "case_id", reason: "missing case id"))
                    continue
                }
                let activity = entry.activity ?? activityIndex.flatMap { text(statement.value($0)) } ?? ""
                guard !activity.isEmpty else {
                    rejects.add(Reject(file: file, location: location, field: "activity", reason: "missing activity"))
                    continue
                }
                let rawTime = statement.value(timeIndex)
                guard let time = try readTime(rawTime, timestamps, file: file, location: location, field: "timestamp", rejects: &rejects) else { continue }
                var start: Microseconds? = nil
                if let startIndex, statement.value(startIndex) != .null {
                    guard let s = try readTime(statement.value(startIndex), timestamps, file: file, location: location, field: "start_timestamp", rejects: &rejects) else { continue }
                    start = s
                }
                if maxWatermark == nil || greater(rawTime, than: maxWatermark!) { maxWatermark = rawTime }
                let resource = resourceIndex.flatMap { text(statement.value($0)) }
                let lifecycle = lifecycleIndex.flatMap { text(statement.value($0)) }
                attributes.removeAll(keepingCapacity: true)
                for (k, name) in attributeColumns {
                    if let value = attribute(statement.value(k)) { attributes.append((name, value)) }
                }
                let json = AttributeJSON.encode(attributes)
                var hash = StableHash()
                if let eventIndex, let eventID = text(statement.value(eventIndex)) {
                    hash.combine("extract")
                    hash.combine(mapping.name)
                    hash.combine(entry.name)
                    hash.combine(eventID)
                } else {
                    hash.combine(caseID)
                    hash.combine(activity)
                    hash.combine(time)
                    hash.combine(start ?? Int64.min)
                    hash.combine(resource ?? "")
                    hash.combine(lifecycle ?? "")
                    hash.combine(json ?? "")
                }
                let caseObject = try session.object(caseID, type: caseType)
                let outcome = try session.addEvent(
                    identity: hash.value, externalID: eventIndex.flatMap { text(statement.value($0)) }, activity: activity,
                    time: time, startTime: start, lifecycle: lifecycle, resource: resource, attributes: json,
                    allowRepeats: eventIndex == nil)
                switch outcome {
                case .added(let eventID):
                    try session.link(event: eventID, object: caseObject.id)
                    for (k, type) in objectColumns {
                        guard let objectID = text(statement.value(k)), !objectID.isEmpty else { continue }
                        try session.link(event: eventID, object: try session.object(objectID, type: type).id, qualifier: type)
                    }
                case .alreadyStored: break
                case .repeatedInImport:
                    rejects.add(Reject(file: file, location: location, field: "event_id", reason: "duplicate event id"))
                }
            }
            if let maxWatermark, maxWatermark != watermarkValue {
                try session.setWatermark(mapping: mapping.name, entry: entry.name, value: encodeWatermark(maxWatermark))
            }
        }
    }

    private func prepare(_ db: SQLiteConnection, _ sql: String, entry: String) throws -> SQLiteStatement {
        do { return try db.prepare(sql) } catch let error as StoreError {
            throw IngestionError(.invalidMapping, file: "\(sourcePath) [\(mapping.name)]", location: "entry \(entry)", "the query fails: \(error.message)")
        }
    }

    private func step(_ statement: SQLiteStatement, entry: String) throws -> Bool {
        do { return try statement.step() } catch let error as StoreError {
            throw IngestionError(.invalidMapping, file: "\(sourcePath) [\(mapping.name)]", location: "entry \(entry)", "the query fails: \(error.message)")
        }
    }

    private func readTime(
        _ value: SQLiteValue, _ reader: TimestampReader, file: String, location: String, field: String, rejects: inout RejectLog
    ) throws -> Microseconds? {
        let textValue: String
        switch value {
        case .null:
            rejects.add(Reject(file: file, location: location, field: field, reason: "missing timestamp"))
            return nil
        case .integer(let v): textValue = String(v)
        case .real(let v): textValue = String(v)
        case .text(let s): textValue = s
        case .blob:
            rejects.add(Reject(file: file, location: location, field: field, reason: "timestamp is a blob"))
            return nil
        }
        switch reader.read(textValue) {
        case .success(let t): return t
        case .failure(.invalid):
            rejects.add(Reject(file: file, location: location, field: field, reason: "unreadable timestamp", value: textValue))
            return nil
        case .failure(.noZone):
            throw IngestionError(.ambiguousTimeZone, file: file, location: location, "timestamp '\(textValue)' has no time zone; pass --timezone")
        }
    }

    private func text(_ value: SQLiteValue) -> String? {
        switch value {
        case .null, .blob: nil
        case .integer(let v): String(v)
        case .real(let v): AttributeValue.format(v)
        case .text(let s): s
        }
    }

    private func attribute(_ value: SQLiteValue) -> AttributeValue? {
        switch value {
        case .null, .blob: return nil
        case .integer(let v): return .int(v)
        case .real(let v): return .double(v)
        case .text(let s):
            if s.utf8.count >= 19, let parsed = Timestamp.parseISO(s), parsed.hasZone { return .date(parsed.micros) }
            return .string(s)
        }
    }

    private func greater(_ a: SQLiteValue, than b: SQLiteValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): x > y
        case (.real(let x), .real(let y)): x > y
        case (.text(let x), .text(let y)): x > y
        default: false
        }
    }

    private func encodeWatermark(_ value: SQLiteValue) -> String {
        switch value {
        case .integer(let v): "i:\(v)"
        case .real(let v): "r:\(v)"
        case .text(let s): "t:\(s)"
        default: ""
        }
    }

    private func decodeWatermark(_ text: String) -> SQLiteValue? {
        let body = String(text.dropFirst(2))
        switch text.prefix(2) {
        case "i:": return Int64(body).map { .integer($0) }
        case "r:": return Double(body).map { .real($0) }
        case "t:": return .text(body)
        default: return nil
        }
    }
}

import Storage
import _WaybillSupport

/// Imports a table of case attributes keyed by case id (e.g. an orders table with channel,
/// node, carrier and promised delivery time) from a CSV file.
///
/// The case id column is found like the event importer's (`case:concept:name`, `case_id`...,
/// or `--case-column`); every other non-empty cell becomes an attribute of that case, typed by
/// its text (a `case:` prefix on a column name is dropped). A later value for the same attribute
/// replaces an earlier one. Cases not yet in the store are created, so attributes may be loaded
/// before the events.
public struct CaseAttributeImporter: LogImporter {
    public var formatName: String { "case-attributes" }
    let path: String
    let options: ImportOptions

    public init(path: String, options: ImportOptions) {
        self.path = path
        self.options = options
    }

    /// - Complexity: O(*n*) in the file's size.
    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let source: ByteSource
        do { source = try ByteSource(path: path) } catch { throw IngestionError(.unreadable, file: path, "\(error)") }
        let reader = try CSVReader(path: path, delimiter: options.delimiter, source: source)
        guard try reader.next() else { throw IngestionError(.wrongFormat, file: path, "is empty: a case attribute table needs a header line") }
        let header = (0..<reader.cellCount).map { k -> String in
            let name = reader.string(k).trimmingSpaces
            return name.isEmpty ? "column\(k + 1)" : name
        }
        guard let caseColumn = CSVImporter.column(header, explicit: options.caseColumn, candidates: CSVImporter.caseNames + ["order_id", "id"]) else {
            throw IngestionError(.missingColumn, file: path, location: "line 1", "no case id column; name it with --case-column. Header: \(header.joined(separator: ", "))")
        }
        var list: AttributeList = []
        while try reader.next() {
            if reader.isBlank { continue }
            rejects.rowsRead += 1
            let location = "line \(reader.line)"
            guard reader.cellCount == header.count else {
                rejects.add(Reject(file: path, location: location, field: "", reason: "has \(reader.cellCount) cells, the header has \(header.count)"))
                continue
            }
            let caseID = reader.string(caseColumn)
            guard !caseID.isEmpty else {
                rejects.add(Reject(file: path, location: location, field: header[caseColumn], reason: "missing case id"))
                continue
            }
            list.removeAll(keepingCapacity: true)
            for k in header.indices where k != caseColumn && reader.cellLength(k) > 0 {
                let key = header[k].hasPrefix("case:") ? String(header[k].dropFirst(5)) : header[k]
                list.append((key, reader.withCell(k) { CSVImporter.typedValue($0) }))
            }
            let object = try session.object(caseID, type: options.caseType)
            try session.mergeAttributes(object: object.id, list)
        }
    }
}

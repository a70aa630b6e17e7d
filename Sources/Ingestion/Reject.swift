import Foundation
import _WaybillSupport

/// A row or element that could not be used, with where it was and why.
public struct Reject: Sendable, Equatable {
    /// The input file (or mapping entry).
    public var file: String
    /// The line, row or element (`line 12`, `event e17`, `row 4`).
    public var location: String
    /// The field concerned (`time:timestamp`), or empty for the whole row.
    public var field: String
    /// Why it was rejected.
    public var reason: String
    /// The offending value, shortened.
    public var value: String

    public init(file: String, location: String, field: String, reason: String, value: String = "") {
        self.file = file
        self.location = location
        self.field = field
        self.reason = reason
        self.value = String(value.prefix(200))
    }
}

/// Collects the rejects of one import and counts the rows it read.
public struct RejectLog: Sendable {
    /// The rejected rows, in input order.
    public private(set) var rejects: [Reject] = []
    /// Rows (events, objects, links) the importer read, rejected or not.
    public var rowsRead = 0
    /// Warnings that are not rejects (e.g. nested attributes flattened), with counts.
    public var warnings: [String: Int] = [:]

    public init() {}

    /// Records a reject.
    public mutating func add(_ reject: Reject) { rejects.append(reject) }

    /// The share of rows rejected.
    public var rate: Double { rowsRead == 0 ? 0 : Double(rejects.count) / Double(rowsRead) }

    /// The header of a rejects file.
    public static let header = "file,location,field,reason,value"

    /// Appends the rejects to a CSV file (created with a header if absent). Cells are escaped and
    /// neutralised, so the file is safe to open in a spreadsheet.
    public func append(toFile path: String) throws {
        guard !rejects.isEmpty else { return }
        var text = ""
        if !FileManager.default.fileExists(atPath: path) { text += RejectLog.header + "\n" }
        for r in rejects {
            text += [r.file, r.location, r.field, r.reason, r.value].map(CSVCell.escape).joined(separator: ",") + "\n"
        }
        if let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } else {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}

import Foundation
import Storage
import _WaybillSupport

/// The input formats `waybill ingest` reads.
public enum InputFormat: String, CaseIterable, Sendable, Codable {
    case csv
    case xes
    case ocel2JSON = "ocel2-json"
    case ocel2XML = "ocel2-xml"
    case ocel2SQLite = "ocel2-sqlite"

    /// Guesses the format from a file name (a `.gz` suffix is looked through).
    public static func guess(path: String) -> InputFormat? {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let ext = name.split(separator: ".").last.map(String.init) ?? ""
        switch ext {
        case "csv", "tsv", "txt": return .csv
        case "xes": return .xes
        case "jsonocel", "json": return .ocel2JSON
        case "xmlocel", "xml": return .ocel2XML
        case "sqlite", "sqlite3", "db": return .ocel2SQLite
        default: return nil
        }
    }
}

/// What one ingest did.
public struct IngestReport: Sendable, Codable {
    /// The file read.
    public var file: String
    /// Its format.
    public var format: String
    /// Its content hash, `blake3:` and 64 hex digits (empty for an extraction).
    public var contentHash: String
    /// True when the file had been imported before and nothing was done.
    public var alreadyImported: Bool
    /// Rows (events, objects...) read.
    public var rowsRead: Int
    /// Events read, added, and found already stored.
    public var eventsRead: Int
    public var eventsAdded: Int
    public var duplicates: Int
    /// Objects (cases) created.
    public var objectsAdded: Int
    /// Rows rejected, and their share of rows read.
    public var rejects: Int
    public var rejectRate: Double
    /// Warnings with counts.
    public var warnings: [String: Int]
    /// Wall time in seconds.
    public var seconds: Double
}

/// Runs imports into a store: one file, one transaction, with idempotence and reject limits.
public struct Ingestor {
    /// The store written to.
    public let store: EventStore
    /// The rejects file (appended to).
    public let rejectsPath: String

    public init(store: EventStore, rejectsPath: String) {
        self.store = store
        self.rejectsPath = rejectsPath
    }

    /// Imports one file.
    ///
    /// A file whose content hash is already recorded is skipped. Otherwise the right importer
    /// reads it inside one transaction; if the reject rate exceeds `options.maxRejectRate`, or the
    /// file as a whole is unreadable, the transaction is rolled back and nothing is written to the
    /// store. Rejects are appended to the rejects file in every case, so the reason can be read.
    ///
    /// - Throws: `IngestionError`, `StoreError`.
    public func ingest(path: String, format requested: InputFormat? = nil, options: ImportOptions) throws -> IngestReport {
        let started = Date()
        guard FileManager.default.fileExists(atPath: path) else {
            throw IngestionError(.unreadable, file: path, "no such file")
        }
        guard let format = requested ?? InputFormat.guess(path: path) else {
            throw IngestionError(
                .wrongFormat, file: path,
                "cannot tell the format from the file name; pass --format (\(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        try checkContent(path: path, format: format)
        // A path imported before is hashed first, so running the same ingest again stops at once.
        // Any other file is hashed on a second thread while it is parsed (the hash is checked
        // against earlier imports before the transaction commits, which rolls back if it matches).
        if try store.importRecords().contains(where: { $0.source == path }) {
            let hash = try FileDigest.contentHash(path: path)
            if let record = try store.importRecord(contentHash: hash) {
                return alreadyImported(path, format.rawValue, hash, record, started)
            }
            let importer = try makeImporter(path: path, format: format, options: options)
            return try run(
                importer, source: path, format: format.rawValue, contentHash: hash, options: options, started: started)
        }
        // A plain CSV file is hashed from the regions its reader reads (one read of the file);
        // any other file by a worker that reads it again.
        if format == .csv, try !ByteSource(path: path, chunkSize: 4096).isGzip {
            let digest = StreamDigest()
            defer { _ = digest.value() }
            return try run(
                CSVImporter(path: path, options: options, digest: digest), source: path, format: format.rawValue,
                contentHash: nil, hashWhenRead: { digest.value() }, options: options, started: started)
        }
        let hash = BackgroundDigest(path: path)
        defer { _ = try? hash.value() }
        let importer = try makeImporter(path: path, format: format, options: options)
        return try run(
            importer, source: path, format: format.rawValue, contentHash: nil, hashWhenRead: { try hash.value() },
            options: options, started: started)
    }

    /// Imports a case attribute table (CSV keyed by case id), idempotent by content hash.
    public func ingestCaseAttributes(path: String, options: ImportOptions) throws -> IngestReport {
        let started = Date()
        try checkContent(path: path, format: .csv)
        let hash = try FileDigest.contentHash(path: path)
        if let record = try store.importRecord(contentHash: hash) {
            return alreadyImported(path, "case-attributes", hash, record, started)
        }
        return try run(
            CaseAttributeImporter(path: path, options: options), source: path, format: "case-attributes",
            contentHash: hash, options: options, started: started)
    }

    /// Extracts events from a source-system database with a mapping (incremental, idempotent).
    public func extract(sourcePath: String, mappingPath: String, options: ImportOptions) throws -> IngestReport {
        let started = Date()
        let mapping = try ExtractionMapping.load(path: mappingPath)
        guard FileManager.default.fileExists(atPath: sourcePath) else {
            throw IngestionError(.unreadable, file: sourcePath, "no such source database")
        }
        try checkContent(path: sourcePath, format: .ocel2SQLite)
        return try run(
            SourceExtractor(sourcePath: sourcePath, mapping: mapping, options: options), source: "\(sourcePath) [\(mapping.name)]",
            format: "extract", contentHash: nil, options: options, started: started)
    }

    private func alreadyImported(
        _ path: String, _ format: String, _ hash: String, _ record: ImportRecord, _ started: Date
    ) -> IngestReport {
        IngestReport(
            file: path, format: format, contentHash: hash, alreadyImported: true, rowsRead: 0,
            eventsRead: record.eventsRead, eventsAdded: 0, duplicates: 0, objectsAdded: 0, rejects: 0, rejectRate: 0,
            warnings: ["already imported as import #\(record.id) (\(record.source)) on \(record.startedAt)": 1],
            seconds: Date().timeIntervalSince(started))
    }

    /// Runs an importer in one store transaction, enforcing the reject limit.
    ///
    /// With `hashWhenRead`, the file's hash is asked for once the importer is done: a file some
    /// earlier import already had is rolled back and reported as already imported.
    private func run(
        _ importer: any LogImporter, source: String, format: String, contentHash: String?,
        hashWhenRead: (() throws -> String)? = nil, options: ImportOptions, started: Date
    ) throws -> IngestReport {
        var rejects = RejectLog()
        var counts = (read: 0, added: 0, duplicates: 0, objects: 0)
        var contentHash = contentHash
        let optionsJSON = String(decoding: try JSONEncoder.sorted.encode(options), as: UTF8.self)
        do {
            let size = (try? FileManager.default.attributesOfItem(atPath: source)[.size] as? NSNumber)?.intValue
            try store.ingest(
                source: source, format: format, contentHash: contentHash, options: optionsJSON, expectedBytes: size
            ) { session in
                try importer.run(into: session, rejects: &rejects)
                if let hashWhenRead {
                    let hash = try hashWhenRead()
                    if let record = try store.importRecord(contentHash: hash) {
                        throw AlreadyImported(contentHash: hash, record: record)
                    }
                    try session.recordContentHash(hash)
                    contentHash = hash
                }
                session.rejects = rejects.rejects.count
                if rejects.rate > options.maxRejectRate {
                    throw IngestionError(
                        .tooManyRejects, file: source,
                        "\(rejects.rejects.count) of \(rejects.rowsRead) rows rejected (\(percent(rejects.rate)), above the limit of \(percent(options.maxRejectRate))); nothing was imported. See \(rejectsPath); raise the limit with --max-reject-rate")
                }
                counts = (session.eventsRead, session.eventsAdded, session.duplicates, session.objectsAdded)
            }
        } catch let known as AlreadyImported {
            return alreadyImported(source, format, known.contentHash, known.record, started)
        } catch {
            try? rejects.append(toFile: rejectsPath)
            throw error
        }
        try rejects.append(toFile: rejectsPath)
        return IngestReport(
            file: source, format: format, contentHash: contentHash ?? "", alreadyImported: false, rowsRead: rejects.rowsRead,
            eventsRead: counts.read, eventsAdded: counts.added, duplicates: counts.duplicates, objectsAdded: counts.objects,
            rejects: rejects.rejects.count, rejectRate: rejects.rate, warnings: rejects.warnings,
            seconds: Date().timeIntervalSince(started))
    }

    func makeImporter(path: String, format: InputFormat, options: ImportOptions) throws -> any LogImporter {
        switch format {
        case .csv: return CSVImporter(path: path, options: options)
        case .xes: return XESImporter(path: path, options: options)
        case .ocel2JSON: return OCELJSONImporter(path: path, options: options)
        case .ocel2XML: return OCELXMLImporter(path: path, options: options)
        case .ocel2SQLite: return OCELSQLiteImporter(path: path, options: options)
        }
    }

    /// Refuses a file whose first bytes contradict its format (a SQLite file named `.csv`, a
    /// binary file named `.xes`), before any work is done.
    func checkContent(path: String, format: InputFormat) throws {
        let head: [UInt8]
        do {
            let source = try ByteSource(path: path, chunkSize: 4096)
            head = try source.next() ?? []
        } catch let error as ByteSource.ReadError {
            throw IngestionError(.unreadable, file: path, error.reason)
        }
        let isSQLite = head.starts(with: Array("SQLite format 3".utf8))
        if format == .ocel2SQLite {
            guard isSQLite else { throw IngestionError(.wrongFormat, file: path, "is not a SQLite database, so not an OCEL 2.0 SQLite log") }
            return
        }
        if isSQLite {
            throw IngestionError(.wrongFormat, file: path, "is a SQLite database, not \(format.rawValue); for an OCEL 2.0 SQLite log pass --format ocel2-sqlite")
        }
        if head.isEmpty { throw IngestionError(.wrongFormat, file: path, "is empty") }
        if head.contains(0) { throw IngestionError(.wrongFormat, file: path, "contains binary data; it is not a \(format.rawValue) file") }
        let first = head.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }.first
        switch format {
        case .xes, .ocel2XML:
            guard first == UInt8(ascii: "<") else { throw IngestionError(.wrongFormat, file: path, "does not start with '<'; it is not XML, so not \(format.rawValue)") }
        case .ocel2JSON:
            guard first == UInt8(ascii: "{") else { throw IngestionError(.wrongFormat, file: path, "does not start with '{'; it is not a JSON object, so not OCEL 2.0 JSON") }
        case .csv:
            if first == UInt8(ascii: "<") || first == UInt8(ascii: "{") {
                throw IngestionError(.wrongFormat, file: path, "looks like XML or JSON, not CSV; pass --format xes, ocel2-xml or ocel2-json")
            }
        case .ocel2SQLite: break
        }
    }
}

func percent(_ rate: Double) -> String {
    let value = (rate * 10_000).rounded() / 100
    return "\(value)%"
}

extension JSONEncoder {
    /// An encoder with sorted keys, for deterministic output.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// Thrown inside an import's transaction (so it rolls back) when the file's content hash, found
/// while it was read, is an earlier import's.
private struct AlreadyImported: Error {
    var contentHash: String
    var record: ImportRecord
}

/// A file's content hash, computed on a Dispatch worker thread from the moment it is made.
final class BackgroundDigest: @unchecked Sendable {
    private let done = DispatchGroup()
    // Written by the worker before `done.leave()`, read only after `done.wait()`.
    private var result: Result<String, any Error>?

    init(path: String) {
        done.enter()
        DispatchQueue.global().async {
            self.result = Result { try FileDigest.contentHash(path: path) }
            self.done.leave()
        }
    }

    /// The hash, once computed (waits for it).
    func value() throws -> String {
        done.wait()
        return try result!.get()
    }
}

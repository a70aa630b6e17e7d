import Storage

/// A reader of one input format that writes what it reads into an ingest session.
///
/// CSV, XES, the three OCEL 2.0 layouts, case-attribute tables and source-system extraction each
/// conform; `Ingestor` picks one, runs it inside a store transaction, and enforces the reject
/// limit.
public protocol LogImporter {
    /// The format's name, recorded in the import record (`csv`, `xes`, `ocel2-json`...).
    var formatName: String { get }

    /// Reads the whole input, writing events, objects and links through `session`, and records
    /// unusable rows in `rejects`.
    ///
    /// - Throws: `IngestionError` when the input as a whole cannot be read; the caller rolls back.
    func run(into session: IngestSession, rejects: inout RejectLog) throws
}

import Storage

/// Writes rendered rows into `source.sqlite`: one transaction, multi-row INSERT statements
/// prepared once and reused, no journal, indexes built at the end.
///
/// The file is written whole and then renamed into place by `Simulator`, so it needs neither a
/// rollback journal nor fsyncs (`journal_mode=OFF`, `synchronous=OFF`): a crash leaves only a
/// temporary file behind. Each INSERT carries `batchRows` rows, which divides SQLite's
/// per-statement cost (VDBE setup, cursor opening, reset) by that many; the rows that do not fill
/// a batch go through a one-row statement.
final class SourceWriter {
    /// Rows per multi-row INSERT.
    static let batchRows = 32

    private let connection: SQLiteConnection
    private var batched: [SQLiteStatement] = []
    private var single: [SQLiteStatement] = []
    private var counts = [Int](repeating: 0, count: SourceSchema.tableNames.count)

    /// Creates the schema in a new file, opens the loading transaction and writes master data.
    ///
    /// - Throws: `StoreError` from SQLite.
    init(path: String) throws {
        connection = try SQLiteConnection(path: path)
        try connection.execute(
            """
            PRAGMA page_size = 8192; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -131072;
            """)
        try connection.execute(SourceSchema.tables)
        for (table, columns) in zip(SourceSchema.tableNames, SourceSchema.insertColumns) {
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            batched.append(
                try connection.prepare(head + Array(repeating: row, count: Self.batchRows).joined(separator: ", ")))
            single.append(try connection.prepare(head + row))
        }
        try connection.execute("BEGIN IMMEDIATE")
        try write(SourceRows.masterData())
    }

    /// Inserts one chunk's rendered rows, table by table.
    ///
    /// - Complexity: O(*v*) in the chunk's values.
    func write(_ rows: RenderedRows) throws {
        for (table, values) in rows.tables.enumerated() where !values.isEmpty {
            let width = SourceSchema.insertColumns[table].count
            let rowCount = values.count / width
            precondition(rowCount * width == values.count, "rendered \(values.count) values for \(width) columns")
            let batch = batched[table]
            let perBatch = Self.batchRows * width
            var start = 0
            while start + perBatch <= values.count {
                for i in 0..<perBatch { batch.bind(values[start + i], at: Int32(i + 1)) }
                try batch.run()
                start += perBatch
            }
            let one = single[table]
            while start < values.count {
                for i in 0..<width { one.bind(values[start + i], at: Int32(i + 1)) }
                try one.run()
                start += width
            }
            counts[table] += rowCount
        }
    }

    /// Commits the rows and builds the indexes; returns the rows per table. The file is closed
    /// when the writer is released.
    ///
    /// - Complexity: O(*r* log *r*) for the index builds.
    func finish() throws -> [String: Int] {
        try connection.execute("COMMIT")
        try connection.execute(SourceSchema.indexes)
        var result: [String: Int] = [:]
        for (i, name) in SourceSchema.tableNames.enumerated() { result[name] = counts[i] }
        return result
    }
}

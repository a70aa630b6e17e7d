import CSQLite

/// A connection to one SQLite database file: the thin layer the event store is built on.
///
/// Written over the C API rather than taken from GRDB because the ingest hot path binds and steps
/// one prepared statement per event, tens of millions of times per run, and must not allocate
/// per row; and because this package links SQLite through its own `CSQLite` system-library
/// module, which cannot share a process with GRDB's copy of the same C module. What it offers is
/// small on purpose: execute, prepare, transactions.
public final class SQLiteConnection {
    /// The underlying `sqlite3*` handle.
    public let handle: OpaquePointer
    /// The database file's path.
    public let path: String

    /// Opens (creating if asked) a database file.
    ///
    /// - Throws: `StoreError` with the path and SQLite's message.
    public init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        var db: OpaquePointer?
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(.cannotOpen, "cannot open database: \(message)", path: path)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, SQLiteConnection.busyTimeout)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Milliseconds a statement waits for another connection's lock before failing.
    static let busyTimeout: Int32 = 10_000

    /// Runs one or more SQL statements that return no rows.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(error)
            throw StoreError(.sqlite, message, path: path, sql: sql)
        }
    }

    /// Copies the BLOB in `column` of row `rowid` of `table` into `buffer` (which must be exactly
    /// its size), with SQLite's incremental BLOB I/O: straight from the pages, without the
    /// intermediate copy `sqlite3_column_blob` makes of a large value. With `offset`, copies the
    /// bytes `offset ..< offset + buffer.count` of the BLOB instead, which must lie within it.
    ///
    /// - Throws: `StoreError(.sqlite)` when the row is gone or the sizes differ.
    /// - Complexity: O(bytes).
    public func readBlob(
        table: String, column: String, rowid: Int64, at offset: Int? = nil, into buffer: UnsafeMutableRawBufferPointer
    ) throws {
        var blob: OpaquePointer?
        var rc = sqlite3_blob_open(handle, "main", table, column, rowid, 0, &blob)
        defer { sqlite3_blob_close(blob) }
        guard rc == SQLITE_OK, let blob else {
            throw StoreError(.sqlite, "cannot read \(table).\(column): \(String(cString: sqlite3_errstr(rc)))", path: path)
        }
        let size = Int(sqlite3_blob_bytes(blob))
        let start = offset ?? 0
        guard offset == nil ? size == buffer.count : start >= 0 && buffer.count <= size - start else {
            throw StoreError(.sqlite, "\(table).\(column) changed size while being read", path: path)
        }
        // sqlite3_blob_read takes an Int32 length and offset: read in chunks below 2 GiB (a BLOB
        // is at most 2 GiB).
        var done = 0
        while done < buffer.count {
            let n = min(buffer.count - done, 1 << 30)
            rc = sqlite3_blob_read(blob, buffer.baseAddress! + done, Int32(n), Int32(start + done))
            guard rc == SQLITE_OK else {
                throw StoreError(.sqlite, "cannot read \(table).\(column): \(String(cString: sqlite3_errstr(rc)))", path: path)
            }
            done += n
        }
    }

    /// Compiles a statement for repeated use.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    ///
    /// `BEGIN IMMEDIATE` takes the write lock up front, so two writers fail fast rather than
    /// deadlock half-way.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Switches a write-ahead-log database to the rollback journal (`journal_mode = DELETE`) for
    /// a bulk write; true when it switched. Nothing changes (false) when the database is not in
    /// WAL mode or another connection has it open (SQLite refuses the switch then).
    public func useRollbackJournal() -> Bool {
        guard (try? journalMode()) == "wal" else { return false }
        // Fail at once rather than after the busy timeout when another connection holds the file.
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, SQLiteConnection.busyTimeout) }
        _ = try? execute("PRAGMA journal_mode = DELETE")
        return (try? journalMode()) == "delete"
    }

    /// Switches back to the write-ahead log after `useRollbackJournal()`; a failure leaves the
    /// database in rollback mode, which is correct, only slower for concurrent readers, and the
    /// next `EventStore` open tries again.
    public func restoreWriteAheadLog() {
        _ = try? execute("PRAGMA journal_mode = WAL")
    }

    /// The database's journal mode, lowercased (`wal`, `delete`...).
    func journalMode() throws -> String? {
        try rows("PRAGMA journal_mode").first?[0].text?.lowercased()
    }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs a query and returns the first column of the first row as an integer, or nil.
    public func scalarInt(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// Runs a query and returns all rows as values.
    public func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var result: [[SQLiteValue]] = []
        while try statement.step() {
            result.append((0..<statement.columnCount).map { statement.value($0) })
        }
        return result
    }
}

/// A value read from or bound to SQLite.
public enum SQLiteValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The value as text, if it is text.
    public var text: String? { if case .text(let s) = self { s } else { nil } }
    /// The value as an integer, if it is an integer.
    public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
}

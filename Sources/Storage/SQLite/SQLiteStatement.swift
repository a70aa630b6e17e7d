import CSQLite

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared SQLite statement, reused across rows by `reset()` and rebinding.
public final class SQLiteStatement {
    /// The `sqlite3_stmt*` handle.
    public let handle: OpaquePointer
    let connection: SQLiteConnection
    let sql: String

    init(connection: SQLiteConnection, sql: String) throws {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw StoreError(.sqlite, String(cString: sqlite3_errmsg(connection.handle)), path: connection.path, sql: sql)
        }
        handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement so it can run again; bindings are cleared.
    @inline(__always)
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds values to parameters 1...n.
    public func bind(_ values: [SQLiteValue]) throws {
        for (i, v) in values.enumerated() { bind(v, at: Int32(i + 1)) }
    }

    /// Binds one value to a 1-based parameter index.
    @inline(__always)
    public func bind(_ value: SQLiteValue, at index: Int32) {
        switch value {
        case .null: sqlite3_bind_null(handle, index)
        case .integer(let v): sqlite3_bind_int64(handle, index, v)
        case .real(let v): sqlite3_bind_double(handle, index, v)
        case .text(let s): bind(s, at: index)
        case .blob(let b): b.withUnsafeBytes { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
        }
    }

    /// Binds an integer.
    @inline(__always)
    public func bind(_ value: Int64, at index: Int32) { sqlite3_bind_int64(handle, index, value) }

    /// Binds an optional integer (nil binds NULL).
    @inline(__always)
    public func bind(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds text (copied by SQLite).
    @inline(__always)
    public func bind(_ value: String, at index: Int32) {
        var value = value
        value.withUTF8 { buffer in
            _ = sqlite3_bind_text(
                handle, index, UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                    .assumingMemoryBound(to: CChar.self), Int32(buffer.count), SQLITE_TRANSIENT)
        }
    }

    /// Binds UTF-8 bytes as text without copying them (SQLite's `SQLITE_STATIC`): they must stay
    /// valid until the statement has run; nil binds NULL. For hot inserts of bytes the caller
    /// already holds, where `bind(_: String, at:)` would build a `String` and SQLite copy it.
    @inline(__always)
    public func bindText(bytes: UnsafeBufferPointer<UInt8>?, at index: Int32) {
        guard let bytes else {
            sqlite3_bind_null(handle, index)
            return
        }
        _ = sqlite3_bind_text(
            handle, index, UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
            Int32(bytes.count), nil)
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() { sqlite3_clear_bindings(handle) }

    /// Binds optional text (nil binds NULL).
    @inline(__always)
    public func bind(_ value: String?, at index: Int32) {
        if let value { bind(value, at: index) } else { sqlite3_bind_null(handle, index) }
    }

    /// Steps once: true if a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw StoreError(.sqlite, String(cString: sqlite3_errmsg(connection.handle)), path: connection.path, sql: sql)
        }
    }

    /// Steps to completion, then resets: for INSERT/UPDATE statements.
    @inline(__always)
    /// Runs the statement with `bytes` bound as a blob at a 1-based index without copying them
    /// (SQLite's `SQLITE_STATIC`): they need only live during the call. The binding is cleared
    /// before returning.
    public func run(bindingBlob bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        precondition(bytes.baseAddress != nil, "an empty blob would bind as NULL")
        sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), nil)
        defer { sqlite3_bind_null(handle, index) }
        try run()
    }

    public func run() throws {
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw StoreError(.sqlite, String(cString: sqlite3_errmsg(connection.handle)), path: connection.path, sql: sql)
        }
    }

    /// The number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// True when column `i` of the current row is NULL.
    @inline(__always)
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }

    /// Column `i` as an integer.
    @inline(__always)
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }

    /// Column `i` as a double.
    @inline(__always)
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }

    /// Column `i` as text ("" for NULL).
    @inline(__always)
    public func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    /// Column `i` as optional text.
    @inline(__always)
    public func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }

    /// Column `i` as an optional integer.
    @inline(__always)
    public func optionalInt64(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }

    /// Column `i` as a typed value.
    public func value(_ i: Int) -> SQLiteValue {
        let c = Int32(i)
        switch sqlite3_column_type(handle, c) {
        case SQLITE_INTEGER: return .integer(int64(c))
        case SQLITE_FLOAT: return .real(double(c))
        case SQLITE_TEXT: return .text(text(c))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, c))
            guard n > 0, let p = sqlite3_column_blob(handle, c) else { return .blob([]) }
            return .blob([UInt8](UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    /// Calls `body` with column `i`'s bytes, valid only during the call (no copy).
    public func withBlob<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let n = Int(sqlite3_column_bytes(handle, i))
        guard n > 0, let p = sqlite3_column_blob(handle, i) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// The name of result column `i`.
    public func columnName(_ i: Int) -> String { String(cString: sqlite3_column_name(handle, Int32(i))) }
}

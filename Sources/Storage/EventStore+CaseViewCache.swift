import _WaybillSupport

/// The case-view cache: a loaded case view kept in the store in binary form, so the next load of
/// the same object type is a few large reads instead of a pass over every event and link.
///
/// An entry is valid while its stamp equals the store's: the id of the latest import (every write
/// to the store is an import, in one transaction). Any import makes old entries stale; they are
/// replaced on the next load. Entries are split into parts of at most 256 MiB (SQLite's default
/// BLOB limit is 1 GB). The cache costs disk space about equal to the case view's columns
/// (28 bytes per event).
extension EventStore {
    static let cachePartBytes = 256 << 20
    /// The memory map size set while the cache is read (16 GiB: the whole file, in practice).
    static let cacheReadMapSize = 17_179_869_184

    /// The store's current cache stamp.
    func caseViewStamp() throws -> String {
        "imports:\(try db.scalarInt("SELECT coalesce(max(id), 0) FROM import_record") ?? 0)"
    }

    /// The cached case view of `caseType`, if there is a valid entry.
    ///
    /// - Complexity: O(bytes of the entry).
    func cachedCaseView(_ caseType: String) throws -> ColumnarLog? {
        let stamp = try caseViewStamp()
        let statement = try db.prepare(
            "SELECT stamp, rowid, length(data) FROM case_view_cache WHERE object_type = ? ORDER BY part")
        statement.bind(caseType, at: 1)
        var parts: [(rowid: Int64, bytes: Int)] = []
        while try statement.step() {
            guard statement.text(0) == stamp else { return nil }
            parts.append((statement.int64(1), Int(statement.int64(2))))
        }
        guard !parts.isEmpty else { return nil }
        // One buffer for all parts, each read into its place: no per-part copies, no join. The
        // file is memory-mapped for the read (SQLite then copies from the mapping, not through
        // its page cache), and unmapped after it, so other work keeps its memory figures. The
        // parts are read on two threads, the odd ones through a second read-only connection
        // (a connection serves one thread at a time), which checks their stamps first.
        let total = parts.reduce(0) { $0 + $1.bytes }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 16)
        defer { buffer.deallocate() }
        var starts: [Int] = []
        var offset = 0
        for part in parts {
            starts.append(offset)
            offset += part.bytes
        }
        let shared = CacheRead(db: db, buffer: buffer, parts: parts, starts: starts, stamp: stamp)
        let done = Concurrently.map(parts.count > 1 ? 2 : 1) { job in
            job == 0 ? shared.read(parity: 0, on: shared.db) : shared.readOnSecondConnection(parity: 1)
        }
        guard done[0] else { return nil }
        if done.count > 1 && !done[1] {
            // The second connection could not read its parts: read them here.
            guard shared.read(parity: 1, on: db) else { return nil }
        }
        return ColumnarLog.fromBinary(UnsafeRawBufferPointer(rebasing: buffer[0..<total]))
    }

    /// Replaces the cache entry of the log's case type. Failures (a read-only store, a full disk)
    /// are ignored: the cache only saves time.
    ///
    /// - Complexity: O(bytes of the entry).
    func storeCaseView(_ log: ColumnarLog, partBytes: Int = cachePartBytes) {
        do {
            let stamp = try caseViewStamp()
            let bytes = log.binary()
            try db.transaction {
                try db.execute("DELETE FROM case_view_cache WHERE stamp <> '\(stamp)'")
                let delete = try db.prepare("DELETE FROM case_view_cache WHERE object_type = ?")
                delete.bind(log.caseType, at: 1)
                _ = try delete.step()
                let insert = try db.prepare(
                    "INSERT INTO case_view_cache (object_type, part, stamp, data) VALUES (?, ?, ?, ?)")
                var part: Int64 = 0
                var start = 0
                repeat {
                    let end = min(bytes.count, start + partBytes)
                    try insert.bind([.text(log.caseType), .integer(part), .text(stamp), .blob(Array(bytes[start..<end]))])
                    _ = try insert.step()
                    insert.reset()
                    part += 1
                    start = end
                } while start < bytes.count
            }
        } catch {
            return
        }
    }
}

/// One read of a cache entry's parts into one buffer, shared by the two reading threads: each
/// touches only its own parts (those of its parity) and its own part of the buffer.
private struct CacheRead: @unchecked Sendable {
    let db: SQLiteConnection
    let buffer: UnsafeMutableRawBufferPointer
    let parts: [(rowid: Int64, bytes: Int)]
    let starts: [Int]
    let stamp: String

    /// Reads the parts whose index has `parity` through `connection`; false on any failure.
    func read(parity: Int, on connection: SQLiteConnection) -> Bool {
        for k in stride(from: parity, to: parts.count, by: 2) {
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[starts[k]..<(starts[k] + parts[k].bytes)])
            do {
                try connection.readBlob(table: "case_view_cache", column: "data", rowid: parts[k].rowid, into: slice)
            } catch {
                return false
            }
        }
        return true
    }

    /// Reads the parts of `parity` through a new read-only connection, in one read transaction
    /// that first checks they still carry the stamp; false when that cannot be done.
    func readOnSecondConnection(parity: Int) -> Bool {
        guard let second = try? SQLiteConnection(path: db.path, readOnly: true, create: false) else { return false }
        do {
            try second.execute("PRAGMA mmap_size = \(EventStore.cacheReadMapSize); BEGIN")
            defer { try? second.execute("COMMIT") }
            let check = try second.prepare("SELECT stamp, length(data) FROM case_view_cache WHERE rowid = ?")
            for k in stride(from: parity, to: parts.count, by: 2) {
                check.bind(parts[k].rowid, at: 1)
                guard try check.step(), check.text(0) == stamp, Int(check.int64(1)) == parts[k].bytes else {
                    return false
                }
                check.reset()
            }
            return read(parity: parity, on: second)
        } catch {
            return false
        }
    }
}

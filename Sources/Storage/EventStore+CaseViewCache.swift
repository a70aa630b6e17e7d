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
        // its page cache), and unmapped after it, so other work keeps its memory figures.
        try db.execute("PRAGMA mmap_size = 17179869184")
        defer { try? db.execute("PRAGMA mmap_size = 0") }
        let total = parts.reduce(0) { $0 + $1.bytes }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 16)
        defer { buffer.deallocate() }
        var offset = 0
        for part in parts {
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + part.bytes)])
            try db.readBlob(table: "case_view_cache", column: "data", rowid: part.rowid, into: slice)
            offset += part.bytes
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

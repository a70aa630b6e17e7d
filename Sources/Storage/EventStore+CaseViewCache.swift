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
            "SELECT stamp, data FROM case_view_cache WHERE object_type = ? ORDER BY part")
        statement.bind(caseType, at: 1)
        var parts: [[UInt8]] = []
        var total = 0
        while try statement.step() {
            guard statement.text(0) == stamp else { return nil }
            let part = statement.withBlob(1) { [UInt8]($0) }
            total += part.count
            parts.append(part)
        }
        guard !parts.isEmpty else { return nil }
        if parts.count == 1 { return parts[0].withUnsafeBytes { ColumnarLog.fromBinary($0) } }
        var joined: [UInt8] = []
        joined.reserveCapacity(total)
        for part in parts { joined += part }
        return joined.withUnsafeBytes { ColumnarLog.fromBinary($0) }
    }

    /// Replaces the cache entry of the log's case type. Failures (a read-only store, a full disk)
    /// are ignored: the cache only saves time.
    ///
    /// - Complexity: O(bytes of the entry).
    func storeCaseView(_ log: ColumnarLog) {
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
                    let end = min(bytes.count, start + Self.cachePartBytes)
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

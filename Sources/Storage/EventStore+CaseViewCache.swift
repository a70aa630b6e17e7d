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
    func cachedCaseView(
        _ caseType: String, attributes: Set<String>? = nil, eventDetails: Bool = true, textsAsCodes: Bool = false
    ) throws -> ColumnarLog? {
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
        // The file is memory-mapped for the read (SQLite then copies from the mapping, not
        // through its page cache), and unmapped after it, so other work keeps its memory figures.
        try db.execute("PRAGMA mmap_size = \(Self.cacheReadMapSize)")
        defer { try? db.execute("PRAGMA mmap_size = 0") }
        let entry = CacheEntry(db: db, parts: parts, stamp: stamp)
        let total = entry.total

        // The head (names and counts), from the first 64 KiB, more while that is short.
        var headSize = min(total, 1 << 16)
        var found: ColumnarLog.BinaryLayout?
        while found == nil {
            var head = [UInt8](repeating: 0, count: headSize)
            let read = head.withUnsafeMutableBytes { entry.read([(0..<headSize, $0.baseAddress)], on: db) }
            guard read else { return nil }
            switch head.withUnsafeBytes({ ColumnarLog.BinaryLayout.read($0, total: total) }) {
            case .layout(let layout): found = layout
            case .invalid: return nil
            case .short:
                guard headSize < total else { return nil }
                headSize = min(total, headSize * 4)
            }
        }
        let layout = found!

        // The event columns straight into their arrays and the tail (case ids and attributes)
        // into one buffer: one copy from the file, no intermediate buffer. The bytes from the
        // columns to the end are read in two halves on two threads, the second through a second
        // read-only connection (a connection serves one thread at a time), which checks the
        // stamps of its parts first and leaves its half to the first connection if it cannot.
        let events = layout.events
        let details = eventDetails ? events : 0  // start timestamps and event ids, or none
        var ranges = layout.columnRanges + [layout.tailAt..<total]
        if !eventDetails {
            ranges[2] = ranges[2].lowerBound..<ranges[2].lowerBound
            ranges[3] = ranges[3].lowerBound..<ranges[3].lowerBound
        }
        var timestamps: [Int64] = []
        var starts: [Int64] = []
        var ids: [Int64] = []
        var offsets: [Int64] = []
        var tail: [UInt8] = []
        var complete = false
        func raw<T>(_ buffer: UnsafeMutableBufferPointer<T>) -> UnsafeMutableRawPointer? {
            buffer.baseAddress.map { UnsafeMutableRawPointer($0) }
        }
        let activities = [Int32](unsafeUninitializedCapacity: events) { a, na in
            timestamps = [Int64](unsafeUninitializedCapacity: events) { t, nt in
                starts = [Int64](unsafeUninitializedCapacity: details) { s, ns in
                    ids = [Int64](unsafeUninitializedCapacity: details) { d, nd in
                        offsets = [Int64](unsafeUninitializedCapacity: layout.cases + 1) { o, no in
                            tail = [UInt8](unsafeUninitializedCapacity: total - layout.tailAt) { tl, ntl in
                                let targets = zip(ranges, [raw(a), raw(t), raw(s), raw(d), raw(o), raw(tl)]).map {
                                    ($0, $1)
                                }
                                complete = entry.readInTwoHalves(targets)
                                // Integers: whatever a failed read left is still a valid value.
                                ntl = tl.count
                            }
                            no = layout.cases + 1
                        }
                        nd = details
                    }
                    ns = details
                }
                nt = events
            }
            na = events
        }
        guard complete else { return nil }
        let columns = ColumnarLog.EventColumns(
            activities: activities, timestamps: timestamps, starts: starts, ids: ids, offsets: offsets)
        return tail.withUnsafeBytes {
            ColumnarLog.fromBinary(
                layout: layout, columns: columns, tail: $0, attributes: attributes, textsAsCodes: textsAsCodes,
                packedFrom: tail)
        }
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

/// A cache entry's parts seen as one run of bytes, read into the places given, by one thread or
/// two: each thread touches only its own byte ranges and places.
private struct CacheEntry: @unchecked Sendable {
    let db: SQLiteConnection
    let parts: [(rowid: Int64, bytes: Int)]
    let stamp: String
    /// Where each part starts in the run of bytes, and the run's length.
    let starts: [Int]
    let total: Int

    init(db: SQLiteConnection, parts: [(rowid: Int64, bytes: Int)], stamp: String) {
        self.db = db
        self.parts = parts
        self.stamp = stamp
        var starts: [Int] = []
        var at = 0
        for part in parts {
            starts.append(at)
            at += part.bytes
        }
        self.starts = starts
        self.total = at
    }

    /// Copies each byte range of the run into its place (nil for an empty range) through
    /// `connection`; false on any failure.
    ///
    /// - Complexity: O(bytes).
    func read(_ targets: [(Range<Int>, UnsafeMutableRawPointer?)], on connection: SQLiteConnection) -> Bool {
        for (range, place) in targets where !range.isEmpty {
            guard let place else { return false }
            for k in parts.indices {
                let lo = max(range.lowerBound, starts[k])
                let hi = min(range.upperBound, starts[k] + parts[k].bytes)
                guard lo < hi else { continue }
                let slice = UnsafeMutableRawBufferPointer(start: place + (lo - range.lowerBound), count: hi - lo)
                do {
                    try connection.readBlob(
                        table: "case_view_cache", column: "data", rowid: parts[k].rowid, at: lo - starts[k],
                        into: slice)
                } catch {
                    return false
                }
            }
        }
        return true
    }

    /// `read(_:on:)` of the targets, ranges in increasing order (gaps between them are not read),
    /// split at the middle of the bytes they cover between this connection and a second one
    /// (when the second cannot, this one reads it all).
    ///
    /// - Complexity: O(bytes), on two threads.
    func readInTwoHalves(_ targets: [(Range<Int>, UnsafeMutableRawPointer?)]) -> Bool {
        guard let first = targets.first?.0.lowerBound, let last = targets.last?.0.upperBound else { return true }
        var middle = last
        var before = targets.reduce(0) { $0 + $1.0.count } / 2  // bytes for the first half
        for (range, _) in targets {
            if before <= range.count {
                middle = range.lowerBound + before
                break
            }
            before -= range.count
        }
        func half(_ bounds: Range<Int>) -> [(Range<Int>, UnsafeMutableRawPointer?)] {
            targets.compactMap { range, place in
                let clamped = range.clamped(to: bounds)
                guard !clamped.isEmpty else { return nil }
                return (clamped, place.map { $0 + (clamped.lowerBound - range.lowerBound) })
            }
        }
        let halves = [half(first..<middle), half(middle..<last)]
        let shared = Halves(halves: halves)
        let done = Concurrently.map(2) { job in
            job == 0 ? read(shared.halves[0], on: db) : readOnSecondConnection(shared.halves[1])
        }
        return done[0] && (done[1] || read(halves[1], on: db))
    }

    /// Reads the targets through a new read-only connection, in one read transaction that first
    /// checks the parts still carry the stamp; false when that cannot be done.
    private func readOnSecondConnection(_ targets: [(Range<Int>, UnsafeMutableRawPointer?)]) -> Bool {
        guard let second = try? SQLiteConnection(path: db.path, readOnly: true, create: false) else { return false }
        do {
            try second.execute("PRAGMA mmap_size = \(EventStore.cacheReadMapSize); BEGIN")
            defer { try? second.execute("COMMIT") }
            let check = try second.prepare("SELECT stamp, length(data) FROM case_view_cache WHERE rowid = ?")
            for part in parts {
                check.bind(part.rowid, at: 1)
                guard try check.step(), check.text(0) == stamp, Int(check.int64(1)) == part.bytes else { return false }
                check.reset()
            }
            return read(targets, on: second)
        } catch {
            return false
        }
    }

    /// The two halves' targets, handed to the two threads.
    private struct Halves: @unchecked Sendable {
        let halves: [[(Range<Int>, UnsafeMutableRawPointer?)]]
    }
}

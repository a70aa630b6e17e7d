import CByteScan
import _WaybillSupport

/// A streaming RFC 4180 reader over a chunked byte source.
///
/// Hand-written rather than taken from CSV.swift or SwiftCSV: those build a `String` per cell
/// and per row and hold whole files, while ingest must read tens of millions of rows in bounded
/// memory and needs each record's starting line for rejects. Cells are exposed as byte ranges
/// into the read buffer; only a record with a quoted cell is copied (unescaped) to a side buffer.
///
/// A plain file is read in place through a memory mapping (`MappedFile`), a window at a time;
/// any other input (gzip, a pipe) straight into the reader's own buffer, with no chunk arrays
/// in between.
/// Records without a quoted cell, nearly all of a real log, are scanned by `wb_csv_scan_plain`
/// (C, sixteen bytes a step with vector masks); the others by the general scanner here.
///
/// Quoted cells may contain delimiters, quotes (doubled) and line breaks; records end at LF,
/// CRLF or a bare CR; a UTF-8 byte-order mark is skipped; the last record may lack a line break.
///
/// A class, so that it owns its buffers; the hot stored properties skip dynamic exclusivity
/// checks (a reader is used by one thread, and no method holds an access across a call that
/// could reach the same property).
final class CSVReader {
    /// Fills a buffer from the input and returns the bytes written: 0 at the end.
    private let input: (UnsafeMutableRawBufferPointer) throws -> Int
    /// The read buffer: `base[0..<count]` holds input, `base[position...]` is not yet read.
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var exhausted = false
    private(set) var delimiter: UInt8
    /// False for a delimiter that is itself a quote or a line break, which the plain scan would
    /// misread.
    private let plainScanAllowed: Bool
    /// The 1-based line on which the current record starts.
    @exclusivity(unchecked) private(set) var line = 0
    @exclusivity(unchecked) private var nextLine = 1
    /// The current record: its bytes' base and its cell bounds (see `CSVRecord`).
    @exclusivity(unchecked) private var recordBase: UnsafePointer<UInt8>
    @exclusivity(unchecked) private var bounds: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) private var boundsCapacity: Int
    /// The number of cells of the current record.
    @exclusivity(unchecked) private(set) var cellCount = 0
    /// The general scanner's cells (start, end, whether `""` must be unescaped), and the side
    /// buffer a record with a quoted cell is copied to.
    private var cells: [(start: Int, end: Int, escaped: Bool)] = []
    private var scratch = JSONBytes()
    /// Fed every region read, which stays unchanged until the digest is done with it.
    private let digest: StreamDigest?
    /// The mapped file read in place, if any: `base` then points into it, at file offset
    /// `windowStart`, and `fill()` slides the window instead of reading.
    private let mapped: MappedFile?
    @exclusivity(unchecked) private var windowStart = 0
    /// How far a fill moves the end of a mapped window, as the read buffer's size does.
    private let window: Int
    /// Bytes of the input read so far (of the file, for a mapping).
    private(set) var bytesRead = 0
    let path: String

    /// A reader over a chunked source (the chunks are copied into the reader's buffer).
    convenience init(path: String, delimiter: UInt8?, source: @escaping () throws -> [UInt8]?) throws {
        var pending: [UInt8] = []
        var offset = 0
        try self.init(path: path, delimiter: delimiter) { buffer in
            var written = 0
            while written < buffer.count {
                if offset == pending.count {
                    guard let chunk = try source(), !chunk.isEmpty else { break }
                    pending = chunk
                    offset = 0
                }
                let n = min(buffer.count - written, pending.count - offset)
                pending.withUnsafeBytes { buffer.baseAddress!.advanced(by: written).copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
                offset += n
                written += n
            }
            return written
        }
    }

    /// A reader over a byte source, read straight into the reader's buffer; every region read
    /// is fed to `digest` too (for a source that is not gzip: the digest is of the file's bytes).
    convenience init(path: String, delimiter: UInt8?, source: ByteSource, digest: StreamDigest? = nil) throws {
        try self.init(path: path, delimiter: delimiter, digest: digest) { try source.read(into: $0) }
    }

    /// A reader over a mapped file, read in place a window of `window` bytes at a time; every
    /// region the window takes in is fed to `digest`.
    convenience init(
        path: String, delimiter: UInt8?, mapped: MappedFile, window: Int = 1 << 19, digest: StreamDigest? = nil
    ) throws {
        try self.init(path: path, delimiter: delimiter, digest: digest, mapped: mapped, window: window) { _ in 0 }
    }

    /// A reader over a filling function: `input(buffer)` writes the next bytes into `buffer`
    /// and returns how many, 0 only at the end.
    init(
        path: String, delimiter: UInt8?, digest: StreamDigest? = nil, mapped: MappedFile? = nil, window: Int = 1 << 19,
        input: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        self.path = path
        self.input = input
        self.digest = digest
        self.mapped = mapped
        self.window = window
        // 512 KiB: each read stays in the core's L2 cache for the hash and the scan that follow
        // (4 MiB did not; the best of four 1 M-order imports went 9.18 -> 8.56 s, in noise of
        // about 10 %).
        capacity = mapped == nil ? 1 << 19 : 0
        base = mapped.map { $0.base ?? .allocate(capacity: 0) } ?? .allocate(capacity: capacity)
        boundsCapacity = 64
        bounds = .allocate(capacity: boundsCapacity + Int(WB_CSV_BOUNDS_SLACK))
        recordBase = UnsafePointer(base)
        self.delimiter = delimiter ?? 0x2C
        plainScanAllowed = delimiter != 0x22 && delimiter != 0x0A && delimiter != 0x0D
        try fill()
        let head = UnsafeBufferPointer(start: base, count: count)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if let nul = head.prefix(65_536).firstIndex(of: 0) {
            throw IngestionError(.wrongFormat, file: path, location: "byte \(nul)", "contains binary data (a NUL byte); this is not a CSV text file")
        }
        if delimiter == nil { self.delimiter = sniffDelimiter() }
    }

    deinit {
        digest?.waitUntilDone()
        if mapped?.base == nil { base.deallocate() }
        bounds.deallocate()
        scratch.deallocate()
    }

    /// Picks `,`, `;` or tab: whichever occurs most often outside quotes on the first line.
    private func sniffDelimiter() -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var inQuotes = false
        var i = position
        while i < count {
            let b = base[i]
            if b == 0x22 { inQuotes.toggle() } else if !inQuotes {
                if b == 0x0A { break }
                if counts[b] != nil { counts[b]! += 1 }
            }
            i += 1
        }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }!.key
    }

    /// Moves the unread bytes to the buffer's front (doubling the buffer when they fill it, for a
    /// record longer than the buffer) and reads more input behind them.
    ///
    /// - Complexity: O(*n*) in the bytes read, plus the unread bytes moved.
    private func fill() throws {
        guard !exhausted else { return }
        // The bytes about to move, be overwritten or be released may still be hashed.
        digest?.waitUntilDone()
        if let mapped {
            try slideWindow(over: mapped)
            return
        }
        if position > 0 {
            let unread = count - position
            if unread > 0 { base.update(from: base + position, count: unread) }
            count = unread
            position = 0
        }
        if count == capacity {
            // Cell bounds are 32-bit offsets into the buffer.
            guard capacity * 2 <= Int(UInt32.max) else { throw IngestionError.recordTooLong(path, line: nextLine) }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        let n = try input(UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count))
        if n == 0 { exhausted = true }
        digest?.feed(UnsafeRawBufferPointer(start: base + count, count: n))
        count += n
        bytesRead += n
    }

    /// `fill()` for a mapped file: the window starts at the page of the first unread byte (the
    /// pages before it are released) and ends `window` bytes further into the file than before;
    /// nothing is copied.
    ///
    /// - Complexity: O(pages the window moves over).
    private func slideWindow(over file: MappedFile) throws {
        let unread = windowStart + position
        let oldEnd = windowStart + count
        let start = unread & ~(file.pageSize - 1)
        // The first window holds at least the 64 KiB the reader's checks look at (a byte-order
        // mark, NUL bytes), as the first read does.
        let end = min(file.size, oldEnd + (oldEnd == 0 ? max(window, 65_536) : window))
        // Cell bounds are 32-bit offsets into the window; a window holds at most 2 GiB, as the
        // read buffer does.
        guard end - start <= Int(Int32.max) else { throw IngestionError.recordTooLong(path, line: nextLine) }
        file.release(upTo: start)
        if end == oldEnd { exhausted = true }
        file.prefetch(oldEnd..<end)
        if let mappedBase = file.base { base = mappedBase + start }
        windowStart = start
        position = unread - start
        count = end - start
        digest?.feed(UnsafeRawBufferPointer(start: base + (oldEnd - start), count: end - oldEnd))
        bytesRead = end
    }

    /// Reads the next record; false at the end of the input.
    ///
    /// - Throws: `IngestionError.malformed` for a quote left open at the end of the file; the
    ///   input's errors.
    /// - Complexity: O(*n*) in the record's length.
    func next() throws -> Bool {
        while true {
            if position >= count {
                if exhausted { return false }
                try fill()
                continue
            }
            if plainScanAllowed {
                var cells = 0
                let end = wb_csv_scan_plain(base, position, count, delimiter, bounds, boundsCapacity - 1, &cells)
                if end >= 0 {
                    position = end
                    cellCount = cells
                    recordBase = UnsafePointer(base)
                    line = nextLine
                    nextLine += 1
                    return true
                }
                if end == WB_CSV_INCOMPLETE && !exhausted {
                    try fill()
                    continue
                }
            }
            if let end = scanRecord(from: position) {
                position = end
                copyGeneralRecord()
                return true
            }
            // The record runs past the buffer: read more and scan it again from its start.
            if exhausted {
                throw IngestionError(.malformed, file: path, location: "line \(nextLine)", "a quoted field is never closed (missing \")")
            }
            try fill()
        }
    }

    /// Copies the general scanner's cells, unescaped, one after another into the side buffer,
    /// each followed by one byte (standing for its delimiter), and sets the bounds over them.
    private func copyGeneralRecord() {
        if cells.count + 1 > boundsCapacity {
            bounds.deallocate()
            boundsCapacity = max(boundsCapacity * 2, cells.count + 1)
            bounds = .allocate(capacity: boundsCapacity + Int(WB_CSV_BOUNDS_SLACK))
        }
        scratch.removeAll()
        bounds[0] = 0
        for (k, cell) in cells.enumerated() {
            if cell.escaped {
                var i = cell.start
                while i < cell.end {
                    scratch.append(base[i])
                    i += base[i] == 0x22 ? 2 : 1
                }
            } else {
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + cell.start, count: cell.end - cell.start))
            }
            scratch.append(delimiter)
            bounds[k + 1] = UInt32(scratch.count)
        }
        cellCount = cells.count
        recordBase = scratch.bytes.baseAddress ?? UnsafePointer(base)
    }

    static let lfLanes: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    static let crLanes: UInt64 = 0x0D0D_0D0D_0D0D_0D0D

    /// 0x80 in the lanes of `x` that are zero bytes, and possibly in lanes above a zero lane (a
    /// borrow), so only the lowest flagged lane is exact.
    @inline(__always)
    static func zeroLanes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// Scans one record starting at `start`; returns the index after its line break, or nil if the
    /// buffer ends first (and more input may follow).
    private func scanRecord(from start: Int) -> Int? {
        cells.removeAll(keepingCapacity: true)
        var lines = 0
        let count = self.count
        let delimiterLanes = UInt64(delimiter) &* 0x0101_0101_0101_0101
        let b = UnsafeBufferPointer(start: base, count: count)
        var i = start
        var cellStart = i
        while true {
            if i >= count {
                guard exhausted else { return nil }
                cells.append((cellStart, i, false))
                line = nextLine
                nextLine += lines
                return i
            }
            if b[i] == 0x22 && i == cellStart {
                // Quoted cell.
                var j = i + 1
                var escaped = false
                while true {
                    guard j < count else { return nil }
                    let c = b[j]
                    if c == 0x22 {
                        if j + 1 < count && b[j + 1] == 0x22 {
                            escaped = true
                            j += 2
                            continue
                        }
                        if j + 1 >= count && !exhausted { return nil }
                        break
                    }
                    if c == 0x0A { lines += 1 }
                    j += 1
                }
                cells.append((i + 1, j, escaped))
                i = j + 1
                // After the closing quote: a delimiter, a line break or the end.
                while i < count && b[i] != delimiter && b[i] != 0x0A && b[i] != 0x0D { i += 1 }
                if i >= count {
                    guard exhausted else { return nil }
                    line = nextLine
                    nextLine += lines
                    return i
                }
                if b[i] == delimiter {
                    i += 1
                    cellStart = i
                    if i >= count && exhausted { cells.append((i, i, false)); line = nextLine; nextLine += lines; return i }
                    continue
                }
                if b[i] == 0x0D { i += 1; if i < count && b[i] == 0x0A { i += 1 } else if i >= count && !exhausted { return nil } } else { i += 1 }
                line = nextLine
                nextLine += lines + 1
                return i
            }
            // Unquoted cell: scan to a delimiter or line break, eight bytes at a time while
            // eight remain (the lowest flagged lane of the SWAR zero-byte test is exact), then
            // bytewise.
            var j = i
            while j &+ 8 <= count {
                let word = UnsafeRawPointer(b.baseAddress! + j).loadUnaligned(as: UInt64.self)
                let found = CSVReader.zeroLanes(word ^ delimiterLanes) | CSVReader.zeroLanes(word ^ CSVReader.lfLanes)
                    | CSVReader.zeroLanes(word ^ CSVReader.crLanes)
                if found != 0 {
                    j &+= found.trailingZeroBitCount >> 3
                    break
                }
                j &+= 8
            }
            while j < count {
                let c = b[j]
                if c == delimiter || c == 0x0A || c == 0x0D { break }
                j += 1
            }
            if j >= count {
                guard exhausted else { return nil }
                cells.append((cellStart, j, false))
                line = nextLine
                nextLine += lines
                return j
            }
            cells.append((cellStart, j, false))
            if b[j] == delimiter {
                i = j + 1
                cellStart = i
                if i >= count {
                    guard exhausted else { return nil }
                    cells.append((i, i, false))
                    line = nextLine
                    nextLine += lines
                    return i
                }
                continue
            }
            var end = j + 1
            if b[j] == 0x0D {
                if end < count { if b[end] == 0x0A { end += 1 } } else if !exhausted { return nil }
            }
            line = nextLine
            nextLine += lines + 1
            return end
        }
    }

    /// The mean length of a line in the bytes read so far (the first chunk, right after the
    /// header), or nil when they hold fewer than 100 lines: an importer's estimate of the rows
    /// in a file from its size.
    ///
    /// - Complexity: O(*n*) in the buffered bytes.
    func meanLineLength() -> Int? {
        let lines = UnsafeBufferPointer(start: base, count: count).reduce(0) { $0 &+ ($1 == 0x0A ? 1 : 0) }
        return lines >= 100 ? max(count / lines, 1) : nil
    }

    /// The current record's cells, valid until the next call to `next()`.
    var record: CSVRecord { CSVRecord(base: recordBase, bounds: UnsafePointer(bounds), count: cellCount) }

    /// True when the current record is a blank line.
    var isBlank: Bool { cellCount == 1 && bounds[1] == bounds[0] &+ 1 }

    /// Calls `body` with cell `k`'s bytes, unescaped.
    func withCell<T>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(record[k])
    }

    /// Cell `k` as a string.
    func string(_ k: Int) -> String {
        String(decoding: record[k], as: UTF8.self)
    }

    /// The length of cell `k` in bytes (unescaped).
    func cellLength(_ k: Int) -> Int { record[k].count }
}

/// The cells of one CSV record as byte buffers, valid until the reader reads the next record.
///
/// Cell *k* is `base[bounds[k] ..< bounds[k + 1] - 1]`: each bound is the offset just past a
/// cell's delimiter or line break, so one array of *n* + 1 offsets describes *n* cells.
struct CSVRecord {
    let base: UnsafePointer<UInt8>
    let bounds: UnsafePointer<UInt32>
    /// The number of cells.
    let count: Int

    /// True when the `count` cells from `first` on are all empty: their bounds then differ by
    /// one byte (a delimiter) per cell.
    @inline(__always)
    func allEmpty(from first: Int, count: Int) -> Bool {
        Int(bounds[first &+ count]) &- Int(bounds[first]) == count
    }

    /// Cell `k`'s bytes.
    @inline(__always)
    subscript(_ k: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(bounds[k])
        return UnsafeBufferPointer(start: base + start, count: Int(bounds[k &+ 1]) &- 1 &- start)
    }
}

extension IngestionError {
    /// A record too long for 32-bit cell offsets.
    static func recordTooLong(_ path: String, line: Int) -> IngestionError {
        IngestionError(
            .malformed, file: path, location: "line \(line)", "a record longer than 2 GiB (is a quote left open?)")
    }
}

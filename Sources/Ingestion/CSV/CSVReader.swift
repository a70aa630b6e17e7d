import _WaybillSupport

/// A streaming RFC 4180 reader over a chunked byte source.
///
/// Hand-written rather than taken from CSV.swift or SwiftCSV: those build a `String` per cell
/// and per row and hold whole files, while ingest must read tens of millions of rows in bounded
/// memory and needs each record's starting line for rejects. Cells are exposed as byte ranges
/// into the read buffer; only quoted cells containing `""` are copied to unescape them.
///
/// Quoted cells may contain delimiters, quotes (doubled) and line breaks; records end at LF or
/// CRLF; a UTF-8 byte-order mark is skipped; the last record may lack a line break.
struct CSVReader {
    private let source: () throws -> [UInt8]?
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    private(set) var delimiter: UInt8
    /// False for a delimiter that is itself a quote or a line break, which `scanPlainRecord`
    /// would misread.
    private var plainScanAllowed: Bool { delimiter != 0x22 && delimiter != 0x0A && delimiter != 0x0D }
    /// The 1-based line on which the current record starts.
    private(set) var line = 0
    private var nextLine = 1
    /// Cell boundaries of the current record: start, end, and whether it needs unescaping.
    private(set) var cells: [(start: Int, end: Int, escaped: Bool)] = []
    private var scratch: [UInt8] = []
    let path: String

    init(path: String, delimiter: UInt8?, source: @escaping () throws -> [UInt8]?) throws {
        self.path = path
        self.source = source
        self.delimiter = delimiter ?? 0x2C
        try fill()
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if let nul = buffer.prefix(65_536).firstIndex(of: 0) {
            throw IngestionError(.wrongFormat, file: path, location: "byte \(nul)", "contains binary data (a NUL byte); this is not a CSV text file")
        }
        if delimiter == nil { self.delimiter = sniffDelimiter() }
    }

    /// Picks `,`, `;` or tab: whichever occurs most often outside quotes on the first line.
    private func sniffDelimiter() -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var inQuotes = false
        var i = position
        while i < buffer.count {
            let b = buffer[i]
            if b == 0x22 { inQuotes.toggle() } else if !inQuotes {
                if b == 0x0A { break }
                if counts[b] != nil { counts[b]! += 1 }
            }
            i += 1
        }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }!.key
    }

    private mutating func fill() throws {
        guard !exhausted else { return }
        if let chunk = try source(), !chunk.isEmpty {
            if position > 0 && position >= buffer.count / 2 {
                buffer.removeSubrange(0..<position)
                for k in cells.indices {
                    cells[k].start -= position
                    cells[k].end -= position
                }
                position = 0
            }
            buffer.append(contentsOf: chunk)
        } else {
            exhausted = true
        }
    }

    /// Reads the next record into `cells`; false at the end of the input.
    ///
    /// - Throws: `IngestionError.malformed` for a quote left open at the end of the file.
    /// - Complexity: O(*n*) in the record's length.
    mutating func next() throws -> Bool {
        while true {
            if position >= buffer.count {
                if exhausted { return false }
                try fill()
                continue
            }
            let start = position
            if let end = try scanRecord(from: start) {
                position = end
                return true
            }
            // The record runs past the buffer: read more and scan it again from its start.
            if exhausted {
                throw IngestionError(.malformed, file: path, location: "line \(nextLine)", "a quoted field is never closed (missing \")")
            }
            let before = position
            position = start
            try fill()
            _ = before
        }
    }

    static let lfLanes: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    static let crLanes: UInt64 = 0x0D0D_0D0D_0D0D_0D0D

    /// 0x80 in the lanes of `x` that are zero bytes, and possibly in lanes above a zero lane (a
    /// borrow), so only the lowest flagged lane is exact.
    @inline(__always)
    static func zeroLanes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    static let quoteLanes: UInt64 = 0x2222_2222_2222_2222

    /// 0x80 in exactly the lanes of `x` that are zero bytes (no borrow between lanes, unlike
    /// `zeroLanes`), so every flagged lane of a word can be used.
    @inline(__always)
    static func exactZeroLanes(_ x: UInt64) -> UInt64 {
        ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
    }

    /// Scans a record that has no quoted cell in one pass over its words: each 8-byte word gives a
    /// mask of its delimiters, line breaks and quotes, and every flagged byte ends a cell (or the
    /// record), so a cell costs a bit step rather than a scan of its own. Returns nil, with
    /// nothing changed but `cells`, when it meets a quote at a cell's start or gets within 8 bytes
    /// of the buffer's end: `scanRecord` then reads the record from its start.
    ///
    /// - Complexity: O(*n*) in the record's length.
    @inline(__always)
    private mutating func scanPlainRecord(from start: Int) -> Int? {
        let count = buffer.count
        let delimiter = self.delimiter
        let delimiterLanes = UInt64(delimiter) &* 0x0101_0101_0101_0101
        cells.removeAll(keepingCapacity: true)
        return buffer.withUnsafeBufferPointer { b -> Int? in
            let raw = UnsafeRawPointer(b.baseAddress!)
            var j = start
            var cellStart = start
            while j &+ 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                var mask = CSVReader.exactZeroLanes(word ^ delimiterLanes) | CSVReader.exactZeroLanes(word ^ CSVReader.lfLanes)
                    | CSVReader.exactZeroLanes(word ^ CSVReader.crLanes) | CSVReader.exactZeroLanes(word ^ CSVReader.quoteLanes)
                while mask != 0 {
                    let position = j &+ (mask.trailingZeroBitCount &>> 3)
                    mask &= mask &- 1
                    let c = b[position]
                    if c == delimiter {
                        cells.append((cellStart, position, false))
                        cellStart = position &+ 1
                        continue
                    }
                    if c == 0x22 {
                        if position == cellStart { return nil }  // a quoted cell
                        continue  // a quote inside an unquoted cell is text
                    }
                    cells.append((cellStart, position, false))
                    var end = position &+ 1
                    if c == 0x0D {
                        guard end < count else { return nil }
                        if b[end] == 0x0A { end &+= 1 }
                    }
                    line = nextLine
                    nextLine += 1
                    return end
                }
                j &+= 8
            }
            return nil
        }
    }

    /// Scans one record starting at `start`; returns the index after its line break, or nil if the
    /// buffer ends first (and more input may follow).
    private mutating func scanRecord(from start: Int) throws -> Int? {
        if plainScanAllowed, let end = scanPlainRecord(from: start) { return end }
        cells.removeAll(keepingCapacity: true)
        var lines = 0
        let count = buffer.count
        let delimiterLanes = UInt64(delimiter) &* 0x0101_0101_0101_0101
        return buffer.withUnsafeBufferPointer { b -> Int? in
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
    }

    /// The mean length of a line in the bytes read so far (the first chunk, right after the
    /// header), or nil when they hold fewer than 100 lines: an importer's estimate of the rows
    /// in a file from its size.
    ///
    /// - Complexity: O(*n*) in the buffered bytes.
    func meanLineLength() -> Int? {
        let lines = buffer.withUnsafeBufferPointer { b in b.reduce(0) { $0 &+ ($1 == 0x0A ? 1 : 0) } }
        return lines >= 100 ? max(buffer.count / lines, 1) : nil
    }

    /// True when the current record is a blank line.
    var isBlank: Bool { cells.count == 1 && cells[0].start == cells[0].end }

    /// Calls `body` with cell `k`'s bytes, unescaped.
    @inline(__always)
    mutating func withCell<T>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let cell = cells[k]
        if !cell.escaped {
            return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[cell.start..<cell.end])) }
        }
        scratch.removeAll(keepingCapacity: true)
        var i = cell.start
        while i < cell.end {
            scratch.append(buffer[i])
            i += buffer[i] == 0x22 ? 2 : 1
        }
        return try scratch.withUnsafeBufferPointer { try body($0) }
    }

    /// Calls `body` with the current record's cells as byte buffers (quoted cells unescaped),
    /// valid only during the call: the allocation-free way to read a whole row.
    mutating func withRecord<T>(_ body: (CSVRecord) throws -> T) rethrows -> T {
        var unescaped: [(Int, Int)] = []
        if cells.contains(where: { $0.escaped }) {
            scratch.removeAll(keepingCapacity: true)
            for cell in cells {
                let start = scratch.count
                if cell.escaped {
                    var i = cell.start
                    while i < cell.end {
                        scratch.append(buffer[i])
                        i += buffer[i] == 0x22 ? 2 : 1
                    }
                }
                unescaped.append((start, scratch.count))
            }
        }
        // Pointers, not arrays, so that reading a cell retains and releases nothing.
        return try buffer.withUnsafeBufferPointer { b in
            try scratch.withUnsafeBufferPointer { side in
                try cells.withUnsafeBufferPointer { cells in
                    try unescaped.withUnsafeBufferPointer { unescaped in
                        try body(CSVRecord(buffer: b, side: side, cells: cells, unescaped: unescaped))
                    }
                }
            }
        }
    }

    /// Cell `k` as a string.
    mutating func string(_ k: Int) -> String {
        withCell(k) { String(decoding: $0, as: UTF8.self) }
    }

    /// The length of cell `k` in bytes (escaped form).
    func cellLength(_ k: Int) -> Int { cells[k].end - cells[k].start }
}

/// The cells of one CSV record as byte buffers, valid during `CSVReader.withRecord`.
struct CSVRecord {
    let buffer: UnsafeBufferPointer<UInt8>
    let side: UnsafeBufferPointer<UInt8>
    let cells: UnsafeBufferPointer<(start: Int, end: Int, escaped: Bool)>
    let unescaped: UnsafeBufferPointer<(Int, Int)>

    /// The number of cells.
    var count: Int { cells.count }

    /// Cell `k`'s bytes.
    @inline(__always)
    subscript(_ k: Int) -> UnsafeBufferPointer<UInt8> {
        let cell = cells[k]
        if cell.escaped {
            let (start, end) = unescaped[k]
            return UnsafeBufferPointer(rebasing: side[start..<end])
        }
        return UnsafeBufferPointer(rebasing: buffer[cell.start..<cell.end])
    }
}

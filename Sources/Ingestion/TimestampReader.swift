import _WaybillSupport

/// Reads timestamp cells in the notation an import was told to expect.
///
/// `auto` (the default) takes ISO 8601 / RFC 3339 and the `YYYY-MM-DD HH:MM:SS[.fff][+hh:mm]`
/// form, or a plain number of epoch seconds or milliseconds (12 or more integer digits: the
/// number is milliseconds — seconds that large would be after the year 5000). A wall-clock time
/// without zone is converted with `--timezone`; without that option it is an error, never a guess.
public struct TimestampReader {
    /// The notation. The pattern's items are a stored property rather than a payload of the
    /// `pattern` case: switching over a case with an array payload copied (retained and
    /// released) the array on every cell read, whatever the mode.
    enum Mode { case auto, iso, epochSeconds, epochMilliseconds, pattern }
    enum PatternItem: Equatable { case literal(UInt8), year, year2, month, day, hour, minute, second, fraction, zone }

    /// Why a cell could not be read.
    public enum Failure: Error, Equatable {
        /// Not a timestamp in the expected notation.
        case invalid
        /// A valid wall-clock time with no zone, and no `--timezone` given.
        case noZone
    }

    let mode: Mode
    let pattern: [PatternItem]
    let zone: TimeZoneResolver?

    /// - Throws: `IngestionError.invalidOption` for an unknown format or zone.
    public init(format: String?, timeZone: String?) throws {
        zone = try timeZone.map(TimeZoneResolver.init)
        var items: [PatternItem] = []
        switch format?.lowercased() {
        case nil, "auto": mode = .auto
        case "iso", "iso8601": mode = .iso
        case "epoch-s", "epoch", "unix": mode = .epochSeconds
        case "epoch-ms", "unix-ms": mode = .epochMilliseconds
        default:
            mode = .pattern
            items = try TimestampReader.compile(format!)
        }
        pattern = items
    }

    static func compile(_ format: String) throws -> [PatternItem] {
        var items: [PatternItem] = []
        var bytes = Array(format.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == 0x25 else { items.append(.literal(b)); continue }
            guard let code = bytes.popFirst() else { break }
            switch code {
            case UInt8(ascii: "Y"): items.append(.year)
            case UInt8(ascii: "y"): items.append(.year2)
            case UInt8(ascii: "m"): items.append(.month)
            case UInt8(ascii: "d"): items.append(.day)
            case UInt8(ascii: "H"): items.append(.hour)
            case UInt8(ascii: "M"): items.append(.minute)
            case UInt8(ascii: "S"): items.append(.second)
            case UInt8(ascii: "f"): items.append(.fraction)
            case UInt8(ascii: "z"): items.append(.zone)
            case UInt8(ascii: "%"): items.append(.literal(0x25))
            default:
                throw IngestionError(.invalidOption, "timestamp format '\(format)': %\(Character(Unicode.Scalar(code))) is not supported (use %Y %y %m %d %H %M %S %f %z)")
            }
        }
        return items
    }

    /// Reads one cell.
    ///
    /// - Complexity: O(*n*) in the cell's length.
    public func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Microseconds, Failure> {
        var cache = Timestamp.DateCache()
        return read(bytes, cache: &cache)
    }

    /// Reads one cell, reusing the date of the last ISO timestamp read through `cache` (see
    /// `Timestamp.DateCache`): the form for a column of cells.
    @inline(__always)
    public func read(_ bytes: UnsafeBufferPointer<UInt8>, cache: inout Timestamp.DateCache) -> Result<Microseconds, Failure> {
        switch mode {
        case .auto:
            // A dash after four digits is a date; an epoch number has none there.
            if bytes.count < 5 || bytes[4] != 0x2D, let epoch = readEpoch(bytes, milliseconds: nil) {
                return .success(epoch)
            }
            return finish(Timestamp.parseISO(bytes, cache: &cache))
        case .iso: return finish(Timestamp.parseISO(bytes, cache: &cache))
        case .epochSeconds: return readEpoch(bytes, milliseconds: false).map { .success($0) } ?? .failure(.invalid)
        case .epochMilliseconds: return readEpoch(bytes, milliseconds: true).map { .success($0) } ?? .failure(.invalid)
        case .pattern: return finish(readPattern(bytes, pattern))
        }
    }

    /// Reads one cell held in a string.
    public func read(_ text: String) -> Result<Microseconds, Failure> {
        var text = text
        return text.withUTF8 { read($0) }
    }

    private func finish(_ parsed: Timestamp.Parsed?) -> Result<Microseconds, Failure> {
        guard let parsed else { return .failure(.invalid) }
        if parsed.hasZone { return .success(parsed.micros) }
        guard let zone else { return .failure(.noZone) }
        return .success(zone.toUTC(parsed.micros))
    }

    private func readEpoch(_ bytes: UnsafeBufferPointer<UInt8>, milliseconds: Bool?) -> Microseconds? {
        guard !bytes.isEmpty else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == 0x2D { negative = true; i = 1 }
        var whole: Int64 = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            guard digits < 16 else { return nil }
            whole = whole * 10 + Int64(bytes[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        var fraction: Int64 = 0
        var scale: Int64 = 100_000
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                fraction += Int64(bytes[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        guard i == bytes.count else { return nil }
        let isMillis = milliseconds ?? (digits >= 12)
        var micros = isMillis ? whole * 1000 + fraction / 1000 : whole * 1_000_000 + fraction
        if negative { micros = -micros }
        return micros
    }

    private func readPattern(_ bytes: UnsafeBufferPointer<UInt8>, _ items: [PatternItem]) -> Timestamp.Parsed? {
        var i = 0
        var y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, micro = 0
        var offset: Int? = nil
        func number(_ maxDigits: Int) -> Int? {
            var v = 0, n = 0
            while n < maxDigits, i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                v = v * 10 + Int(bytes[i] - 0x30)
                i += 1
                n += 1
            }
            return n > 0 ? v : nil
        }
        for item in items {
            switch item {
            case .literal(let c):
                guard i < bytes.count, bytes[i] == c else { return nil }
                i += 1
            case .year: guard let v = number(4) else { return nil }; y = v
            case .year2: guard let v = number(2) else { return nil }; y = v < 69 ? 2000 + v : 1900 + v
            case .month: guard let v = number(2), (1...12).contains(v) else { return nil }; mo = v
            case .day: guard let v = number(2), (1...31).contains(v) else { return nil }; d = v
            case .hour: guard let v = number(2), v < 24 else { return nil }; h = v
            case .minute: guard let v = number(2), v < 60 else { return nil }; mi = v
            case .second: guard let v = number(2), v < 61 else { return nil }; s = v
            case .fraction:
                var scale = 100_000
                var n = 0
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                    micro += Int(bytes[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                    n += 1
                }
                guard n > 0 else { return nil }
            case .zone:
                guard i < bytes.count else { return nil }
                if bytes[i] == 0x5A { i += 1; offset = 0; continue }
                guard bytes[i] == 0x2B || bytes[i] == 0x2D else { return nil }
                let sign = bytes[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                if i < bytes.count, bytes[i] == 0x3A { i += 1 }
                let om = number(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == bytes.count, d <= Timestamp.daysInMonthPublic(year: y, month: mo) else { return nil }
        let days = Int64(Timestamp.daysFromCivil(year: y, month: mo, day: d))
        let secs = days * 86_400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset ?? 0)
        return Timestamp.Parsed(micros: secs * 1_000_000 + Int64(micro), hasZone: offset != nil)
    }
}

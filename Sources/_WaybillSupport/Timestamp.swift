import Foundation

/// A UTC instant in microseconds since 1970-01-01T00:00:00Z, the store's one representation of time.
///
/// Microseconds keep every sub-second digit the supported formats carry in practice (XES and
/// OCEL 2.0 write milliseconds, PM4Py's CSVs microseconds); a finer fraction is truncated, never
/// rounded, so that parsing the same text always gives the same instant.
public typealias Microseconds = Int64

/// Parses and formats the timestamp notations of event logs without Foundation's date formatters.
///
/// Hand-written because the importers parse one timestamp per event (tens of millions per run)
/// and `ISO8601DateFormatter` / `DateFormatter` cost microseconds each and allocate.
public enum Timestamp {
    /// What a parse produced: the instant, and whether the text named its zone.
    public struct Parsed: Equatable, Sendable {
        public init(micros: Microseconds, hasZone: Bool) {
            self.micros = micros
            self.hasZone = hasZone
        }

        /// Microseconds since the epoch; if `hasZone` is false, the wall-clock time read as UTC.
        public var micros: Microseconds
        /// True when the text carried `Z` or a numeric offset.
        public var hasZone: Bool
    }

    /// Parses ISO 8601 / RFC 3339 and the `YYYY-MM-DD HH:MM:SS[.fff][+hh:mm]` form.
    ///
    /// Accepts `T` or a space between date and time, optional seconds, a fraction of any length
    /// (truncated to microseconds), `Z`, `+hh:mm`, `+hhmm` or `+hh`, and a date alone (midnight).
    /// Returns nil for anything else.
    ///
    /// - Complexity: O(*n*) in the length of the text, no allocation.
    public static func parseISO(_ bytes: UnsafeBufferPointer<UInt8>) -> Parsed? {
        var cache = DateCache()
        return parseISO(bytes, cache: &cache)
    }

    /// The last dates `parseISO(_:cache:)` read from a text's first ten bytes, and their day
    /// numbers: four, one per day of the month modulo 4.
    ///
    /// An event log's timestamps mostly share the date of one read shortly before: the date's
    /// digits, its check and the calendar arithmetic are then skipped. A log grouped by case
    /// moves a few days forward within a case and back at the next case, so a single remembered
    /// date missed at 28 % of the rows of the simulator's log; four consecutive days of a month
    /// never share an entry.
    public struct DateCache: Sendable {
        struct Entry: Sendable {
            var head: UInt64 = 0
            var tail: UInt16 = 0
            /// `Int.min` = empty.
            var days = Int.min
        }

        var entries = InlineArray<4, Entry>(repeating: Entry())

        public init() {}

        /// The day number of the date whose first eight bytes are `head` and next two `tail`,
        /// if cached.
        @inline(__always)
        func days(head: UInt64, tail: UInt16) -> Int? {
            let entry = entries[DateCache.slot(tail)]
            return entry.head == head && entry.tail == tail && entry.days != Int.min ? entry.days : nil
        }

        @inline(__always)
        mutating func remember(head: UInt64, tail: UInt16, days: Int) {
            entries[DateCache.slot(tail)] = Entry(head: head, tail: tail, days: days)
        }

        /// The entry of a date: its day of the month (the date's last two bytes, `tail`, as read
        /// from memory) modulo 4. Bytes that are not digits still give an entry; the comparison
        /// of the whole date decides.
        @inline(__always)
        static func slot(_ tail: UInt16) -> Int {
            let digits = UInt16(littleEndian: tail)
            return (Int(digits & 0x0F) &* 10 &+ Int((digits &>> 8) & 0x0F)) & 3
        }
    }

    /// The common shape `YYYY-MM-DDTHH:MM:SS.fffZ` (24 bytes) on the cached date, read eight
    /// bytes at a time; nil for anything else (the general parser then reads it). One branch per
    /// check where the general parser took one per byte: timestamps were 4 % of a CSV import.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func parseMillisecondsZ(_ bytes: UnsafeBufferPointer<UInt8>, cache: DateCache) -> Parsed? {
        guard bytes.count == 24, let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        // Bytes 0-9 a cached date; 10 'T'; 11-18 "HH:MM:SS"; 19 '.'; 20-22 digits; 23 'Z'.
        guard base[10] == 0x54, base[19] == 0x2E, base[23] == 0x5A,
            let days = cache.days(
                head: raw.loadUnaligned(as: UInt64.self), tail: raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        else { return nil }
        let clock = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 11, as: UInt64.self))
        // The colons (bytes 2 and 5 of the word) in place, then every byte a digit: its high
        // nibble 3, and still 3 after adding 6 (so at most '9').
        let colons: UInt64 = 0x0000_FF00_00FF_0000
        guard clock & colons == 0x0000_3A00_003A_0000 else { return nil }
        let digitBytes = (clock & ~colons) | 0x0000_3000_0030_0000
        let fraction = UInt64(base[20]) | UInt64(base[21]) << 8 | UInt64(base[22]) << 16 | 0x3030_3030_3030_3030 << 24
        @inline(__always) func allDigits(_ word: UInt64) -> Bool {
            word & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
                && (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
        }
        guard allDigits(digitBytes), allDigits(fraction) else { return nil }
        @inline(__always) func digit(_ word: UInt64, _ k: UInt64) -> Int { Int((word &>> (8 &* k)) & 0x0F) }
        let hour = digit(clock, 0) &* 10 &+ digit(clock, 1)
        let minute = digit(clock, 3) &* 10 &+ digit(clock, 4)
        let second = digit(clock, 6) &* 10 &+ digit(clock, 7)
        let milli = digit(fraction, 0) &* 100 &+ digit(fraction, 1) &* 10 &+ digit(fraction, 2)
        // Out-of-range clocks (and 24:00:00, allowed) go to the general parser, which decides.
        guard hour < 24, minute < 60, second < 61 else { return nil }
        let seconds = Int64(days) &* 86_400 &+ Int64(hour &* 3600 &+ minute &* 60 &+ second)
        return Parsed(micros: seconds &* 1_000_000 &+ Int64(milli) &* 1000, hasZone: true)
    }

    /// `parseISO(_:)`, reusing the day number of the last date read through `cache` when the
    /// text starts with the same ten bytes `YYYY-MM-DD`.
    ///
    /// - Complexity: O(*n*) in the length of the text, no allocation.
    @inline(__always)
    public static func parseISO(_ bytes: UnsafeBufferPointer<UInt8>, cache: inout DateCache) -> Parsed? {
        if let parsed = parseMillisecondsZ(bytes, cache: cache) { return parsed }
        var i = 0
        let n = bytes.count
        // Trim surrounding blanks.
        var end = n
        while i < end, bytes[i] == 0x20 { i += 1 }
        while end > i, bytes[end - 1] == 0x20 { end -= 1 }
        @inline(__always) func digits(_ count: Int) -> Int? {
            guard i + count <= end else { return nil }
            var v = 0
            for k in 0..<count {
                let d = Int(bytes[i + k]) &- 48
                guard d >= 0, d <= 9 else { return nil }
                v = v * 10 + d
            }
            i += count
            return v
        }
        @inline(__always) func expect(_ c: UInt8) -> Bool {
            guard i < end, bytes[i] == c else { return false }
            i += 1
            return true
        }
        let days: Int
        if i == 0, end >= 10, let base = bytes.baseAddress,
            let cached = cache.days(
                head: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self),
                tail: UnsafeRawPointer(base + 8).loadUnaligned(as: UInt16.self))
        {
            days = cached
            i = 10
        } else {
            guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2) else {
                return nil
            }
            guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
            days = daysFromCivil(year: year, month: month, day: day)
            if i == 10, let base = bytes.baseAddress {
                cache.remember(
                    head: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self),
                    tail: UnsafeRawPointer(base + 8).loadUnaligned(as: UInt16.self), days: days)
            }
        }
        var hour = 0, minute = 0, second = 0, micro = 0
        var hasZone = false
        var offsetSeconds = 0
        if i < end {
            guard bytes[i] == 0x54 || bytes[i] == 0x20 || bytes[i] == 0x74 else { return nil }
            i += 1
            guard let h = digits(2), expect(0x3A), let m = digits(2) else { return nil }
            hour = h
            minute = m
            if i < end, bytes[i] == 0x3A {
                i += 1
                guard let s = digits(2) else { return nil }
                second = s
                if i < end, bytes[i] == 0x2E || bytes[i] == 0x2C {
                    i += 1
                    var scale = 100_000
                    var count = 0
                    while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                        micro += Int(bytes[i] - 0x30) * scale
                        scale /= 10
                        i += 1
                        count += 1
                    }
                    guard count > 0 else { return nil }
                }
            }
            guard hour < 24 || (hour == 24 && minute == 0 && second == 0 && micro == 0), minute < 60, second < 61
            else { return nil }
            if i < end {
                let c = bytes[i]
                if c == 0x5A || c == 0x7A {
                    i += 1
                    hasZone = true
                } else if c == 0x2B || c == 0x2D {
                    i += 1
                    guard let oh = digits(2) else { return nil }
                    var om = 0
                    if i < end {
                        if bytes[i] == 0x3A { i += 1 }
                        guard let m2 = digits(2) else { return nil }
                        om = m2
                    }
                    guard oh <= 18, om < 60 else { return nil }
                    offsetSeconds = (oh * 3600 + om * 60) * (c == 0x2D ? -1 : 1)
                    hasZone = true
                }
            }
            guard i == end else { return nil }
        }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Parsed(micros: seconds * 1_000_000 + Int64(micro), hasZone: hasZone)
    }

    /// Parses ISO text held in a `String`.
    public static func parseISO(_ text: String) -> Parsed? {
        var text = text
        return text.withUTF8 { parseISO($0) }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    ///
    /// - Complexity: O(1).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
    ///
    /// - Complexity: O(1).
    @inlinable
    public static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The number of days in a month of the proleptic Gregorian calendar.
    public static func daysInMonthPublic(year: Int, month: Int) -> Int { daysInMonth(year: year, month: month) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Formats an instant as RFC 3339 in UTC: `2010-12-30T13:32:00.000Z` (milliseconds when the
    /// instant has no finer digits, microseconds otherwise), so exports lose nothing.
    ///
    /// - Complexity: O(1).
    public static func format(_ micros: Microseconds, alwaysMicroseconds: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(micros, alwaysMicroseconds: alwaysMicroseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `format(micros, alwaysMicroseconds:)`'s UTF-8 bytes to `out`, without making a
    /// `String` (for writers of millions of timestamps).
    ///
    /// - Complexity: O(1).
    public static func append(_ micros: Microseconds, alwaysMicroseconds: Bool = false, to out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // maximumBytes
        withUnsafeMutableBytes(of: &buffer) { raw in
            let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let count = write(micros, alwaysMicroseconds: alwaysMicroseconds, to: start)
            out.append(contentsOf: UnsafeRawBufferPointer(start: start, count: count))
        }
    }

    /// The most bytes `write` writes (a year of six digits and a sign, microseconds).
    public static let maximumBytes = 32

    /// Writes `format(micros, alwaysMicroseconds:)`'s bytes at `out`; returns their count (at
    /// most `maximumBytes`).
    ///
    /// - Complexity: O(1).
    @inlinable
    public static func write(
        _ micros: Microseconds, alwaysMicroseconds: Bool = false, to out: UnsafeMutablePointer<UInt8>
    ) -> Int {
        var secs = micros / 1_000_000
        var frac = micros % 1_000_000
        if frac < 0 {
            frac += 1_000_000
            secs -= 1
        }
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(Int(days))
        let h = Int(rem / 3600)
        let mi = Int(rem % 3600 / 60)
        let s = Int(rem % 60)
        var at = out
        func put(_ byte: UInt8) {
            at.pointee = byte
            at += 1
        }
        func pad(_ v: Int, _ width: Int) {
            if v < 0 { put(UInt8(ascii: "-")) }
            at += FixedDecimal.writeDigits(abs(v), minimumWidth: width, to: at)
        }
        pad(y, 4)
        put(UInt8(ascii: "-"))
        pad(m, 2)
        put(UInt8(ascii: "-"))
        pad(d, 2)
        put(UInt8(ascii: "T"))
        pad(h, 2)
        put(UInt8(ascii: ":"))
        pad(mi, 2)
        put(UInt8(ascii: ":"))
        pad(s, 2)
        put(UInt8(ascii: "."))
        if !alwaysMicroseconds && frac % 1000 == 0 { pad(Int(frac / 1000), 3) } else { pad(Int(frac), 6) }
        put(UInt8(ascii: "Z"))
        return at - out
    }
}

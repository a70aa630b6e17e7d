/// Calendar fields of a UTC instant, for grouping by week, weekday and hour.
extension Timestamp {
    /// Weekday names, Monday first (ISO 8601 order).
    public static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Days since 1970-01-01 (UTC), rounding towards the past.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public static func day(_ micros: Microseconds) -> Int {
        Int((micros >= 0 ? micros : micros - 86_399_999_999) / 86_400_000_000)
    }

    /// The ISO weekday, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public static func weekday(_ micros: Microseconds) -> Int {
        let r = (day(micros) + 3) % 7
        return r < 0 ? r + 7 : r
    }

    /// The hour of day, 0 ... 23 (UTC).
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public static func hour(_ micros: Microseconds) -> Int {
        let inDay = micros - Int64(day(micros)) * 86_400_000_000
        return Int(inDay / 3_600_000_000)
    }

    /// The ISO 8601 week (`2026-W02`): weeks start on Monday, and week 1 holds the year's first
    /// Thursday.
    ///
    /// - Complexity: O(1).
    public static func isoWeek(_ micros: Microseconds) -> String {
        let d = day(micros)
        let thursday = d - weekday(micros) + 3
        let year = civilFromDays(thursday).year
        let week = (thursday - daysFromCivil(year: year, month: 1, day: 1)) / 7 + 1
        return "\(year)-W" + (week < 10 ? "0" : "") + String(week)
    }

    /// Midnight (UTC) of the Monday starting the ISO week of `micros`.
    ///
    /// - Complexity: O(1).
    public static func startOfISOWeek(_ micros: Microseconds) -> Microseconds {
        Int64(day(micros) - weekday(micros)) * 86_400_000_000
    }
}

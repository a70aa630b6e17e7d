/// Milliseconds since 1970-01-01T00:00:00Z: the simulator's clock.
///
/// The simulated retailer runs in one time zone and writes it as UTC, so wall-clock hours
/// (opening hours, the evening peak) are UTC hours.
typealias Millis = Int64

/// Units and calendar arithmetic on `Millis`.
enum Clock {
    static let second: Millis = 1000
    static let minute: Millis = 60_000
    static let hour: Millis = 3_600_000
    static let day: Millis = 86_400_000
    static let week: Millis = 7 * 86_400_000
    /// "Has not happened": later than any window end, so `t <= end` filters it out.
    static let never: Millis = .max

    /// The day number (days since 1970-01-01) of an instant.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func dayNumber(_ t: Millis) -> Int64 {
        t >= 0 ? t / day : (t - day + 1) / day
    }

    /// Midnight at the start of the instant's day.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func midnight(_ t: Millis) -> Millis { dayNumber(t) * day }

    /// The weekday of a day number, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func weekday(ofDay d: Int64) -> Int {
        let w = Int((d + 3) % 7)
        return w < 0 ? w + 7 : w
    }

    /// The weekday of an instant, 0 = Monday.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func weekday(_ t: Millis) -> Int { weekday(ofDay: dayNumber(t)) }

    /// English weekday names, index 0 = Monday.
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
}

/// The hours a site works: the same daily window on a set of weekdays.
///
/// Warehouse work, store counters, and the ERP's refund desk only progress while open; work that
/// becomes ready while closed waits for the next opening.
struct OpeningHours: Sendable {
    /// Opening time, as an offset from midnight.
    let open: Millis
    /// Closing time, as an offset from midnight (after `open`).
    let close: Millis
    /// Bit *w* set when weekday *w* (0 = Monday) is a working day.
    let days: UInt8

    init(open hour: Int, close closeHour: Int, weekdays: [Int]) {
        precondition(hour < closeHour && !weekdays.isEmpty, "opening hours need a non-empty window")
        open = Millis(hour) * Clock.hour
        close = Millis(closeHour) * Clock.hour
        days = weekdays.reduce(0) { $0 | UInt8(1 << $1) }
    }

    @inline(__always)
    func isWorkingDay(_ day: Int64) -> Bool { days & UInt8(1 << Clock.weekday(ofDay: day)) != 0 }

    /// The earliest instant at or after `t` when the site is open.
    ///
    /// - Complexity: O(1): at most eight days are inspected.
    @inline(__always)
    func align(_ t: Millis) -> Millis {
        var day = Clock.dayNumber(t)
        var tod = t - day * Clock.day
        while true {
            if isWorkingDay(day) {
                if tod < open { return day * Clock.day + open }
                if tod < close { return day * Clock.day + tod }
            }
            day += 1
            tod = 0
        }
    }
}

/// Fixed daily times at which something happens on working days: carrier collections, the ERP's
/// nightly invoice batch, the delivery van leaving the depot.
struct DailySlots: Sendable {
    /// Offsets from midnight, ascending.
    let times: [Millis]
    /// Bit *w* set when weekday *w* (0 = Monday) has slots.
    let days: UInt8

    init(hours: [Double], weekdays: [Int]) {
        times = hours.map { Millis(($0 * Double(Clock.hour)).rounded()) }
        days = weekdays.reduce(0) { $0 | UInt8(1 << $1) }
    }

    /// The first slot at or after `t`.
    ///
    /// - Complexity: O(*s*) in the slots per day.
    @inline(__always)
    func next(atOrAfter t: Millis) -> Millis {
        var day = Clock.dayNumber(t)
        var tod = t - day * Clock.day
        while true {
            if days & UInt8(1 << Clock.weekday(ofDay: day)) != 0 {
                for slot in times where slot >= tod { return day * Clock.day + slot }
            }
            day += 1
            tod = 0
        }
    }
}

import _WaybillSupport

/// Fast text for the values written millions of times: timestamps and zero-padded identifiers.
///
/// `iso(_:)` writes exactly what `Timestamp.format` writes for a millisecond instant (RFC 3339,
/// UTC, three fraction digits) but straight into the new string's buffer, without the
/// intermediate strings; at 13 million timestamps per million orders this matters.
enum TextFormat {
    /// `2026-03-02T09:15:00.000Z` for an instant in milliseconds.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func iso(_ t: Millis) -> String {
        let days = Clock.dayNumber(t)
        let ms = Int(t - days * Clock.day)
        let (y, m, d) = Timestamp.civilFromDays(Int(days))
        return String(unsafeUninitializedCapacity: 24) { buffer in
            @inline(__always) func put(_ value: Int, _ at: Int, _ width: Int) {
                var v = value
                var i = at + width - 1
                while i >= at {
                    buffer[i] = UInt8(48 + v % 10)
                    v /= 10
                    i -= 1
                }
            }
            put(y, 0, 4)
            buffer[4] = 0x2D
            put(m, 5, 2)
            buffer[7] = 0x2D
            put(d, 8, 2)
            buffer[10] = 0x54
            put(ms / 3_600_000, 11, 2)
            buffer[13] = 0x3A
            put(ms / 60_000 % 60, 14, 2)
            buffer[16] = 0x3A
            put(ms / 1000 % 60, 17, 2)
            buffer[19] = 0x2E
            put(ms % 1000, 20, 3)
            buffer[23] = 0x5A
            return 24
        }
    }

    /// `prefix` followed by `number` zero-padded to at least `width` digits: `O-0000042`.
    ///
    /// - Complexity: O(*w*) in the width.
    @inline(__always)
    static func identifier(_ prefix: StaticString, _ number: Int, width: Int) -> String {
        var digits = 1
        var v = number
        while v >= 10 {
            v /= 10
            digits += 1
        }
        let count = max(width, digits)
        let p = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: p + count) { buffer in
            let source = prefix.utf8Start
            for i in 0..<p { buffer[i] = source[i] }
            var v = number
            var i = p + count - 1
            while i >= p {
                buffer[i] = UInt8(48 + v % 10)
                v /= 10
                i -= 1
            }
            return p + count
        }
    }

    /// `prefix` followed by `number` zero-padded, for run-time prefixes (carrier codes).
    ///
    /// - Complexity: O(*w*).
    @inline(__always)
    static func identifier(_ prefix: [UInt8], _ number: UInt64, width: Int) -> String {
        let p = prefix.count
        return String(unsafeUninitializedCapacity: p + width) { buffer in
            for i in 0..<p { buffer[i] = prefix[i] }
            var v = number
            var i = p + width - 1
            while i >= p {
                buffer[i] = UInt8(48 + v % 10)
                v /= 10
                i -= 1
            }
            return p + width
        }
    }
}

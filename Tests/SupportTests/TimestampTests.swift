import Foundation
import Testing
import _TestSupport
@testable import _WaybillSupport

/// The hand-written timestamp parser against Foundation's formatter (the simple reference).
@Suite struct TimestampTests {
    @Test(arguments: [
        ("2010-12-30 14:32:00+01:00", "2010-12-30T13:32:00.000Z"),
        ("2011-10-11 13:45:40.276000+02:00", "2011-10-11T11:45:40.276Z"),
        ("2011-10-11T13:45:40.276+02:00", "2011-10-11T11:45:40.276Z"),
        ("2020-02-29T23:59:59Z", "2020-02-29T23:59:59.000Z"),
        ("2020-02-29T23:59:59.123456789Z", "2020-02-29T23:59:59.123456Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"),
        ("2026-03-02T09:15-0530", "2026-03-02T14:45:00.000Z"),
        ("2026-03-02", "2026-03-02T00:00:00.000Z"),
    ])
    func parsesAndFormats(input: String, expected: String) throws {
        let parsed = try #require(Timestamp.parseISO(input))
        #expect(Timestamp.format(parsed.micros) == expected)
    }

    @Test(arguments: ["", "2010-13-01T00:00:00Z", "2010-02-30T00:00:00Z", "2010-01-01T25:00:00Z", "yesterday", "2010-01-01T10:00:00+1", "2010-01-01X10:00"])
    func rejectsInvalid(input: String) {
        #expect(Timestamp.parseISO(input) == nil)
    }

    @Test func zoneIsReported() throws {
        #expect(try #require(Timestamp.parseISO("2010-01-01 10:00:00")).hasZone == false)
        #expect(try #require(Timestamp.parseISO("2010-01-01 10:00:00Z")).hasZone == true)
    }

    @Test func agreesWithFoundationOnRandomInstants() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let millis = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = formatter.string(from: date)
            let parsed = try #require(Timestamp.parseISO(text))
            #expect(parsed.micros == millis * 1000, "\(text)")
            #expect(Timestamp.format(parsed.micros) == text)
        }
    }

    @Test func civilDaysRoundTrip() {
        for day in stride(from: -800_000, through: 800_000, by: 37) {
            let (y, m, d) = Timestamp.civilFromDays(day)
            #expect(Timestamp.daysFromCivil(year: y, month: m, day: d) == day)
        }
    }
}

@Suite struct SupportTests {
    @Test(arguments: [
        ("plain", "plain"), ("=SUM(A1)", "'=SUM(A1)"), ("+1 555", "'+1 555"), ("-3.5", "-3.5"), ("@user", "'@user"),
        ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("-", "'-"),
        ("\tx", "'\tx"), ("\rx", "\"'\rx\""), ("a\nb", "\"a\nb\""), ("x=1", "x=1"), ("", ""),
    ])
    func csvCellsAreSafe(input: String, expected: String) {
        #expect(CSVCell.escape(input) == expected)
        var bytes: [UInt8] = []
        CSVCell.append(input, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func stableHashSeparatesFields() {
        var a = StableHash(), b = StableHash()
        a.combine("ab"); a.combine("c")
        b.combine("a"); b.combine("bc")
        #expect(a.value != b.value)
        var c = StableHash()
        c.combine("ab"); c.combine("c")
        #expect(a.value == c.value)
    }

    /// Parsing a column through one date cache gives what parsing each cell alone does: same
    /// dates, changed dates, blanks, a date alone, offsets, and bad times after a good date.
    @Test func dateCacheChangesNothing() {
        let cells = [
            "2026-01-05T00:00:07.095Z", "2026-01-05T06:05:28.080Z", "2026-01-05 06:05:28+01:00", " 2026-01-05T01:00:00Z",
            "2026-01-05", "2026-01-05T25:00:00Z", "2026-01-05Tx", "2026-01-06T00:00:00Z", "2026-02-30T00:00:00Z",
            "2026-01-06T23:59:59.999999Z", "2026-01-06", "2026-01-0", "2024-02-29T12:00:00-05:30", "2024-02-29T12:00Z",
        ]
        var cache = Timestamp.DateCache()
        for cell in cells + cells.reversed() {
            var text = cell
            let cached = text.withUTF8 { Timestamp.parseISO($0, cache: &cache) }
            #expect(cached == Timestamp.parseISO(cell), "\(cell)")
        }
    }

    /// One cache through timestamps of eight dates in random order: dates that share an entry
    /// (days 05, 09 and 15 of a month; the same day of two months) evict each other, and every
    /// reading agrees with a fresh parser's.
    @Test func dateCacheOfSeveralDatesChangesNothing() {
        let dates = [
            "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09", "2026-01-15", "2026-02-05", "2026-03-31",
        ]
        let clocks = ["T00:00:07.095Z", "T23:59:59.999Z", "T12:00:00Z", " 08:30:00+02:00", ""]
        var random = SplitMix(seed: 5)
        var cache = Timestamp.DateCache()
        for _ in 0..<5_000 {
            let cell = dates[Int(random.next() % 8)] + clocks[Int(random.next() % 5)]
            var text = cell
            let cached = text.withUTF8 { Timestamp.parseISO($0, cache: &cache) }
            #expect(cached == Timestamp.parseISO(cell) && cached != nil, "\(cell)")
        }
    }

    /// Four consecutive days of a month take four different entries of the date cache (across
    /// the tens of days too: 08 to 11, 29 to 31).
    @Test func consecutiveDaysTakeDifferentCacheEntries() {
        for first in 1...28 {
            let slots = (first..<min(first + 4, 32)).map { day -> Int in
                let text = Array(String(format: "%02d", day).utf8)
                return Timestamp.DateCache.slot(UInt16(text[0]) | UInt16(text[1]) << 8)
            }
            #expect(Set(slots).count == slots.count, "days \(first) to \(first + 3): \(slots)")
        }
    }

    /// The eight-bytes-at-a-time reading of `YYYY-MM-DDTHH:MM:SS.fffZ` on a cached date agrees
    /// with the general parser: every byte of the time part replaced by digits, separators and
    /// other bytes, and the clock's edges (24:00, a leap second, 99 minutes).
    @Test func millisecondZuluShapeAgreesWithTheGeneralParser() {
        let base = Array("2026-01-05T13:45:59.123Z".utf8)
        var texts: [[UInt8]] = [
            "2026-01-05T24:00:00.000Z", "2026-01-05T23:59:60.999Z", "2026-01-05T00:99:00.000Z", "2026-01-05T00:00:00.000z",
            "2026-01-05T00:00:00,000Z", "2026-01-05 00:00:00.000Z",
        ].map { Array($0.utf8) }
        for position in 10..<base.count {
            for byte in Array("/059:;TZ. a".utf8) + [0x00, 0x80, 0xFF] {
                var text = base
                text[position] = byte
                texts.append(text)
            }
        }
        for text in texts {
            var cache = Timestamp.DateCache()
            _ = Array("2026-01-05T00:00:00Z".utf8).withUnsafeBufferPointer { Timestamp.parseISO($0, cache: &cache) }
            let fast = text.withUnsafeBufferPointer { Timestamp.parseISO($0, cache: &cache) }
            let general = text.withUnsafeBufferPointer { Timestamp.parseISO($0) }
            #expect(fast == general, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// The word-at-a-time byte comparison against `Array`'s, at every length to 20 and a
    /// difference at every position.
    @Test func sameBytesAgreesWithArrayEquality() {
        for n in 0...20 {
            let a = (0..<n).map { UInt8($0 &* 7 &+ 1) }
            for k in -1..<n {
                var b = a
                if k >= 0 { b[k] &+= 1 }
                a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in #expect(x.sameBytes(as: y) == (a == b)) } }
            }
            let shorter = Array(a.dropLast())
            a.withUnsafeBufferPointer { x in shorter.withUnsafeBufferPointer { y in #expect(x.sameBytes(as: y) == (n == 0)) } }
        }
    }

    /// The field-bytes forms of the hash, one at a time and four interleaved, against the
    /// `combine` calls they stand for, on fields of random lengths (0 to 40 bytes).
    @Test func stableHashOfFieldBytesEqualsCombining() {
        var random = SplitMix(seed: 7)
        for _ in 0..<200 {
            var arena: [UInt8] = []
            var starts: [Int] = [], ends: [Int] = [], expected: [Int64] = []
            for _ in 0..<4 {
                var hash = StableHash()
                starts.append(arena.count)
                for field in 0..<Int(1 + random.next() % 6) {
                    if field % 3 == 1 {
                        let v = Int64(bitPattern: random.next())
                        hash.combine(v)
                        withUnsafeBytes(of: v.littleEndian) { arena += $0 }
                    } else {
                        let bytes = (0..<Int(random.next() % 41)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                        bytes.withUnsafeBufferPointer { hash.combine(bytes: $0) }
                        arena += bytes
                    }
                    arena.append(StableHash.fieldEnd)
                }
                ends.append(arena.count)
                expected.append(hash.value)
            }
            var four = [Int64](repeating: 0, count: 4)
            arena.withUnsafeBufferPointer { a in
                for k in 0..<4 {
                    #expect(StableHash.value(ofFields: UnsafeBufferPointer(rebasing: a[starts[k]..<ends[k]])) == expected[k])
                }
                StableHash.values4(ofFields: a.baseAddress!, starts: starts, ends: ends, into: &four)
            }
            #expect(four == expected)
        }
    }

    @Test func gzipIsReadTransparentlyAndTruncationIsAnError() throws {
        let dir = Fixtures.temporaryDirectory("wb-gz")
        let text = String(repeating: "line of text 0123456789\n", count: 50_000)
        let plain = dir.appendingPathComponent("a.txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: plain))
        let gz = plain + ".gz"
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(plain)' > '\(gz)'"]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(try ByteSource.readAll(path: gz) == Array(text.utf8))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: gz))
        let truncated = dir.appendingPathComponent("t.gz").path
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: ByteSource.ReadError.self) { try ByteSource.readAll(path: truncated) }
    }
}

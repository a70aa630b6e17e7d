import Foundation
import Testing
import _TestSupport
import _WaybillSupport

/// `FixedDecimal` against the C library's `%.Nf`, and `Timestamp.append` against `format`.
@Suite struct FixedDecimalTests {
    @Test func matchesPrintfOnRandomAndAwkwardValues() {
        var rng = SplitMix(seed: 11)
        var values: [Double] = [
            0, -0.0, 1, -1, 0.5, 1.5, 2.5, 0.125, 0.0000005, 0.0000015, 0.0000025, 1e-9, -1e-9, 0.9999995,
            0.99999949999, 123456.785, 1e14 + 0.5, 1e15, 1e300, -2.675, 2.675, .infinity, -.infinity, .nan,
            Double.leastNonzeroMagnitude, Double.ulpOfOne,
        ]
        for _ in 0..<20_000 {
            values.append(rng.unit())
            values.append((rng.unit() - 0.5) * 2_000)
            values.append(Double(Int(rng.next() % 2_000_000)) / 1_000_000 + 0.0000005)
            values.append(Double(Int(rng.next() % 20_000)) / 200)
        }
        for digits in [0, 2, 3, 6] {
            for x in values {
                #expect(FixedDecimal.string(x, digits: digits) == String(format: "%.\(digits)f", x))
            }
        }
    }

    /// `writeDigits` against `String(v)` padded with zeros, at every width from 0 to 20, on
    /// every digit count (powers of ten and their neighbours), random values and `Int.max`; the
    /// bytes after the count are left alone.
    @Test func digitsMatchStringPadded() {
        var rng = SplitMix(seed: 5)
        var values = [0, 1, 9, 10, 11, 99, 100, 101, 999, Int.max, Int.max - 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        for _ in 0..<2_000 { values.append(Int(rng.next() >> UInt64(1 + rng.next() % 63))) }
        var buffer = [UInt8](repeating: 0, count: 24)
        for v in values {
            let text = String(v)
            for width in 0...20 {
                let expected = String(repeating: "0", count: max(0, width - text.count)) + text
                buffer.withUnsafeMutableBufferPointer { b in
                    b.update(repeating: UInt8(ascii: "#"))
                    let n = FixedDecimal.writeDigits(v, minimumWidth: width, to: b.baseAddress!)
                    #expect(String(decoding: b[0..<n], as: UTF8.self) == expected)
                    #expect(b[n...].allSatisfy { $0 == UInt8(ascii: "#") })
                }
            }
        }
    }

    /// The reference: Foundation's Gregorian calendar in UTC for the date and time, the
    /// fraction by arithmetic (milliseconds unless a microsecond is set or asked for).
    static func referenceFormat(_ micros: Int64, alwaysMicroseconds: Bool) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let text = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
        let fractionText =
            !alwaysMicroseconds && fraction % 1000 == 0
            ? String(format: "%03d", fraction / 1000) : String(format: "%06d", fraction)
        return text + "." + fractionText + "Z"
    }

    @Test func timestampBytesMatchFoundation() {
        var rng = SplitMix(seed: 12)
        // 1800 to 2200: Foundation's calendar is the proleptic Gregorian one there.
        let low: Int64 = -5_364_662_400_000_000
        let span: UInt64 = 12_623_040_000_000_000
        for k in 0..<3_000 {
            var micros = low + Int64(rng.next() % span)
            if k % 3 == 0 { micros -= micros % 1000 }
            for always in [false, true] {
                var bytes: [UInt8] = Array("x,".utf8)
                Timestamp.append(micros, alwaysMicroseconds: always, to: &bytes)
                let expected = Self.referenceFormat(micros, alwaysMicroseconds: always)
                #expect(String(decoding: bytes, as: UTF8.self) == "x," + expected)
                #expect(Timestamp.format(micros, alwaysMicroseconds: always) == expected)
            }
        }
        #expect(Timestamp.format(1_700_000_000_123_000) == "2023-11-14T22:13:20.123Z")
        #expect(Timestamp.format(1_700_000_000_000_001) == "2023-11-14T22:13:20.000001Z")
        #expect(Timestamp.format(0, alwaysMicroseconds: true) == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59.999999Z")
    }
}

/// `RadixSort` against the standard library's stable sort.
@Suite struct RadixSortTests {
    @Test(arguments: [UInt64(1), 2, 3]) func sortsLikeAStableComparisonSort(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        for n in [0, 1, 2, 1_000, 50_000] {
            // Timestamps over a quarter in microseconds, many ties, some negative and extreme keys.
            var keys = (0..<n).map { _ -> Int64 in
                switch rng.next() % 10 {
                case 0: Int64(rng.next() % 5)
                case 1: -Int64(rng.next() % 1_000_000)
                default: 1_767_225_600_000_000 + Int64(rng.next() % 7_776_000_000_000)
                }
            }
            if n > 10 {
                keys[3] = .min
                keys[7] = .max
            }
            var payload = (0..<n).map { Int32($0) }
            let expected = keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
            var sorted = keys
            RadixSort.sort(&sorted, carrying: &payload)
            #expect(sorted == expected.map { keys[$0] })
            #expect(payload == expected.map { Int32($0) })
            var alone = keys
            RadixSort.sort(&alone)
            #expect(alone == keys.sorted())
        }
    }
}

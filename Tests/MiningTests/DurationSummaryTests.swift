import Testing
import _TestSupport

@testable import Mining

/// Selection-based statistics against sorting, on the conventions of pandas and NumPy.
@Suite struct DurationSummaryTests {
    static func reference(_ values: [Int64]) -> (median: Double, p90: Double, mean: Double) {
        let s = values.sorted().map { Double($0) / 1e6 }
        let n = s.count
        let median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
        let h = 0.9 * Double(n - 1)
        let lo = Int(h.rounded(.down))
        let p90 = lo + 1 < n ? s[lo] + (h - Double(lo)) * (s[lo + 1] - s[lo]) : s[lo]
        return (median, p90, s.reduce(0, +) / Double(n))
    }

    @Test(arguments: [1, 2, 3, 4, 5, 10, 11, 21, 100, 1_001, 20_000])
    func equalsSortingOnRandomValues(count: Int) throws {
        var rng = SplitMix(seed: UInt64(count))
        for spread in [3, 1_000_000_000] as [UInt64] {  // many ties, then nearly none
            let values = (0..<count).map { _ in Int64(rng.next() % spread) - Int64(spread / 3) }
            let summary = try #require(DurationSummary(microseconds: values))
            let expected = Self.reference(values)
            #expect(summary.count == count)
            #expect(close(summary.median, expected.median, relative: 1e-12))
            #expect(close(summary.p90, expected.p90, relative: 1e-12))
            #expect(close(summary.mean, expected.mean, relative: 1e-12))
            #expect(summary.min == Double(values.min()!) / 1e6 && summary.max == Double(values.max()!) / 1e6)
        }
    }

    @Test func knownValues() throws {
        // numpy.percentile([1, 2, 3, 4], 90) == 3.7; numpy.median == 2.5.
        let s = try #require(DurationSummary(microseconds: [4_000_000, 1_000_000, 3_000_000, 2_000_000]))
        #expect(s.median == 2.5 && close(s.p90, 3.7) && s.mean == 2.5)
        // A sorted and a reversed run of equal values must not degrade or fail.
        let flat = try #require(DurationSummary(microseconds: [Int64](repeating: 7, count: 50_000)))
        #expect(flat.median == 7e-6 && flat.p90 == 7e-6)
        #expect(DurationSummary(microseconds: []) == nil)
    }

    /// Durations whose sum in microseconds overflows Int64 still have a mean (no trap).
    @Test func meanOfLargeValuesDoesNotOverflow() throws {
        let big = Int64.max / 3  // four of them overflow an Int64 sum of microseconds
        let s = try #require(DurationSummary(microseconds: [big, big, big, big + 3]))
        #expect(close(s.mean, (Double(big) + 0.75) / 1e6, relative: 1e-15))
    }
}

/// Summary statistics of a set of durations, in seconds: count, mean, median, 90th percentile,
/// minimum and maximum.
///
/// The conventions are PM4Py's (pandas) and NumPy's defaults, so the figures compare exactly:
/// - the median of an even count is the mean of the two middle values (pandas' `median`);
/// - the 90th percentile is NumPy's default `percentile(values, 90)`, method `linear`
///   (Hyndman and Fan's type 7): with the values sorted as x₀ ≤ … ≤ xₙ₋₁ and h = 0.9 (n − 1),
///   it is x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋). h is computed exactly, as 9 (n − 1) / 10 in integers;
/// - the mean is the sum over the count, with the sum kept exact (whole seconds and microseconds
///   apart), so it is as precise as a `Double` can hold whatever the number of values.
///
/// Durations may be negative: PM4Py's waiting time between an activity and the next one that
/// started before it finished is.
public struct DurationSummary: Sendable, Equatable {
    /// The number of durations.
    public var count: Int
    /// Mean in seconds.
    public var mean: Double
    /// Median in seconds.
    public var median: Double
    /// 90th percentile in seconds (linear interpolation).
    public var p90: Double
    /// Smallest duration in seconds.
    public var min: Double
    /// Largest duration in seconds.
    public var max: Double

    /// Summarises durations given in microseconds, reordering the buffer in place.
    ///
    /// Uses selection rather than a full sort: the order statistics the median and the 90th
    /// percentile need are found by quickselect with a three-way partition, so runs of equal
    /// values (common: many gaps of zero) cost nothing extra.
    ///
    /// - Precondition: the buffer is not empty.
    /// - Complexity: O(*n*) expected.
    public init(microseconds values: UnsafeMutableBufferPointer<Int64>) {
        let n = values.count
        precondition(n > 0, "a duration summary needs at least one value")
        var wholeSeconds: Int64 = 0
        var microRemainder: Int64 = 0
        var low = Int64.max
        var high = Int64.min
        for v in values {
            wholeSeconds += v / 1_000_000
            microRemainder += v % 1_000_000
            low = Swift.min(low, v)
            high = Swift.max(high, v)
        }
        count = n
        mean = (Double(wholeSeconds) + Double(microRemainder) / 1e6) / Double(n)
        min = Double(low) / 1e6
        max = Double(high) / 1e6

        let middle = Self.select(n / 2, in: values)
        if n % 2 == 1 {
            median = Double(middle) / 1e6
        } else {
            // After selecting index n/2, everything before it is no larger: its maximum is index n/2 - 1.
            var below = Int64.min
            for i in 0..<(n / 2) { below = Swift.max(below, values[i]) }
            median = (Double(below) + Double(middle)) / 2e6
        }
        let h = 9 * (n - 1)
        let lower = h / 10
        let fraction = h % 10
        // The first selection left values[0 ..< n/2] ≤ values[n/2] ≤ values[n/2 + 1 ..< n], so the
        // percentile's order statistic is searched on its side of the median only.
        let xLower =
            lower == n / 2
            ? middle
            : lower > n / 2
                ? Self.select(lower, in: values, within: n / 2 + 1, n - 1)
                : Self.select(lower, in: values, within: 0, n / 2 - 1)
        if fraction == 0 {
            p90 = Double(xLower) / 1e6
        } else {
            var xUpper = Int64.max
            for i in (lower + 1)..<n { xUpper = Swift.min(xUpper, values[i]) }
            let a = Double(xLower) / 1e6
            let b = Double(xUpper) / 1e6
            p90 = a + (b - a) * Double(fraction) / 10
        }
    }

    /// Summarises durations in microseconds (a convenience for small inputs and tests).
    ///
    /// - Complexity: O(*n*) expected.
    public init?(microseconds values: [Int64]) {
        guard !values.isEmpty else { return nil }
        var copy = values
        self = copy.withUnsafeMutableBufferPointer { DurationSummary(microseconds: $0) }
    }

    /// Moves the `k`-th smallest value to index `k`, smaller-or-equal values before it and
    /// larger-or-equal after, and returns it (Hoare's quickselect, three-way partition).
    ///
    /// - Complexity: O(*n*) expected; a range that keeps failing to shrink is sorted instead,
    ///   which bounds the worst case at O(*n* log *n*).
    static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Int64>) -> Int64 {
        select(k, in: values, within: 0, values.count - 1)
    }

    /// `select(_:in:)` on the range `low ... high` only, whose values must already be those
    /// ranked `low ... high` in the whole buffer (everything before no larger, everything after
    /// no smaller).
    ///
    /// - Precondition: `low ≤ k ≤ high`.
    /// - Complexity: O(*high* − *low*) expected.
    static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Int64>, within low: Int, _ high: Int) -> Int64 {
        precondition(low <= k && k <= high && high < values.count, "k must lie in the range")
        var lo = low
        var hi = high
        var budget = 2 * (Int.bitWidth - (high - low + 1).leadingZeroBitCount) + 8
        while lo < hi {
            if budget == 0 {
                var range = UnsafeMutableBufferPointer(rebasing: values[lo...hi])
                range.sort()
                return values[k]
            }
            budget -= 1
            // Median of three as the pivot.
            let mid = lo + (hi - lo) / 2
            let a = values[lo]
            let b = values[mid]
            let c = values[hi]
            let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
            // Dijkstra's three-way partition: [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot.
            var lt = lo
            var i = lo
            var gt = hi
            while i <= gt {
                let v = values[i]
                if v < pivot {
                    values.swapAt(lt, i)
                    lt += 1
                    i += 1
                } else if v > pivot {
                    values.swapAt(i, gt)
                    gt -= 1
                } else {
                    i += 1
                }
            }
            if k < lt {
                hi = lt - 1
            } else if k > gt {
                lo = gt + 1
            } else {
                return pivot
            }
        }
        return values[k]
    }
}

/// Stable LSD radix sorts of 64-bit integer keys (timestamps, durations): linear in the keys,
/// for the million-element arrays the mining and scoring stages sort.
public enum RadixSort {
    /// Sorts `keys` ascending and applies the same permutation to `payload`: a stable LSD radix
    /// sort on 11-bit digits of the keys' offset from their minimum, as many passes as the range
    /// needs (four for a month in microseconds).
    ///
    /// - Precondition: `payload.count == keys.count`.
    /// - Complexity: O(*n* × ⌈log₂(range) / 11⌉) time, O(*n*) extra memory.
    public static func sort(_ keys: inout [Int64], carrying payload: inout [Int32]) {
        precondition(keys.count == payload.count, "one payload per key")
        let n = keys.count
        guard n > 1, let low = keys.min(), let high = keys.max(), low != high else { return }
        let range = UInt64(bitPattern: high &- low)
        let bits = 64 - range.leadingZeroBitCount
        let digit = 11
        let radix = 1 << digit
        var shifted = keys.map { UInt64(bitPattern: $0 &- low) }
        var otherKeys = [UInt64](repeating: 0, count: n)
        var otherPayload = [Int32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: radix + 1)
        var shift = 0
        while shift < bits {
            for i in counts.indices { counts[i] = 0 }
            for k in shifted { counts[Int((k >> UInt64(shift)) & UInt64(radix - 1)) + 1] += 1 }
            for i in 0..<radix { counts[i + 1] += counts[i] }
            for i in 0..<n {
                let d = Int((shifted[i] >> UInt64(shift)) & UInt64(radix - 1))
                otherKeys[counts[d]] = shifted[i]
                otherPayload[counts[d]] = payload[i]
                counts[d] += 1
            }
            swap(&shifted, &otherKeys)
            swap(&payload, &otherPayload)
            shift += digit
        }
        for i in 0..<n { keys[i] = Int64(bitPattern: shifted[i]) &+ low }
    }

    /// Sorts `keys` ascending (`sort(_:carrying:)` without a payload).
    ///
    /// - Complexity: O(*n* × ⌈log₂(range) / 11⌉) time, O(*n*) extra memory.
    public static func sort(_ keys: inout [Int64]) {
        var none = [Int32](repeating: 0, count: keys.count)
        sort(&keys, carrying: &none)
    }
}

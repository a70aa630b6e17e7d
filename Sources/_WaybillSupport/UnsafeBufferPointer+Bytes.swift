extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether two byte strings are equal, compared eight bytes a step: the ingest hot path
    /// compares each row's case id with the last one and each interned name with its match.
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    public func sameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = count
        guard n == other.count else { return false }
        guard n > 0, let a = baseAddress, let b = other.baseAddress else { return true }
        let p = UnsafeRawPointer(a), q = UnsafeRawPointer(b)
        if n >= 8 {
            var i = 0
            while i &+ 8 < n {
                if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) != q.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i &+= 8
            }
            // The last eight bytes, overlapping the step before when n is not a multiple of 8.
            return p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == q.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i &+= 1
        }
        return true
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether these bytes are exactly `word`'s UTF-8: the byte-level readers' key and keyword
    /// test (XES keys and element names, CSV booleans), without making a `String`.
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    func equals(_ word: StaticString) -> Bool {
        guard count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<count where self[i] != w[i] { return false }
        return true
    }
}

/// A growable byte buffer over manually managed memory: the attribute JSON the CSV importer
/// writes for every row.
///
/// An `[UInt8]` held in a local the row loop's closure captures was retained before and released
/// after every call into the ingest session that read its bytes (the compiler cannot prove the
/// session does not reach the array); the release, an atomic decrement right after the session's
/// many stores, was 6 % of the CSV ingest profile. This buffer is a pointer, count and capacity,
/// so reading and appending involve no reference counting. The owner calls `deallocate()`.
struct JSONBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    /// An empty buffer with room for `capacity` bytes before it grows.
    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// Frees the memory; the buffer must not be used afterwards.
    func deallocate() { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The bytes written, valid until the next append or `deallocate()`.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Empties the buffer, keeping its memory.
    @inline(__always)
    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        if count + n > capacity { grow(to: count + n) }
        (base + count).update(from: bytes.baseAddress!, count: n)
        count &+= n
    }

    @inline(__always)
    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Appends what `body` writes at the end of the buffer: at most `maximum` bytes, their
    /// count returned by `body`.
    @inline(__always)
    mutating func append(upTo maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if count + maximum > capacity { grow(to: count + maximum) }
        count &+= body(base + count)
    }

    /// Appends an integer's 8 bytes, little-endian.
    @inline(__always)
    mutating func append(littleEndian value: Int64) {
        if count + 8 > capacity { grow(to: count + 8) }
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.littleEndian, as: Int64.self)
        count &+= 8
    }

    /// Doubles the capacity (at least to `needed`), keeping the bytes.
    ///
    /// - Complexity: O(*n*), amortised O(1) per appended byte.
    private mutating func grow(to needed: Int) {
        var size = capacity * 2
        while size < needed { size *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = size
    }
}

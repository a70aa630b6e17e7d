/// A growable array of integers in manually managed memory: the buffers the ingest hot paths
/// append to for every row (the CSV importer's attribute JSON, the ingest session's byte and link
/// columns).
///
/// An `Array` held where the compiler cannot prove it unique is retained and released around
/// each use, and every append checks its uniqueness with a runtime call: in the CSV importer an
/// `[UInt8]` cost 6 % of the profile in one release alone. This is a pointer, a count and a
/// capacity, so appending and reading involve no reference counting. The owner calls
/// `deallocate()`.
public struct GrowableBuffer<Element: FixedWidthInteger> {
    /// The elements are `base[0 ..< count]`; `base` moves when the buffer grows.
    @inlinable public var base: UnsafeMutablePointer<Element> { storage }
    @inlinable public var count: Int { filled }
    @usableFromInline var storage: UnsafeMutablePointer<Element>
    @usableFromInline var filled = 0
    @usableFromInline var capacity: Int

    /// An empty buffer with room for `capacity` elements before it grows.
    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    /// Frees the memory; the buffer must not be used afterwards.
    public func deallocate() { storage.deallocate() }

    @inlinable public var isEmpty: Bool { filled == 0 }

    /// The elements, valid until the next append or `deallocate()`.
    @inlinable public var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: storage, count: filled) }

    /// Empties the buffer, keeping its memory.
    @inlinable
    public mutating func removeAll() { filled = 0 }

    @inlinable
    public mutating func append(_ value: Element) {
        if filled == capacity { grow(to: filled + 1) }
        storage[filled] = value
        filled &+= 1
    }

    @inlinable
    public mutating func append(contentsOf values: UnsafeBufferPointer<Element>) {
        let n = values.count
        guard n > 0 else { return }
        if filled + n > capacity { grow(to: filled + n) }
        (storage + filled).update(from: values.baseAddress!, count: n)
        filled &+= n
    }

    @inlinable
    public mutating func append(contentsOf values: [Element]) {
        values.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Appends what `body` writes at the end of the buffer: at most `maximum` elements, their
    /// count returned by `body`.
    @inlinable
    public mutating func append(upTo maximum: Int, _ body: (UnsafeMutablePointer<Element>) -> Int) {
        if filled + maximum > capacity { grow(to: filled + maximum) }
        filled &+= body(storage + filled)
    }

    /// Doubles the capacity (at least to `needed`), keeping the elements.
    ///
    /// - Complexity: O(*n*), amortised O(1) per appended element.
    @usableFromInline
    mutating func grow(to needed: Int) {
        var size = capacity * 2
        while size < needed { size *= 2 }
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: size)
        bigger.update(from: storage, count: filled)
        storage.deallocate()
        storage = bigger
        capacity = size
    }
}

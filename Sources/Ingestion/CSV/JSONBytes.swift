import _WaybillSupport

/// The attribute JSON the CSV importer writes for every row, and its other per-row byte buffers.
typealias JSONBytes = GrowableBuffer<UInt8>

extension GrowableBuffer where Element == UInt8 {
    /// The bytes written, valid until the next append or `deallocate()`.
    @inline(__always)
    var bytes: UnsafeBufferPointer<UInt8> { elements }

    /// Appends an integer's 8 bytes, little-endian.
    @inline(__always)
    mutating func append(littleEndian value: Int64) {
        append(upTo: 8) {
            UnsafeMutableRawPointer($0).storeBytes(of: value.littleEndian, as: Int64.self)
            return 8
        }
    }

    /// Appends a cell's or a key's bytes. Up to 16 bytes (nearly every cell and key of a log)
    /// are copied inline with two overlapping loads and stores: the generic append's call and
    /// `memmove`'s call and size dispatch cost more than such a copy (append and memmove were
    /// 10 % of a CSV import's samples). Never reads outside `bytes`.
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    mutating func appendShort(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n <= 16, let start = bytes.baseAddress else {
            append(contentsOf: bytes)
            return
        }
        append(upTo: 16) { target in
            JSONBytes.copyShort(start, n, to: target)
            return n
        }
    }

    /// Copies `count` ≤ 16 bytes from `source` to `target` with overlapping loads and stores,
    /// reading nothing outside the source.
    @inline(__always)
    static func copyShort(_ source: UnsafePointer<UInt8>, _ count: Int, to target: UnsafeMutablePointer<UInt8>) {
        let n = count
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if n >= 8 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else if n > 0 {
            // One to three bytes: the first, the middle and the last are all of them.
            target[0] = source[0]
            target[n &>> 1] = source[n &>> 1]
            target[n &- 1] = source[n &- 1]
        }
    }
}

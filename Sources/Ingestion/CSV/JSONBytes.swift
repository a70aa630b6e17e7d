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
}

import Testing
import _WaybillSupport
@testable import Ingestion

/// `appendShort`'s inline copies (1 to 3, 4 to 7, 8 to 16 bytes, and the general append past
/// them) against an `Array`'s appends, across the buffer's growth, from sources that end where
/// their allocation ends (so a read past them would be caught by the address sanitizer).
@Suite struct JSONBytesTests {
    @Test func appendShortEqualsAnArraysAppend() {
        var buffer = JSONBytes(capacity: 16)
        defer { buffer.deallocate() }
        var reference: [UInt8] = []
        var next: UInt8 = 3
        for round in 0..<3 {
            for length in 0...40 {
                let piece = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: length)
                defer { piece.deallocate() }
                for i in 0..<length {
                    next = next &* 29 &+ 11
                    piece[i] = next
                }
                buffer.appendShort(UnsafeBufferPointer(piece))
                reference += piece
                #expect(Array(buffer.bytes) == reference, "round \(round), length \(length)")
            }
        }
    }
}

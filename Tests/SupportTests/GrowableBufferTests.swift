import Testing
import _WaybillSupport

/// `GrowableBuffer`'s appends against an `Array`'s: byte strings of every length around the
/// short-copy cases (1 to 3, 4 to 7, 8 to 16 bytes) and past them, across growth.
@Suite struct GrowableBufferTests {
    @Test func appendsEqualAnArraysAtEveryLength() {
        var buffer = GrowableBuffer<UInt8>(capacity: 16)
        defer { buffer.deallocate() }
        var reference: [UInt8] = []
        var next: UInt8 = 1
        for round in 0..<3 {
            for length in 0...40 {
                let piece = (0..<length).map { _ -> UInt8 in
                    next = next &* 31 &+ 7
                    return next
                }
                piece.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
                reference += piece
                if length % 5 == 0 {
                    buffer.append(UInt8(length))
                    reference.append(UInt8(length))
                }
                #expect(Array(buffer.elements) == reference, "round \(round), length \(length)")
            }
        }
        var words = GrowableBuffer<Int64>(capacity: 16)
        defer { words.deallocate() }
        let values: [Int64] = (0..<37).map { $0 &* -7_777_777_777 }
        for length in [1, 3, 16, 17] { values.prefix(length).withUnsafeBufferPointer { words.append(contentsOf: $0) } }
        #expect(
            Array(words.elements) == Array(values.prefix(1) + values.prefix(3) + values.prefix(16) + values.prefix(17)))
    }
}

import CByteScan
import Testing
import _TestSupport
import _WaybillSupport

/// The record scanner's loops (baseline SSE2, POPCNT, AVX-512) against each other on random
/// bytes rich in delimiters, line breaks and quotes: the same result, cell count and bounds.
/// A loop this processor lacks is lowered to the best it has, so on such a machine the test
/// compares fewer loops (the names of the ones compared are in its failure messages).
@Suite struct CSVScanKernelTests {
    /// One scan with `kernel`: the result, and the cell count and bounds when it read a record.
    static func scan(
        _ kernel: Int, _ bytes: [UInt8], start: Int, delimiter: UInt8, maxCells: Int
    ) -> (end: Int, bounds: [UInt32]) {
        var bounds = [UInt32](repeating: 0xDEAD, count: maxCells + 1 + Int(WB_CSV_BOUNDS_SLACK))
        var cells = 0
        let end = bytes.withUnsafeBufferPointer { buffer in
            wb_csv_scan_with(kernel, buffer.baseAddress, start, buffer.count, delimiter, &bounds, maxCells, &cells)
        }
        return (end, end >= 0 ? Array(bounds[0...cells]) : [])
    }

    @Test(arguments: [0x2C, 0x3B, 0x09] as [UInt8])
    func loopsAgreeOnRandomRecords(delimiter: UInt8) {
        let best = wb_csv_scan_kernel()
        var random = SplitMix(seed: UInt64(delimiter))
        // Mostly text and delimiters, with rare line breaks and quotes, so records span steps.
        let alphabet: [UInt8] = Array("abcdefgh ".utf8) + [delimiter, delimiter, delimiter, delimiter]
        var compared = 0
        for trial in 0..<4_000 {
            let length = Int(random.next() % 400)
            var bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            for _ in 0..<Int(random.next() % 4) where length > 0 {
                let special: [UInt8] = [0x0A, 0x0D, 0x22, 0x0A]
                bytes[Int(random.next() % UInt64(length))] = special[Int(random.next() % 4)]
            }
            let start = length > 0 ? Int(random.next() % UInt64(min(length, 70))) : 0
            let maxCells = [1, 2, 16, 40, 63, 64, 65, 200][Int(random.next() % 8)]
            let reference = Self.scan(
                Int(WB_CSV_KERNEL_BASELINE), bytes, start: start, delimiter: delimiter, maxCells: maxCells)
            for kernel in [WB_CSV_KERNEL_POPCNT, WB_CSV_KERNEL_AVX512] where Int(kernel) <= best {
                let other = Self.scan(Int(kernel), bytes, start: start, delimiter: delimiter, maxCells: maxCells)
                #expect(
                    other.end == reference.end && other.bounds == reference.bounds,
                    "trial \(trial), kernel \(kernel): \(other) vs \(reference), start \(start), max \(maxCells)")
                compared += 1
            }
            if reference.end >= 0 { #expect(reference.bounds.count >= 2) }
        }
        // Every trial compared the POPCNT loop at least (x86-64 machines all have it).
        #if arch(x86_64)
            #expect(compared >= 4_000)
        #endif
    }

    /// A record whose cells are all empty puts 64 delimiters in one AVX-512 step, and one
    /// longer than `max_cells` hands the record to the general scanner.
    @Test func denseDelimitersAndTheCellLimit() {
        let best = wb_csv_scan_kernel()
        for width in [63, 64, 65, 130] {
            let bytes = [UInt8](repeating: 0x2C, count: width) + [0x0A] + [UInt8](repeating: 0x61, count: 70)
            for kernel in [WB_CSV_KERNEL_BASELINE, WB_CSV_KERNEL_POPCNT, WB_CSV_KERNEL_AVX512] where Int(kernel) <= best
            {
                let read = Self.scan(Int(kernel), bytes, start: 0, delimiter: 0x2C, maxCells: 200)
                #expect(read.end == width + 1, "kernel \(kernel), width \(width)")
                #expect(read.bounds == (0...width + 1).map { UInt32($0) }, "kernel \(kernel), width \(width)")
                let tooMany = Self.scan(Int(kernel), bytes, start: 0, delimiter: 0x2C, maxCells: width)
                #expect(tooMany.end == Int(WB_CSV_GENERAL), "kernel \(kernel), width \(width)")
            }
        }
    }
}

/// The 64-row vector FNV-1a against `StableHash.value(ofFields:)` of each row: rows of 0 to 200
/// bytes, in any order in the buffer, the last one ending 7 bytes before the buffer's end (the
/// most the loop may read past it). On a machine without AVX-512 this compares the C byte loop.
@Suite struct VectorIdentityHashTests {
    @Test func sixtyFourRowsAgreeWithTheScalarHash() {
        var random = SplitMix(seed: 64)
        for round in 0..<200 {
            var bytes: [UInt8] = []
            var starts: [Int] = [], ends: [Int] = []
            for k in 0..<64 {
                // Every tenth round, rows of equal length; otherwise 0 to 200 bytes, some empty.
                let length = round % 10 == 0 ? 96 : (k % 17 == 0 ? 0 : Int(random.next() % 201))
                starts.append(bytes.count)
                bytes += (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                ends.append(bytes.count)
            }
            bytes += [UInt8](repeating: 0xEE, count: 7)
            if round % 2 == 1 {
                // Rows in another order than the buffer's.
                let order = (0..<64).map { ($0 * 37) % 64 }
                starts = order.map { starts[$0] }
                ends = order.map { ends[$0] }
            }
            var states = [UInt64](repeating: 0, count: 64)
            bytes.withUnsafeBufferPointer { buffer in
                wb_fnv1a_64(buffer.baseAddress, starts, ends, &states)
                for k in 0..<64 {
                    let expected = StableHash.value(ofFields: UnsafeBufferPointer(rebasing: buffer[starts[k]..<ends[k]]))
                    #expect(StableHash.finalize(states[k]) == expected, "round \(round), row \(k)")
                }
            }
        }
    }
}

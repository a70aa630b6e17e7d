import _WaybillSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TrainingTable {
    /// Reads a training table from a CSV file with a header row.
    ///
    /// The column named `labelColumn` holds 0 or 1; the column named `weightColumn`, when given,
    /// holds the sample weights. Every other column is a feature, in file order. A feature column is
    /// numeric when every non-empty cell parses as a number, and categorical otherwise; a
    /// categorical feature's levels are its distinct non-empty cells sorted in byte order. An empty
    /// cell is a missing value. Cells are not quoted (a `"` is rejected): this is the plain numeric
    /// format that `Tests/Goldens/learning` and `Benchmarks/logistic_bench.py` write.
    ///
    /// - Throws: `LearningError.invalidData` naming the file, line and column of a bad cell.
    /// - Complexity: O(file size + rows × columns + levels × log levels).
    public init(csvPath path: String, labelColumn: String = "label", weightColumn: String? = "weight") throws {
        let bytes: [UInt8]
        do { bytes = try ByteSource.readAll(path: path) } catch {
            throw LearningError(.invalidData, "cannot read the file: \(error)", location: path)
        }
        self = try Self.parse(bytes, path: path, labelColumn: labelColumn, weightColumn: weightColumn)
    }

    /// Parses the CSV bytes of `init(csvPath:)`.
    ///
    /// - Complexity: O(bytes + rows × columns).
    static func parse(_ bytes: [UInt8], path: String, labelColumn: String, weightColumn: String?) throws -> TrainingTable {
        // Each cell as (offset << 16 | length), per column: 8 bytes a cell, not a slice's 32.
        var cells: [[UInt64]] = []
        var header: [String] = []
        var line = 0
        var start = 0
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r"), quote = UInt8(ascii: "\"")
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != newline { end += 1 }
            line += 1
            var stop = end
            if stop > start && bytes[stop - 1] == cr { stop -= 1 }
            let record = bytes[start..<stop]
            start = end + 1
            if record.isEmpty { continue }
            if record.contains(quote) {
                throw LearningError(.invalidData, "line \(line): quoted cells are not supported", location: path)
            }
            let fields = record.split(separator: comma, omittingEmptySubsequences: false)
            if header.isEmpty {
                header = fields.map { String(decoding: $0, as: UTF8.self) }
                cells = Array(repeating: [], count: header.count)
                continue
            }
            guard fields.count == header.count else {
                throw LearningError(
                    .invalidData, "line \(line): \(fields.count) cells, the header has \(header.count)", location: path)
            }
            for (j, f) in fields.enumerated() {
                guard f.count < 1 << 16 else {
                    throw LearningError(.invalidData, "line \(line): a cell of \(f.count) bytes", location: path)
                }
                cells[j].append(UInt64(f.startIndex) << 16 | UInt64(f.count))
            }
        }
        guard let labelIndex = header.firstIndex(of: labelColumn) else {
            throw LearningError(.invalidData, "no column named '\(labelColumn)' for the label", location: path)
        }
        let weightIndex = try weightColumn.map { name -> Int in
            guard let i = header.firstIndex(of: name) else {
                throw LearningError(.invalidData, "no column named '\(name)' for the sample weight", location: path)
            }
            return i
        }
        let rows = cells.first?.count ?? 0
        func cell(_ packed: UInt64) -> ArraySlice<UInt8> {
            let start = Int(packed >> 16)
            return bytes[start..<(start + Int(packed & 0xFFFF))]
        }
        var labels: [Bool] = []
        labels.reserveCapacity(rows)
        for (i, packed) in cells[labelIndex].enumerated() {
            switch parseNumber(cell(packed)) {
            case 0: labels.append(false)
            case 1: labels.append(true)
            default:
                throw LearningError(
                    .invalidData, "line \(i + 2), column '\(labelColumn)': the label must be 0 or 1", location: path)
            }
        }
        var weights: [Double]? = nil
        if let w = weightIndex {
            weights = try cells[w].enumerated().map { i, packed in
                guard let v = parseNumber(cell(packed)), v.isFinite, v >= 0 else {
                    throw LearningError(
                        .invalidData, "line \(i + 2), column '\(header[w])': the weight must be a number ≥ 0",
                        location: path)
                }
                return v
            }
        }
        var features: [FeatureMatrix.Feature] = []
        var values: [Double] = []
        values.reserveCapacity(rows * (header.count - 1))
        for (j, name) in header.enumerated() where j != labelIndex && j != weightIndex {
            let column = cells[j]
            var numbers: [Double] = []
            numbers.reserveCapacity(rows)
            var numeric = true
            for packed in column {
                if packed & 0xFFFF == 0 { numbers.append(.nan); continue }
                guard let v = parseNumber(cell(packed)) else { numeric = false; break }
                numbers.append(v)
            }
            if numeric {
                features.append(.init(name: name, kind: .numeric))
                values.append(contentsOf: numbers)
            } else {
                let levels = Set(column.lazy.filter { $0 & 0xFFFF != 0 }.map { String(decoding: cell($0), as: UTF8.self) })
                    .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                var index: [String: Double] = [:]
                for (k, level) in levels.enumerated() { index[level] = Double(k) }
                for packed in column {
                    values.append(packed & 0xFFFF == 0 ? .nan : index[String(decoding: cell(packed), as: UTF8.self)]!)
                }
                features.append(.init(name: name, kind: .categorical, levels: levels))
            }
        }
        if Set(features.map(\.name)).count != features.count {
            throw LearningError(.invalidData, "two feature columns have the same name", location: path)
        }
        let matrix = FeatureMatrix(features: features, rowCount: rows, values: values)
        return TrainingTable(matrix: matrix, labels: labels, weights: weights)
    }

    /// A whole cell as a finite or infinite number, or nil when it is not one (C `strtod`, as the
    /// C locale reads it: `1.5`, `-2e-3`, `inf`).
    private static func parseNumber(_ cell: ArraySlice<UInt8>) -> Double? {
        if cell.isEmpty || cell.count > 63 { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            var k = 0
            for b in cell {
                buffer[k] = CChar(bitPattern: b)
                k += 1
            }
            buffer[k] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(buffer.baseAddress!, &end)
            guard let end, end == buffer.baseAddress! + k, !v.isNaN else { return nil }
            return v
        }
    }
}

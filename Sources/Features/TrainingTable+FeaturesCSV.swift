import Learning
import _WaybillSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TrainingTable {
    /// Reads a matrix that `waybill features` wrote (`FeatureMatrix.csv(rows:log:)`) back, typed by
    /// its `feature-schema.json`.
    ///
    /// The header must be `case_id,prefix_time,label,weight` followed by the schema's feature names
    /// in order. `case_id` and `prefix_time` are skipped (a quoted `case_id` is allowed); `label` is
    /// 0 or 1, `weight` a number ≥ 0; a feature cell is a number or empty (missing), and a
    /// categorical feature's cell is a level index of the schema. At most `maxRows` data rows are
    /// read (all when nil), so a benchmark can take the first million rows of a larger file.
    ///
    /// - Throws: `FeatureError.schemaMismatch` naming the file, line and column of a bad cell or a
    ///   header that does not fit the schema; `.invalidOption` when the file cannot be read.
    /// - Complexity: O(file size + rows × features).
    public init(featuresCSVPath path: String, schema: FeatureSchema, maxRows: Int? = nil) throws {
        let bytes: [UInt8]
        do { bytes = try ByteSource.readAll(path: path) } catch {
            throw FeatureError(.invalidOption, "cannot read the file: \(error)", location: path)
        }
        self = try Self.parseFeaturesCSV(bytes, path: path, features: schema.features, maxRows: maxRows)
    }

    /// Parses the bytes of `init(featuresCSVPath:schema:maxRows:)`.
    ///
    /// - Complexity: O(bytes + rows × features).
    static func parseFeaturesCSV(
        _ bytes: [UInt8], path: String, features: [FeatureMatrix.Feature], maxRows: Int?
    ) throws -> TrainingTable {
        let newline = UInt8(ascii: "\n")
        let comma = UInt8(ascii: ",")
        let quote = UInt8(ascii: "\"")
        let cr = UInt8(ascii: "\r")
        func fail(_ line: Int, _ column: String?, _ reason: String) -> FeatureError {
            FeatureError(
                .schemaMismatch, "line \(line)\(column.map { ", column '\($0)'" } ?? ""): \(reason)", location: path)
        }
        var position = 0
        func lineEnd(from start: Int) -> Int {
            var end = start
            while end < bytes.count && bytes[end] != newline { end += 1 }
            return end
        }
        // Header.
        let headerEnd = lineEnd(from: 0)
        var headerStop = headerEnd
        if headerStop > 0 && bytes[headerStop - 1] == cr { headerStop -= 1 }
        let header = bytes[0..<headerStop].split(separator: comma, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        let expected = ["case_id", "prefix_time", "label", "weight"] + features.map(\.name)
        guard header == expected else {
            let common = min(header.count, expected.count)
            let first = (0..<common).first { header[$0] != expected[$0] } ?? common
            let got = first < header.count ? "'\(header[first])'" : "nothing"
            let want = first < expected.count ? "'\(expected[first])'" : "nothing"
            throw fail(1, nil, "header column \(first + 1) is \(got); the schema expects \(want)")
        }
        position = headerEnd + 1
        let width = features.count
        var columns = [[Double]](repeating: [], count: width)
        var labels: [Bool] = []
        var weights: [Double] = []
        var line = 1
        let limit = maxRows ?? Int.max
        var buffer = [CChar](repeating: 0, count: 64)
        while position < bytes.count && labels.count < limit {
            line += 1
            var end = lineEnd(from: position)
            let next = end + 1
            if end > position && bytes[end - 1] == cr { end -= 1 }
            if end == position {
                position = next
                continue
            }
            var i = position
            // case_id, possibly quoted ("" is an escaped quote).
            if bytes[i] == quote {
                i += 1
                while i < end {
                    if bytes[i] == quote {
                        if i + 1 < end && bytes[i + 1] == quote { i += 2 } else { break }
                    } else {
                        i += 1
                    }
                }
                i += 1
            }
            while i < end && bytes[i] != comma { i += 1 }
            i += 1
            // prefix_time.
            while i < end && bytes[i] != comma { i += 1 }
            i += 1
            var values: [Double] = []
            values.reserveCapacity(width + 2)
            var cellIndex = 0
            while true {
                guard i <= end else {
                    throw fail(line, nil, "\(cellIndex + 2) cells, the header has \(expected.count)")
                }
                var j = i
                while j < end && bytes[j] != comma { j += 1 }
                let name = expected[min(cellIndex + 2, expected.count - 1)]
                if j == i {
                    values.append(.nan)
                } else {
                    guard j - i < 64 else { throw fail(line, name, "a cell of \(j - i) bytes is not a number") }
                    for k in i..<j { buffer[k - i] = CChar(bitPattern: bytes[k]) }
                    buffer[j - i] = 0
                    let (v, ok) = buffer.withUnsafeMutableBufferPointer { b -> (Double, Bool) in
                        var stop: UnsafeMutablePointer<CChar>? = nil
                        let v = strtod(b.baseAddress!, &stop)
                        return (v, stop == b.baseAddress! + (j - i))
                    }
                    guard ok, !v.isNaN else {
                        throw fail(line, name, "'\(String(decoding: bytes[i..<j], as: UTF8.self))' is not a number")
                    }
                    values.append(v)
                }
                cellIndex += 1
                i = j + 1
                if j >= end { break }
            }
            guard values.count == width + 2 else {
                throw fail(line, nil, "\(values.count + 2) cells, the header has \(expected.count)")
            }
            switch values[0] {
            case 0: labels.append(false)
            case 1: labels.append(true)
            default: throw fail(line, "label", "the label must be 0 or 1")
            }
            guard values[1].isFinite, values[1] >= 0 else {
                throw fail(line, "weight", "the weight must be a number ≥ 0")
            }
            weights.append(values[1])
            for f in 0..<width {
                let v = values[f + 2]
                if features[f].kind == .categorical, !v.isNaN {
                    guard v >= 0, v < Double(features[f].levels.count), v == v.rounded() else {
                        throw fail(line, features[f].name, "\(v) is not a level index of the schema")
                    }
                } else if v.isInfinite {
                    throw fail(line, features[f].name, "an infinite value")
                }
                columns[f].append(v)
            }
            position = next
        }
        return TrainingTable(
            matrix: FeatureMatrix(features: features, columns: columns), labels: labels, weights: weights)
    }
}

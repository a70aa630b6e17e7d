import Features
import Foundation
import Learning
import _WaybillSupport

extension RiskModel {
    /// One reason behind a risk: a feature, its value in words, and its contribution to the
    /// model's log-odds (positive raises the risk).
    public struct Reason: Sendable, Codable, Equatable {
        public var feature: String
        public var value: String
        public var contribution: Double
    }

    /// Each row's strongest reasons, kept as feature columns and contributions rather than as
    /// text: `slots` per row, strongest first, column −1 in the slots a row has no reason for.
    public struct ReasonTable: Sendable, Equatable {
        /// Reasons kept per row.
        public var slots: Int
        /// Row-major `rows × slots`: the feature's column in the matrix, or −1.
        public var columns: [Int32]
        /// Row-major `rows × slots`: the feature's contribution to the log-odds (0 where no reason).
        public var contributions: [Double]

        /// Row `row`'s reasons in words, strongest first.
        ///
        /// - Complexity: O(slots).
        public func reasons(ofRow row: Int, in matrix: FeatureMatrix) -> [Reason] {
            (row * slots..<(row + 1) * slots).prefix { columns[$0] >= 0 }.map { i in
                let j = Int(columns[i])
                return Reason(
                    feature: matrix.features[j].name, value: RiskModel.describe(matrix, row, j),
                    contribution: contributions[i])
            }
        }
    }

    /// The `count` features that push each row's risk up the most, strongest first.
    ///
    /// - Complexity: that of `riskWithReasons(_:count:)`.
    public func topReasons(_ matrix: FeatureMatrix, count: Int = 3) -> [[Reason]] {
        let table = riskWithReasons(matrix, count: count).reasons
        return (0..<matrix.rowCount).map { table.reasons(ofRow: $0, in: matrix) }
    }

    /// Each row's calibrated risk (as `risk(_:)`) and its `count` strongest reasons: the features
    /// that push its risk up the most.
    ///
    /// For logistic regression the contributions are exact: coefficient × standardised value,
    /// summed over a feature's one-hot columns. For boosted trees they are Saabas' path
    /// attributions (each split's change in node value credited to its feature), found in the same
    /// pass over the forest as the scores, a block of rows at a time, so the rows × features
    /// contributions are never held at once; exact SHAP values come with the explanations stage.
    /// Only positive contributions are reasons; ties go to the lower column.
    ///
    /// - Complexity: O(rows × (features × count + trees × depth)).
    public func riskWithReasons(_ matrix: FeatureMatrix, count: Int = 3) -> (risk: [Double], reasons: ReasonTable) {
        let n = matrix.rowCount
        let p = matrix.columnCount
        var columns = [Int32](repeating: -1, count: n * count)
        var values = [Double](repeating: 0, count: n * count)
        let probability: [Double]
        switch algorithm {
        case .logistic:
            probability = logistic!.predictProbability(matrix)
            let contributions = logisticContributions(matrix)
            let half = n < 10_000 ? n : n / 2
            columns.withUnsafeMutableBufferPointer { c in
                values.withUnsafeMutableBufferPointer { v in
                    let table = ReasonSlots(columns: c.baseAddress!, values: v.baseAddress!, slots: count)
                    contributions.withUnsafeBufferPointer { all in
                        let source = UnsafeSendableDoubles(all.baseAddress!)
                        // The rows in two halves on two threads.
                        _ = Concurrently.map(half == n ? 1 : 2) { h in
                            let rows = h == 0 ? 0..<half : half..<n
                            table.fill(
                                rows: rows, from: source.pointer + rows.lowerBound * p, width: p, rowStride: p,
                                columnStride: 1)
                        }
                    }
                }
            }
        case .gradientBoostedTrees:
            probability = columns.withUnsafeMutableBufferPointer { c in
                values.withUnsafeMutableBufferPointer { v in
                    let table = ReasonSlots(columns: c.baseAddress!, values: v.baseAddress!, slots: count)
                    return trees!.predictProbability(matrix) { lo, rows, contributions in
                        table.fill(
                            rows: lo..<(lo + rows), from: contributions, width: p, rowStride: 1, columnStride: rows)
                    }
                }
            }
        }
        return (calibrator.calibrate(probability), ReasonTable(slots: count, columns: columns, contributions: values))
    }

    /// The logistic model's contributions, row-major (`rows × features`): coefficient ×
    /// standardised value, summed over each feature's one-hot columns.
    ///
    /// - Complexity: O(rows × design columns).
    func logisticContributions(_ matrix: FeatureMatrix) -> [Double] {
        let p = matrix.columnCount
        var contributions = [Double](repeating: 0, count: matrix.rowCount * p)
        let model = logistic!
        let design = model.encoder.design(matrix)
        var owner: [Int] = []
        for (j, column) in model.encoder.columns.enumerated() {
            owner += Array(repeating: j, count: column.width)
        }
        for r in 0..<matrix.rowCount {
            for k in 0..<model.encoder.width {
                contributions[r * p + owner[k]] += model.coefficients[k] * design[k * matrix.rowCount + r]
            }
        }
        return contributions
    }

    /// The offsets (from the buffer's start) of its `count` largest positive values, largest
    /// first, ties by offset: what sorting the positive values that way and keeping `count`
    /// gives, in one pass.
    ///
    /// - Complexity: O(*n* × `count`).
    static func largestPositive(_ values: UnsafeBufferPointer<Double>, count: Int, into top: inout [Int]) {
        top.removeAll(keepingCapacity: true)
        guard count > 0 else { return }
        // The kept offsets in a scratch buffer, shifted by hand (an `Array.insert` per kept value
        // cost more than the scan).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { kept in
            var n = 0
            for j in values.indices where values[j] > 0 {
                // After every kept offset with a larger value, or an equal one (a smaller offset).
                var at = n
                while at > 0 && values[kept[at - 1]] < values[j] { at -= 1 }
                guard at < count else { continue }
                var m = min(n, count - 1)
                while m > at {
                    kept[m] = kept[m - 1]
                    m -= 1
                }
                kept[at] = j
                n = min(n + 1, count)
            }
            top.append(contentsOf: UnsafeBufferPointer(rebasing: kept[0..<n]))
        }
    }

    /// A feature value in words: the level name, a number, or `missing`.
    static func describe(_ matrix: FeatureMatrix, _ row: Int, _ column: Int) -> String {
        let feature = matrix.features[column]
        var bytes: [UInt8] = []
        appendDescription(
            matrix[row, column], levels: feature.kind == .categorical ? feature.levels.map { Array($0.utf8) } : nil,
            to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes of value `v` in words to `out`: `missing` for NaN, the level's
    /// name (from `levels`, a categorical feature's level names as bytes) for a level, else the
    /// number.
    static func appendDescription(_ v: Double, levels: [[UInt8]]?, to out: inout [UInt8]) {
        if let levels, let i = Int(exactly: v), levels.indices.contains(i) { return out.append(contentsOf: levels[i]) }
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // FixedDecimal.maximumFastBytes
        let written: Void? = withUnsafeMutableBytes(of: &buffer) { raw in
            let start = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return writeNumber(v, to: start).map { count in
                out.append(contentsOf: UnsafeRawBufferPointer(start: start, count: count))
            }
        }
        if written == nil { FixedDecimal.append(v, digits: 2, to: &out) }  // equals String(format: "%.2f", v)
    }

    /// Writes value `v` that is not a level in words at `out`: `missing` for NaN, an integer's
    /// digits, else the number with two decimals; returns the count of bytes (at most
    /// `FixedDecimal.maximumFastBytes`), or nil, writing nothing, when the number needs the C
    /// library (`FixedDecimal.write`).
    ///
    /// - Complexity: O(digits).
    @inline(__always)
    static func writeNumber(_ v: Double, to out: UnsafeMutablePointer<UInt8>) -> Int? {
        if v.isNaN {
            let missing: StaticString = "missing"
            out.update(from: missing.utf8Start, count: missing.utf8CodeUnitCount)
            return missing.utf8CodeUnitCount
        }
        if v == v.rounded() && abs(v) < 1e12 {
            if v < 0 { out.pointee = UInt8(ascii: "-") }
            let sign = v < 0 ? 1 : 0
            return sign + FixedDecimal.writeDigits(Int(abs(v)), minimumWidth: 1, to: out + sign)
        }
        return FixedDecimal.write(v, digits: 2, to: out)
    }
}

/// Where `riskWithReasons` writes each row's strongest reasons; each caller fills its own rows.
private struct ReasonSlots: @unchecked Sendable {
    let columns: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Double>
    let slots: Int

    /// Fills `rows`' slots from their contributions in `source`: the i-th row's contribution of
    /// feature j at `i × rowStride + j × columnStride`, `width` features.
    func fill(rows: Range<Int>, from source: UnsafePointer<Double>, width: Int, rowStride: Int, columnStride: Int) {
        var top: [Int] = []
        top.reserveCapacity(slots + 1)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: width) { row in
            for (i, r) in rows.enumerated() {
                for j in 0..<width { row[j] = source[i * rowStride + j * columnStride] }
                RiskModel.largestPositive(UnsafeBufferPointer(row), count: slots, into: &top)
                for (s, j) in top.enumerated() {
                    columns[r * slots + s] = Int32(j)
                    values[r * slots + s] = row[j]
                }
            }
        }
    }
}

/// The logistic contributions, read by both halves.
private struct UnsafeSendableDoubles: @unchecked Sendable {
    let pointer: UnsafePointer<Double>
    init(_ pointer: UnsafePointer<Double>) { self.pointer = pointer }
}

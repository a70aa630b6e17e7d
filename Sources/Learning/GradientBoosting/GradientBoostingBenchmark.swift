import Foundation

/// The Waybill side of `Benchmarks/gbt_bench.py`: loads a data set the script wrote, trains
/// boosted trees on it, and times the training.
///
/// Files in the folder (written by the script): `meta.json` (`train_rows`, `test_rows`, and
/// `features`: name, kind, levels), `train_x.f64` and `test_x.f64` (column-major little-endian
/// float64, NaN = missing, level indices for categorical features), `train_y.u8`, `test_y.u8`
/// (one byte per row, 0 or 1).
public enum GradientBoostingBenchmark {
    /// What one run measured.
    public struct Result: Sendable, Codable {
        public var trainRows: Int
        public var testRows: Int
        public var features: Int
        public var rounds: Int
        public var threads: Int
        /// Wall time of `GradientBoostedTrees.train`, binning included.
        public var trainSeconds: Double
        /// Wall time of predicting the test rows.
        public var predictSeconds: Double
        public var testAUC: Double
    }

    struct Meta: Decodable {
        var train_rows: Int
        var test_rows: Int
        var features: [FeatureMatrix.Feature]
    }

    /// Loads the folder, trains with `parameters` on `threads` threads and scores the test rows.
    ///
    /// - Throws: `LearningError.invalidData` when a file is missing or has the wrong size.
    /// - Complexity: that of `GradientBoostedTrees.train`.
    public static func run(directory: String, parameters: GradientBoostingParameters, threads: Int) throws -> Result {
        let folder = URL(fileURLWithPath: directory)
        func read(_ name: String) throws -> Data {
            do { return try Data(contentsOf: folder.appendingPathComponent(name)) } catch {
                throw LearningError(.invalidData, "cannot read: \(error.localizedDescription)", location: name)
            }
        }
        let meta: Meta
        do { meta = try JSONDecoder().decode(Meta.self, from: try read("meta.json")) } catch let e as LearningError {
            throw e
        } catch {
            throw LearningError(.invalidData, "not a benchmark description: \(error)", location: "meta.json")
        }
        func matrix(_ name: String, rows: Int) throws -> FeatureMatrix {
            let data = try read(name)
            let expected = rows * meta.features.count * 8
            guard data.count == expected else {
                throw LearningError(.invalidData, "has \(data.count) bytes, expected \(expected)", location: name)
            }
            let values = data.withUnsafeBytes { raw in
                (0..<(rows * meta.features.count)).map {
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
                }
            }
            return FeatureMatrix(features: meta.features, rowCount: rows, values: values)
        }
        func labels(_ name: String, rows: Int) throws -> [Int] {
            let data = try read(name)
            guard data.count == rows else {
                throw LearningError(.invalidData, "has \(data.count) labels, expected \(rows)", location: name)
            }
            return data.map { Int($0) }
        }
        let train = try matrix("train_x.f64", rows: meta.train_rows)
        let test = try matrix("test_x.f64", rows: meta.test_rows)
        let y = try labels("train_y.u8", rows: meta.train_rows)
        let testY = try labels("test_y.u8", rows: meta.test_rows)

        let clock = ContinuousClock()
        let start = clock.now
        let model = try GradientBoostedTrees.train(train, labels: y, parameters: parameters, threads: threads)
        let trained = clock.now
        let scores = model.rawScores(test, threads: threads)
        let predicted = clock.now
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        return Result(
            trainRows: train.rowCount, testRows: test.rowCount, features: train.columnCount, rounds: model.rounds,
            threads: threads, trainSeconds: seconds(trained - start), predictSeconds: seconds(predicted - trained),
            testAUC: rankAUC(scores, testY))
    }

    /// ROC-AUC by mean ranks (the Mann–Whitney statistic); ties share their mean rank.
    ///
    /// - Complexity: O(n log n).
    static func rankAUC(_ scores: [Double], _ labels: [Int]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] == 1 { rankSum += mean }
            i = j + 1
        }
        let positives = Double(labels.filter { $0 == 1 }.count)
        let negatives = Double(labels.count) - positives
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }
}

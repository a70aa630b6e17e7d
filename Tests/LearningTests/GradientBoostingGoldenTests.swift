import Foundation
@testable import Learning
import Testing
import _TestSupport
import _WaybillSupport

/// Waybill's boosted trees against LightGBM on the same CSV with the same hyperparameters
/// (Tests/Goldens/gbt, made by make_gbt_goldens.py).
@Suite struct GradientBoostingGoldenTests {
    struct Golden: Decodable {
        var binary_test_auc: Double
        var binary_test_logloss: Double
        var multiclass_test_logloss: Double
        var multiclass_test_accuracy: Double
        var rounds: Int
        var train_rows: Int
    }

    struct Sets {
        var train: FeatureMatrix
        var test: FeatureMatrix
        var y: (train: [Int], test: [Int])
        var y3: (train: [Int], test: [Int])
    }

    static let folder = Fixtures.goldens.appendingPathComponent("gbt")

    static func load() throws -> (Sets, Golden) {
        let golden = try JSONDecoder().decode(
            Golden.self, from: Data(contentsOf: folder.appendingPathComponent("lightgbm.json")))
        let bytes = try ByteSource.readAll(path: folder.appendingPathComponent("gbt_data.csv.gz").path)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(header == ["split", "y", "y3"] + (0..<10).map { "x\($0)" } + ["c0", "c1"])
        var columns = [[Double]](repeating: [], count: 12)
        var isTrain: [Bool] = []
        var y: [Int] = []
        var y3: [Int] = []
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            isTrain.append(cells[0] == "train")
            y.append(Int(cells[1])!)
            y3.append(Int(cells[2])!)
            for j in 0..<12 { columns[j].append(cells[3 + j].isEmpty ? .nan : Double(cells[3 + j])!) }
        }
        var features = (0..<10).map { FeatureMatrix.Feature(name: "x\($0)", kind: .numeric) }
        features.append(.init(name: "c0", kind: .categorical, levels: (0..<6).map { "carrier\($0)" }))
        features.append(.init(name: "c1", kind: .categorical, levels: (0..<40).map { "region\($0)" }))
        let all = FeatureMatrix(features: features, columns: columns)
        all.checkInvariants()
        let train = isTrain.indices.filter { isTrain[$0] }
        let test = isTrain.indices.filter { !isTrain[$0] }
        let data = Sets(
            train: all.rows(train), test: all.rows(test), y: (train.map { y[$0] }, test.map { y[$0] }),
            y3: (train.map { y3[$0] }, test.map { y3[$0] }))
        return (data, golden)
    }

    /// LightGBM's settings in make_gbt_goldens.py (the rest are the defaults of both).
    static func parameters(rounds: Int) -> GradientBoostingParameters {
        var p = GradientBoostingParameters()
        p.rounds = rounds
        p.maxLeaves = 31
        p.learningRate = 0.1
        p.minDataInLeaf = 20
        p.lambdaL2 = 1
        p.maxBin = 255
        return p
    }

    @Test func binaryAUCWithinHalfAPointOfLightGBM() throws {
        let (data, golden) = try Self.load()
        #expect(data.train.rowCount == golden.train_rows)
        let model = try GradientBoostedTrees.train(
            data.train, labels: data.y.train, parameters: Self.parameters(rounds: golden.rounds), threads: 2)
        model.checkInvariants()
        #expect(model.rounds == golden.rounds)
        let p = model.predictProbability(data.test)
        let auc = GBTFixtures.auc(p, data.y.test)
        let loss = GradientBoostedTrees.logLoss(
            raw: model.rawScores(data.test), labels: data.y.test, weights: nil, k: 1)
        #expect(abs(auc - golden.binary_test_auc) <= 0.005, "AUC \(auc) vs LightGBM \(golden.binary_test_auc)")
        #expect(abs(loss - golden.binary_test_logloss) <= 0.01, "log loss \(loss) vs \(golden.binary_test_logloss)")
    }

    @Test func multiclassLogLossCloseToLightGBM() throws {
        let (data, golden) = try Self.load()
        var p = Self.parameters(rounds: golden.rounds)
        p.objective = .multiclass
        p.classCount = 3
        let model = try GradientBoostedTrees.train(data.train, labels: data.y3.train, parameters: p, threads: 2)
        #expect(model.trees.count == 3 * golden.rounds)
        let loss = GradientBoostedTrees.logLoss(
            raw: model.rawScores(data.test), labels: data.y3.test, weights: nil, k: 3)
        #expect(abs(loss - golden.multiclass_test_logloss) <= 0.01, "log loss \(loss) vs \(golden.multiclass_test_logloss)")
    }
}

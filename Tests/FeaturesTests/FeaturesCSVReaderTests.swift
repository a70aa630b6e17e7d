import Foundation
import Learning
import Mining
import Testing
import _TestSupport

@testable import Features

@Suite struct FeaturesCSVReaderTests {
    /// The simulated log's training window, written as `waybill features` writes it.
    static func written() throws -> (SLADataset, String) {
        let data = try SLADataset(log: try SimulatedLog.make().log, rule: .retailDefault)
        return (data, data.training.matrix.csv(rows: data.training.rows, log: data.log))
    }

    static func parse(_ text: String, _ features: [FeatureMatrix.Feature], maxRows: Int? = nil) throws
        -> TrainingTable
    {
        try TrainingTable.parseFeaturesCSV(Array(text.utf8), path: "f.csv", features: features, maxRows: maxRows)
    }

    /// Reading the CSV back gives the very matrix, labels and weights that were written.
    @Test func roundTripsTheWrittenMatrix() throws {
        let (data, text) = try Self.written()
        let url = Fixtures.temporaryDirectory("features-csv").appendingPathComponent("features-training.csv")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        let table = try TrainingTable(featuresCSVPath: url.path, schema: data.encoder.schema)
        table.checkInvariants()
        let part = data.training
        #expect(table.matrix.features == part.matrix.features)
        #expect(table.matrix.rowCount == part.matrix.rowCount)
        #expect(Self.same(table.matrix.values, part.matrix.values))
        #expect(table.labels == part.rows.label.map { $0 == 1 })
        #expect(table.weights == part.rows.weight)
        #expect(part.matrix.features.contains { $0.kind == .categorical })

        let head = try Self.parse(text, part.matrix.features, maxRows: 10)
        #expect(head.matrix.rowCount == 10 && Self.same(head.matrix.values, part.matrix.rows(0..<10).values))
    }

    /// Equal values, NaN equal to NaN.
    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    /// A header that does not fit the schema, a bad label, weight, number or level index, and a
    /// short row are errors naming the line and column.
    @Test func rejectsCellsThatDoNotFitTheSchema() throws {
        let features: [FeatureMatrix.Feature] = [
            .init(name: "x", kind: .numeric), .init(name: "c", kind: .categorical, levels: ["a", "b"]),
        ]
        let header = "case_id,prefix_time,label,weight,x,c\n"
        let ok = try Self.parse(header + "\"o,1\",2026-01-01T00:00:00Z,1,0.5,,1\no2,t,0,1,2.5,\n", features)
        #expect(ok.labels == [true, false] && ok.weights == [0.5, 1])
        #expect(ok.matrix[0, 0].isNaN && ok.matrix[0, 1] == 1 && ok.matrix[1, 0] == 2.5 && ok.matrix[1, 1].isNaN)
        let cases: [(String, String)] = [
            ("case_id,prefix_time,label,weight,x,d\n", "header column 6"),
            (header + "o,t,2,1,1,0\n", "line 2, column 'label'"),
            (header + "o,t,1,-1,1,0\n", "line 2, column 'weight'"),
            (header + "o,t,1,1,abc,0\n", "line 2, column 'x'"),
            (header + "o,t,1,1,1,0\no,t,1,1,1,2\n", "line 3, column 'c'"),
            (header + "o,t,1,1,1\n", "line 2: 5 cells"),
            (header + "o,t,1,1,1,0,9\n", "line 2: 7 cells"),
        ]
        for (text, message) in cases {
            #expect(throws: FeatureError.self) { try Self.parse(text, features) }
            do { _ = try Self.parse(text, features) } catch let error as FeatureError {
                #expect(error.code == .schemaMismatch && error.description.contains(message), "\(error)")
            }
        }
    }
}

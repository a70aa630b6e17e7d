import Foundation
import Learning
import Testing

@Suite struct LogisticRegressionTests {
    static let table: TrainingTable = try! TrainingTable(csvPath: LearningGoldens.path("logistic_problem.csv"))

    @Test func csvLoaderTypesTheColumns() throws {
        let t = Self.table
        t.checkInvariants()
        #expect(t.matrix.rowCount == 5000)
        #expect(t.matrix.features.map(\.name) == [
            "hours_to_promise", "carrier", "items", "distance_km", "channel", "weight_kg", "constant",
        ])
        #expect(t.matrix.features[1].kind == .categorical && t.matrix.features[1].levels == ["DHL", "GLS", "Hermes", "UPS"])
        #expect(t.matrix.features[4].levels == ["app", "store", "web"])
        #expect(t.matrix.column(3).contains { $0.isNaN })
    }

    @Test func encoderMatchesTheGoldenPreprocessing() throws {
        let golden = try LearningGoldens.json("logistic.json")
        let encoder = try LogisticEncoder(fitting: Self.table.matrix, weights: Self.table.weights)
        #expect(encoder.columnNames == golden["columnNames"] as! [String])
        for (column, expected) in zip(encoder.columns, golden["encoder"] as! [[String: Any]]) {
            #expect(column.name == expected["name"] as! String)
            if column.kind == .numeric {
                #expect(abs(column.mean - LearningGoldens.double(expected["mean"])) <= 1e-12 * max(1, abs(column.mean)))
                #expect(abs(column.scale - LearningGoldens.double(expected["scale"])) <= 1e-12 * column.scale)
                #expect(column.missingIndicator == (expected["missingIndicator"] as! Bool))
            } else {
                #expect(column.levels == expected["levels"] as! [String])
            }
        }
    }

    @Test(arguments: [0, 1]) func coefficientsMatchScikitLearn(fitIndex: Int) throws {
        let golden = try LearningGoldens.json("logistic.json")
        let fit = (golden["fits"] as! [[String: Any]])[fitIndex]
        let c = LearningGoldens.double(fit["C"])
        let model = try LogisticRegression.fit(Self.table, options: .init(inverseRegularization: c))
        model.checkInvariants()
        #expect(model.gradientNorm <= 1e-10)
        let expected = LearningGoldens.doubles(fit["coefficients"])
        #expect(model.coefficients.count == expected.count)
        for (name, (a, b)) in zip(model.coefficientNames, zip(model.coefficients, expected)) {
            #expect(abs(a - b) <= 1e-6, "\(name): \(a) vs sklearn \(b)")
        }
        #expect(abs(model.intercept - LearningGoldens.double(fit["intercept"])) <= 1e-6)
        let p = model.predictProbability(Self.table.matrix)
        for (a, b) in zip(p, LearningGoldens.doubles(fit["firstProbabilities"])) { #expect(abs(a - b) <= 1e-8) }
    }

    /// A naive Newton in pure Swift (dense Hessian, Gaussian elimination, no BLAS or LAPACK) on
    /// the golden's design, its first 300 rows.
    @Test func agreesWithANaiveNewton() throws {
        let small = TrainingTable(
            matrix: Self.table.matrix.rows(0..<300), labels: Array(Self.table.labels.prefix(300)),
            weights: Array(Self.table.weights.prefix(300)))
        let c = 0.5
        let model = try LogisticRegression.fit(small, options: .init(inverseRegularization: c))
        let encoder = try LogisticEncoder(fitting: small.matrix, weights: small.weights)
        let z = encoder.design(small.matrix)
        let n = 300, q = encoder.width + 1
        var beta = [Double](repeating: 0, count: q)
        for _ in 0..<50 {
            var g = [Double](repeating: 0, count: q)
            var h = [[Double]](repeating: [Double](repeating: 0, count: q), count: q)
            for i in 0..<n {
                var eta = 0.0
                for k in 0..<q { eta += z[k * n + i] * beta[k] }
                let p = 1 / (1 + exp(-eta))
                let y = small.labels[i] ? 1.0 : 0.0
                for k in 0..<q {
                    g[k] += small.weights[i] * (p - y) * z[k * n + i]
                    for l in 0..<q { h[k][l] += small.weights[i] * p * (1 - p) * z[k * n + i] * z[l * n + i] }
                }
            }
            for k in 0..<(q - 1) {
                g[k] += beta[k] / c
                h[k][k] += 1 / c
            }
            // Gaussian elimination with partial pivoting on [h | −g].
            var a = h
            var b = g.map { -$0 }
            for col in 0..<q {
                let pivot = (col..<q).max { abs(a[$0][col]) < abs(a[$1][col]) }!
                a.swapAt(col, pivot)
                b.swapAt(col, pivot)
                for r in (col + 1)..<q {
                    let f = a[r][col] / a[col][col]
                    for k in col..<q { a[r][k] -= f * a[col][k] }
                    b[r] -= f * b[col]
                }
            }
            var step = [Double](repeating: 0, count: q)
            for r in stride(from: q - 1, through: 0, by: -1) {
                var s = b[r]
                for k in (r + 1)..<q { s -= a[r][k] * step[k] }
                step[r] = s / a[r][r]
            }
            for k in 0..<q { beta[k] += step[k] }
        }
        for (a, b) in zip(model.coefficients + [model.intercept], beta) { #expect(abs(a - b) <= 1e-9) }
    }

    @Test func unseenAndMissingValuesScore() throws {
        let model = try LogisticRegression.fit(Self.table, options: .init(inverseRegularization: 1))
        let features = Self.table.matrix.features
        // Row 0: every numeric value missing, both categoricals missing (an unseen level is NaN).
        let columns: [[Double]] = features.map { _ in [.nan] }
        let eta = model.logOdds(FeatureMatrix(features: features, columns: columns))[0]
        let names = model.coefficientNames
        var expected = model.intercept
        for (name, value) in zip(names, model.coefficients) where name.hasSuffix("_missing") { expected += value }
        #expect(abs(eta - expected) <= 1e-12)
    }

    @Test func savedModelRoundTripsByteForByte() throws {
        let model = try LogisticRegression.fit(Self.table, options: .init(inverseRegularization: 0.1))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(model)
        let decoded = try JSONDecoder().decode(LogisticRegression.self, from: data)
        #expect(decoded == model)
        #expect(try encoder.encode(decoded) == data)
        #expect(decoded.predictProbability(Self.table.matrix) == model.predictProbability(Self.table.matrix))
        #expect(String(decoding: data, as: UTF8.self).contains("\"carrier\""))
        #expect(model.namedCoefficients.map(\.name).contains("carrier=DHL"))
    }

    @Test func badInputIsAnError() throws {
        let m = FeatureMatrix(features: [.init(name: "x", kind: .numeric)], columns: [[1, 2, 3]])
        #expect(throws: LearningError.self) { try LogisticRegression.fit(TrainingTable(matrix: m, labels: [true, true, true])) }
        #expect(throws: LearningError.self) {
            try LogisticRegression.fit(
                TrainingTable(matrix: m, labels: [true, false, true]), options: .init(inverseRegularization: 0))
        }
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("waybill-logistic-bad.csv")
        try "label,weight,x\n1,1,2\n2,1,3\n".write(to: csv, atomically: true, encoding: .utf8)
        #expect(throws: LearningError.self) { try TrainingTable(csvPath: csv.path) }
        do {
            _ = try TrainingTable(csvPath: csv.path)
        } catch let error as LearningError {
            #expect(error.description.contains("line 3") && error.description.contains("label"))
        }
    }
}

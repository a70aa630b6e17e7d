/// One timed logistic fit on a CSV file: what `waybill bench-logistic` measures for
/// `Benchmarks/logistic_bench.py`, which times scikit-learn on the same rows.
public struct LogisticBenchmark: Sendable, Codable, Equatable {
    /// A coefficient with its design column's name.
    public struct Coefficient: Sendable, Codable, Equatable {
        public var name: String
        public var value: Double
    }

    /// The training rows and input features read.
    public var rows: Int
    public var features: Int
    /// The design's columns, without the intercept.
    public var designColumns: Int
    /// Seconds to read and type the CSV (not part of the fit).
    public var loadSeconds: Double
    /// Seconds of `LogisticRegression.fit`: encoding and every Newton step.
    public var fitSeconds: Double
    public var iterations: Int
    public var gradientNorm: Double
    public var intercept: Double
    /// The fitted coefficients, so the harness can compare them with scikit-learn's.
    public var coefficients: [Coefficient]

    /// Reads `csvPath` (`label`, `weight`, then features, as `TrainingTable(csvPath:)` reads)
    /// and fits it once, timing each part with the monotonic clock.
    ///
    /// - Throws: what reading and fitting throw.
    /// - Complexity: that of `LogisticRegression.fit`.
    public static func run(csvPath: String, options: LogisticRegression.FitOptions) throws -> LogisticBenchmark {
        let clock = ContinuousClock()
        let start = clock.now
        let table = try TrainingTable(csvPath: csvPath)
        let loaded = clock.now
        let model = try LogisticRegression.fit(table, options: options)
        let fitted = clock.now
        return LogisticBenchmark(
            rows: table.matrix.rowCount, features: table.matrix.columnCount, designColumns: model.coefficients.count,
            loadSeconds: Self.seconds(loaded - start), fitSeconds: Self.seconds(fitted - loaded),
            iterations: model.iterations, gradientNorm: model.gradientNorm, intercept: model.intercept,
            coefficients: model.namedCoefficients.map { Coefficient(name: $0.name, value: $0.value) })
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

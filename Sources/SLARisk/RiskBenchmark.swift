import Features
import Foundation
import Learning
import Mining
import Storage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Waybill side of `Benchmarks/sla_risk.sh`: trains both learners on the CSV matrices that
/// `waybill features` wrote (the very files the reference tools read), and times building the
/// SLA dataset from a log.
public enum RiskBenchmark {
    /// A logistic coefficient with its design column's name.
    public struct Coefficient: Sendable, Codable {
        public var name: String
        public var value: Double
    }

    /// A fitted learner's figures on the test window.
    public struct LearnerResult: Sendable, Codable {
        /// Wall seconds of the fit (binning or encoding included).
        public var fitSeconds: Double
        /// CPU seconds of the whole process (every thread, user + system) during the fit.
        public var fitCPUSeconds: Double
        /// Boosting rounds or Newton iterations.
        public var iterations: Int
        /// ROC-AUC on the test rows, weighted by the weight column.
        public var testAUCWeighted: Double?
        /// ROC-AUC on the test rows, every row counting 1.
        public var testAUCUnweighted: Double?
        /// Logistic only: the intercept and the named design coefficients.
        public var intercept: Double?
        public var coefficients: [Coefficient]?
    }

    /// What one run on a features folder measured.
    public struct Result: Sendable, Codable {
        public var trainingRows: Int
        public var testRows: Int
        public var features: Int
        public var categoricalFeatures: Int
        /// Seconds to read the schema and the two CSV files (outside every timed fit).
        public var loadSeconds: Double
        public var threads: Int
        /// OpenBLAS's kernel set in this process (`BLASKernels.current`).
        public var blasKernels: String
        public var trees: LearnerResult?
        public var logistic: LearnerResult?
    }

    /// Which learners to run and how.
    public struct Options: Sendable {
        public var trees: GradientBoostingParameters?
        public var logistic: LogisticRegression.FitOptions?
        public var threads = 2
        /// Read at most this many training rows (all when nil).
        public var maxTrainingRows: Int?
        public init() {}
    }

    /// Reads `feature-schema.json`, `features-training.csv` and `features-test.csv` from
    /// `directory`, fits the chosen learners on the training rows (fixed rounds, no early stopping,
    /// no calibration) and evaluates them on the test rows.
    ///
    /// - Throws: `FeatureError` for files that do not fit the schema, `LearningError` from the learners.
    /// - Complexity: that of the learners on the training rows.
    public static func run(features directory: String, options: Options) throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let schemaPath = directory + "/feature-schema.json"
        let schema: FeatureSchema
        do {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: schemaPath))
            schema = try JSONDecoder().decode(FeatureSchema.self, from: bytes)
        } catch {
            throw FeatureError(.schemaMismatch, "not a feature schema: \(error)", location: schemaPath)
        }
        let train = try TrainingTable(
            featuresCSVPath: directory + "/features-training.csv", schema: schema, maxRows: options.maxTrainingRows)
        let test = try TrainingTable(featuresCSVPath: directory + "/features-test.csv", schema: schema)
        var result = Result(
            trainingRows: train.matrix.rowCount, testRows: test.matrix.rowCount, features: schema.features.count,
            categoricalFeatures: schema.features.filter { $0.kind == .categorical }.count,
            loadSeconds: seconds(clock.now - start), threads: options.threads, blasKernels: BLASKernels.current)
        func areas(_ probabilities: [Double]) throws -> (Double?, Double?) {
            let weighted = try BinaryMetrics(scores: probabilities, labels: test.labels, weights: test.weights)
            let unweighted = try BinaryMetrics(scores: probabilities, labels: test.labels)
            return (weighted.rocAUC, unweighted.rocAUC)
        }
        if let parameters = options.trees {
            let t0 = clock.now
            let c0 = cpuSeconds()
            let model = try GradientBoostedTrees.train(
                train.matrix, labels: train.labels.map { $0 ? 1 : 0 }, weights: train.weights, parameters: parameters,
                threads: options.threads)
            let fit = seconds(clock.now - t0)
            let cpu = cpuSeconds() - c0
            let (w, u) = try areas(model.predictProbability(test.matrix))
            result.trees = LearnerResult(
                fitSeconds: fit, fitCPUSeconds: cpu, iterations: model.rounds, testAUCWeighted: w, testAUCUnweighted: u)
        }
        if let fitOptions = options.logistic {
            let t0 = clock.now
            let c0 = cpuSeconds()
            let model = try LogisticRegression.fit(train, options: fitOptions)
            let fit = seconds(clock.now - t0)
            let cpu = cpuSeconds() - c0
            let (w, u) = try areas(model.predictProbability(test.matrix))
            result.logistic = LearnerResult(
                fitSeconds: fit, fitCPUSeconds: cpu, iterations: model.iterations, testAUCWeighted: w,
                testAUCUnweighted: u,
                intercept: model.intercept,
                coefficients: model.namedCoefficients.map { Coefficient(name: $0.name, value: $0.value) })
        }
        return result
    }

    /// What building the SLA dataset took.
    public struct DatasetTiming: Sendable, Codable {
        public var cases: Int
        public var events: Int
        /// Prefix rows of the training, validation and test windows.
        public var rows: [Int]
        public var features: Int
        /// Wall seconds of `SLADataset.init`: labelling, the split, every prefix row, the schema
        /// fit, the process context and the three feature matrices.
        public var datasetSeconds: Double
        /// CPU seconds of the whole process (every thread) while building it.
        public var datasetCPUSeconds: Double
        /// Wall seconds of loading the case view (set by the caller, which loads it).
        public var caseViewSeconds: Double = 0
    }

    /// Builds the SLA dataset of `log` once and times it.
    ///
    /// - Throws: what `SLADataset.init` throws.
    /// - Complexity: that of `SLADataset.init`.
    public static func timeDataset(log: ColumnarLog, rule: SLARule, mode: PrefixRows.Mode) throws -> DatasetTiming {
        let clock = ContinuousClock()
        let start = clock.now
        let c0 = cpuSeconds()
        let data = try SLADataset(log: log, rule: rule, mode: mode)
        let elapsed = seconds(clock.now - start)
        let cpu = cpuSeconds() - c0
        return DatasetTiming(
            cases: log.caseCount, events: log.activities.count,
            rows: [data.training.rows.count, data.validation.rows.count, data.test.rows.count],
            features: data.encoder.schema.features.count, datasetSeconds: elapsed, datasetCPUSeconds: cpu)
    }

    /// User + system CPU seconds of this process so far (every thread).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

import ArgumentParser
import Foundation
import Learning

/// `waybill bench-logistic` (hidden): one timed logistic fit for `Benchmarks/logistic_bench.py`.
struct BenchLogistic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-logistic",
        abstract: "Time one logistic regression fit on a CSV file (for Benchmarks/logistic_bench.py).",
        shouldDisplay: false)

    @Option(help: "A CSV file: label (0/1), weight, then the features.")
    var data: String

    @Option(name: .customLong("c"), help: "The inverse L2 strength (scikit-learn's C).")
    var inverseRegularization: Double = 1

    @Option(help: "Stop when the largest gradient component of the mean objective is at most this.")
    var tolerance: Double = 1e-10

    func run() throws {
        do {
            let result = try LogisticBenchmark.run(
                csvPath: data, options: .init(inverseRegularization: inverseRegularization, tolerance: tolerance))
            try printJSON(result)
        } catch let error as LearningError {
            // Not in ErrorMapping: this hidden command is the CLI's only learning entry so far.
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(error.code == .numericalFailure ? Exit.unexpected : Exit.badInput)
        }
    }
}

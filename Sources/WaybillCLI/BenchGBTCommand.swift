import ArgumentParser
import Learning

/// `waybill bench-gbt` (hidden): the Waybill side of `Benchmarks/gbt_bench.py`.
struct BenchGBT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-gbt",
        abstract: "Time boosted-trees training on a data set written by Benchmarks/gbt_bench.py (prints JSON).",
        shouldDisplay: false)

    @Option(help: ArgumentHelp("The folder gbt_bench.py wrote.", valueName: "dir"))
    var data: String

    @Option(help: "Boosting rounds.")
    var rounds: Int = 200

    @Option(help: "Leaves per tree.")
    var leaves: Int = 31

    @Option(help: "Worker threads (0 = one per core).")
    var threads: Int = 2

    func run() throws {
        var p = GradientBoostingParameters()
        p.rounds = rounds
        p.maxLeaves = leaves
        p.learningRate = 0.1
        p.minDataInLeaf = 20
        p.lambdaL2 = 1
        p.maxBin = 255
        let result = try GradientBoostingBenchmark.run(directory: data, parameters: p, threads: threads)
        try printJSON(result)
    }
}

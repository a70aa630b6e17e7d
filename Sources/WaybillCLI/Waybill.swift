import ArgumentParser

/// The `waybill` command: a thin layer over the library modules, one subcommand per stage.
struct Waybill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waybill",
        abstract: "Process intelligence and explainable exception analytics for order lifecycles.",
        discussion: """
            Every command works on a workspace folder (default: the current folder) holding the
            event store waybill.sqlite, an optional waybill.yaml, and Models/, Reports/,
            Notebooks-data/.

            Exit codes: 0 success; 1 unexpected failure; 3 unusable input (file, format, mapping,
            option); 4 too many rejected rows (nothing imported); 5 event store error (cannot open,
            written by a newer Waybill, not a store); 6 cannot write an output; 64 usage error.

            Quick start:
              waybill demo --workspace demo
              waybill ingest receipt.xes.gz --workspace ws
              waybill summary --workspace ws
            """,
        version: "0.1.0",
        subcommands: [
            Demo.self, Init.self, Simulate.self, Ingest.self, Extract.self, Export.self, Summary.self, Mine.self,
            Discover.self, ConformanceCheck.self, FeaturesExport.self, Train.self, Score.self, BacktestCommand.self,
            BenchGBT.self, BenchLogistic.self, BenchSLA.self,
        ])
}

import Foundation
import Testing
import _TestSupport

@testable import Simulation

@Suite struct DeterminismTests {
    @Test func sameConfigAndSeedGiveIdenticalOutput() throws {
        let config = SimulationConfig(orders: 2_000, seed: 11, weeks: 4, driftFromWeek: 3)
        let first = try Simulator.run(config, outputDirectory: Fixtures.temporaryDirectory("simulation-a").path)
        let second = try Simulator.run(config, outputDirectory: Fixtures.temporaryDirectory("simulation-b").path)
        #expect(try tableContents(first.sourcePath) == tableContents(second.sourcePath))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: first.groundTruthPath))
                == Data(contentsOf: URL(fileURLWithPath: second.groundTruthPath)))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: first.mappingPath))
                == Data(contentsOf: URL(fileURLWithPath: second.mappingPath)))
        // Written whole in one fixed order, the database file itself is byte-identical too.
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: first.sourcePath))
                == Data(contentsOf: URL(fileURLWithPath: second.sourcePath)))
        #expect(first.rows == second.rows)
        #expect(first.events == second.events)
    }

    @Test func chunkingDoesNotChangeTheOutput() throws {
        // More orders than one chunk, so several chunks are generated on several threads.
        let config = SimulationConfig(orders: Simulator.chunkSize + 1_500, seed: 5, weeks: 2)
        let a = try Simulator.run(config, outputDirectory: Fixtures.temporaryDirectory("simulation-c").path)
        let b = try Simulator.run(config, outputDirectory: Fixtures.temporaryDirectory("simulation-d").path)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: a.sourcePath))
                == Data(contentsOf: URL(fileURLWithPath: b.sourcePath)))
        #expect(a.rows["orders"] == config.orders)
    }

    @Test func differentSeedsGiveDifferentData() throws {
        let a = try Simulator.run(
            SimulationConfig(orders: 1_000, seed: 1, weeks: 4),
            outputDirectory: Fixtures.temporaryDirectory("simulation-e").path)
        let b = try Simulator.run(
            SimulationConfig(orders: 1_000, seed: 2, weeks: 4),
            outputDirectory: Fixtures.temporaryDirectory("simulation-f").path)
        let ta = try tableContents(a.sourcePath)
        let tb = try tableContents(b.sourcePath)
        #expect(ta["orders"] != tb["orders"])
        #expect(ta["carrier_scans"] != tb["carrier_scans"])
        // Master data is not random.
        #expect(ta["nodes"] == tb["nodes"])
        #expect(a.orders == b.orders)
    }
}

import Foundation
import Testing
import _TestSupport

@testable import Simulation

@Suite struct ConfigTests {
    static let invalid: [(SimulationConfig, String)] = [
        (SimulationConfig(orders: 0), "orders"),
        (SimulationConfig(orders: -5), "orders"),
        (SimulationConfig(weeks: 0), "weeks"),
        (SimulationConfig(weeks: -1), "weeks"),
        (SimulationConfig(startDate: "2026-13-01"), "startDate"),
        (SimulationConfig(startDate: "2026-02-30"), "startDate"),
        (SimulationConfig(startDate: "05/01/2026"), "startDate"),
        (SimulationConfig(startDate: "2026-01-05T00:00:00Z"), "startDate"),
        (SimulationConfig(startDate: ""), "startDate"),
        (SimulationConfig(driftFromWeek: 1), "driftFromWeek"),
        (SimulationConfig(weeks: 8, driftFromWeek: 9), "driftFromWeek"),
        (SimulationConfig(congestionFactor: 0.5), "congestionFactor"),
        (SimulationConfig(slowCarrierTransitFactor: .nan), "slowCarrierTransitFactor"),
        (SimulationConfig(marketplaceFailureRate: 1.5), "marketplaceFailureRate"),
    ]

    @Test(arguments: invalid)
    func invalidConfigIsRejectedWithTheField(_ config: SimulationConfig, field: String) throws {
        let directory = Fixtures.temporaryDirectory("simulation-invalid")
        let error = try #require(throws: SimulationError.self) {
            try Simulator.run(config, outputDirectory: directory.path)
        }
        #expect(error.code == .invalidConfig)
        #expect(error.location == field)
        #expect(error.description.hasPrefix("\(field): "))
        // Nothing was written.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func defaultsAreValid() throws {
        try SimulationConfig().validate()
        try SimulationConfig(orders: 1, weeks: 1).validate()
        try SimulationConfig(weeks: 8, driftFromWeek: 8).validate()
    }

    @Test func missingFieldsDecodeToDefaults() throws {
        let config = try JSONDecoder().decode(
            SimulationConfig.self, from: Data(#"{"orders": 120, "driftFromWeek": 3}"#.utf8))
        #expect(config == SimulationConfig(orders: 120, driftFromWeek: 3))
    }

    @Test func roundTripsThroughTheGroundTruth() throws {
        let fixture = SimulationFixture.shared
        #expect(fixture.truth.config == fixture.config)
    }
}

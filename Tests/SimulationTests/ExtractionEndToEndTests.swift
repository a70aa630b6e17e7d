import Foundation
import Testing
import _TestSupport
@testable import Ingestion
@testable import Simulation
@testable import Storage

/// The simulator's tables, extracted with its own mapping, give the log the simulator describes.
@Suite struct ExtractionEndToEndTests {
    @Test func simulatedSystemsExtractIntoTheStore() throws {
        let dir = Fixtures.temporaryDirectory("sim-extract")
        var config = SimulationConfig()
        config.orders = 2_000
        config.weeks = 4
        let result = try Simulator.run(config, outputDirectory: dir.appendingPathComponent("sim").path)
        let ws = try Workspace(path: dir.appendingPathComponent("ws").path)
        let store = try ws.openStore()
        let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
        let report = try ingestor.extract(sourcePath: result.sourcePath, mappingPath: result.mappingPath, options: ImportOptions())
        #expect(report.rejects == 0)
        #expect(report.eventsAdded == result.events)
        let log = try store.loadCaseView()
        log.checkInvariants()
        #expect(log.caseType == "orders")
        #expect(log.caseCount == 2_000)
        #expect(log.startActivities() == ["Order Created": 2_000])
        for key in ["channel", "node", "promised_at"] {
            #expect(log.caseAttributes[key]?.allSatisfy { $0 != nil } == true, "\(key)")
        }
        // Per activity, the store holds what the simulator says it wrote.
        var perActivity: [String: Int] = [:]
        for a in log.activities { perActivity[log.activityNames[Int(a)], default: 0] += 1 }
        #expect(perActivity == result.eventsPerActivity)
        // Running the same extraction again adds nothing.
        #expect(try ingestor.extract(sourcePath: result.sourcePath, mappingPath: result.mappingPath, options: ImportOptions()).eventsAdded == 0)
    }
}

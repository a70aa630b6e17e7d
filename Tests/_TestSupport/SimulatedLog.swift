import Foundation
import Ingestion
import Simulation
import Storage

/// A simulated retailer's orders extracted into a store, with the simulator's ground truth: the
/// log the SLA, bottleneck and drift tests check their findings against.
public struct SimulatedLog: Sendable {
    public var log: ColumnarLog
    public var truth: GroundTruth

    /// Simulates `orders` orders with `seed`, extracts them and loads the orders case view.
    /// Cached per (orders, seed) for the test process.
    public static func make(orders: Int = 4_000, seed: UInt64 = 42) throws -> SimulatedLog {
        let key = "\(orders)-\(seed)"
        if let cached = cache.get(key) { return cached }
        let directory = Fixtures.temporaryDirectory("simulated-\(key)")
        var config = SimulationConfig(orders: orders)
        config.seed = seed
        let result = try Simulator.run(config, outputDirectory: directory.appendingPathComponent("sim").path)
        let ws = try Workspace(path: directory.path)
        let store = try ws.openStore()
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).extract(
            sourcePath: result.sourcePath, mappingPath: result.mappingPath, options: ImportOptions())
        let truth = try GroundTruth.decode(Data(contentsOf: URL(fileURLWithPath: result.groundTruthPath)))
        let made = SimulatedLog(log: try store.loadCaseView(), truth: truth)
        cache.set(key, made)
        return made
    }

    private static let cache = Cache()

    private final class Cache: @unchecked Sendable {
        private var values: [String: SimulatedLog] = [:]
        private let lock = NSLock()
        func get(_ key: String) -> SimulatedLog? { lock.withLock { values[key] } }
        func set(_ key: String, _ value: SimulatedLog) { lock.withLock { values[key] = value } }
    }
}

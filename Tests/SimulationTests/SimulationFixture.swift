import Foundation
import Storage
import Testing
import _TestSupport

@testable import Simulation

/// One simulation run shared by the tests that only read its output.
///
/// 4,000 orders over eight weeks with drift from week 5: enough for every injected pattern to
/// stand out, small enough to generate in well under a second.
struct SimulationFixture: Sendable {
    let config: SimulationConfig
    let directory: URL
    let result: SimulationResult
    let truth: GroundTruth

    static let shared: SimulationFixture = make(SimulationConfig(orders: 4_000, seed: 7, driftFromWeek: 5))

    static func make(_ config: SimulationConfig, label: String = "simulation") -> SimulationFixture {
        let directory = Fixtures.temporaryDirectory(label)
        let result = try! Simulator.run(config, outputDirectory: directory.path)
        let truth = try! GroundTruth.decode(Data(contentsOf: URL(fileURLWithPath: result.groundTruthPath)))
        // The analyses below join on keys the loader leaves unindexed.
        try! SQLiteConnection(path: result.sourcePath).execute(
            """
            CREATE INDEX test_scans ON carrier_scans(tracking_no, scan);
            CREATE INDEX test_tasks ON warehouse_tasks(order_id, task);
            CREATE INDEX test_allocations ON allocations(order_id, attempt);
            CREATE INDEX test_returns ON returns(order_id);
            CREATE INDEX test_shipments ON shipments(order_id);
            ANALYZE;
            """)
        return SimulationFixture(config: config, directory: directory, result: result, truth: truth)
    }

    /// A new read-only connection: tests run in parallel, and one connection must not be used
    /// by two threads at once.
    func connect() throws -> SQLiteConnection { try SQLiteConnection(path: result.sourcePath, readOnly: true) }

    /// Rows of a query.
    func rows(_ sql: String, _ arguments: [SQLiteValue] = []) -> [[SQLiteValue]] { try! connect().rows(sql, arguments) }

    /// The first column of the first row as an integer.
    func scalarInt(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> Int64? {
        try connect().scalarInt(sql, arguments)
    }

    /// The first column of a query as doubles (NULLs skipped).
    func doubles(_ sql: String) -> [Double] {
        rows(sql).compactMap { row in
            switch row[0] {
            case .real(let v): v
            case .integer(let v): Double(v)
            default: nil
            }
        }
    }

    /// A single number.
    func number(_ sql: String) -> Double { doubles(sql).first ?? .nan }
}

/// The median of a non-empty list.
func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of nothing")
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Every row of every source table, in rowid order: the content two runs must agree on.
func tableContents(_ path: String) throws -> [String: [[SQLiteValue]]] {
    let db = try SQLiteConnection(path: path, readOnly: true)
    var contents: [String: [[SQLiteValue]]] = [:]
    for table in SourceSchema.tableNames {
        contents[table] = try db.rows("SELECT * FROM \(table) ORDER BY rowid")
    }
    return contents
}

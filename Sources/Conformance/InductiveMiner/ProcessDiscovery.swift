import Foundation
import Storage

/// A discovered process model: the inductive miner's tree and its workflow net, with the size of
/// the log it came from; what `waybill discover` computes and writes.
public struct ProcessDiscovery: Sendable {
    /// The discovered tree (PM4Py's folded, sorted form).
    public var tree: ProcessTree
    /// The tree as a sound workflow net (`ProcessTree.petriNet()`).
    public var net: PetriNet
    /// The noise threshold used (0: IM).
    public var noiseThreshold: Double
    /// Cases and events mined.
    public var cases: Int
    public var events: Int

    /// The output files, in the order they are written.
    public static let files = ["process-tree.txt", "model.pnml"]

    /// Discovers the tree and the net of a case view.
    ///
    /// - Complexity: as `InductiveMiner.discover(_:)`, plus the conversion (small).
    public init(log: ColumnarLog, miner: InductiveMiner) {
        tree = miner.discover(log)
        net = tree.petriNet()
        noiseThreshold = miner.noiseThreshold
        cases = log.caseCount
        events = log.eventCount
    }

    /// Writes `process-tree.txt` (the tree's PM4Py text and a newline) and `model.pnml`
    /// (`PetriNet.pnml()`) into a folder, created if missing; each file is written whole to a
    /// temporary file and then moved into place.
    ///
    /// - Returns: the paths written.
    /// - Throws: `ConformanceError.cannotWrite` naming the folder or file.
    @discardableResult
    public func write(to directory: URL) throws -> [String] {
        try writeFiles(names: Self.files, texts: [tree.description + "\n", net.pnml()], to: directory)
    }
}

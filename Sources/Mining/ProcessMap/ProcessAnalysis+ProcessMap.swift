import Foundation
import Storage

extension ProcessAnalysis {
    /// The files `writeProcessMap` writes, in order.
    public static let processMapFiles = ["process-map.svg", "process-map.dot"]

    /// Draws the process map of the analysed log and writes it as `process-map.svg` and
    /// `process-map.dot` into a folder (created if missing), each written whole to a temporary
    /// file and then moved into place.
    ///
    /// - Parameter log: the log this analysis was made from (its variants select the cases when
    ///   the options ask for the top variants).
    /// - Returns: the paths written, in `processMapFiles` order.
    /// - Throws: `MiningError.invalidOption` for unusable options, `MiningError.cannotWrite`
    ///   naming the folder or file.
    /// - Complexity: that of `ProcessMap.init(log:variants:options:)` and of the layout.
    @discardableResult
    public func writeProcessMap(of log: ColumnarLog, options: ProcessMap.Options, to directory: URL) throws -> [String]
    {
        try options.validate()
        let map = ProcessMap(log: log, variants: variants, options: options, graph: directlyFollows)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MiningError(
                .cannotWrite, "cannot create the output folder: \(error.localizedDescription)", location: directory.path
            )
        }
        var written: [String] = []
        for (file, text) in zip(Self.processMapFiles, [map.svg(), map.dot()]) {
            let url = directory.appendingPathComponent(file)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw MiningError(.cannotWrite, "cannot write: \(error.localizedDescription)", location: url.path)
            }
            written.append(url.path)
        }
        return written
    }
}

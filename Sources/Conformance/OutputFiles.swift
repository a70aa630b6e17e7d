import Foundation

/// Writes text files into a folder (created if missing), each whole to a temporary file and then
/// moved into place: what `ProcessDiscovery.write` and `TokenReplay.writeTables` share.
///
/// - Returns: the paths written, in the given order.
/// - Throws: `ConformanceError.cannotWrite` naming the folder or file.
/// - Complexity: O(total bytes).
func writeFiles(names: [String], texts: [String], to directory: URL) throws -> [String] {
    precondition(names.count == texts.count, "one text per file")
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
        throw ConformanceError(
            .cannotWrite, "cannot create the output folder: \(error.localizedDescription)", location: directory.path)
    }
    var written: [String] = []
    for (name, text) in zip(names, texts) {
        let url = directory.appendingPathComponent(name)
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw ConformanceError(.cannotWrite, "cannot write: \(error.localizedDescription)", location: url.path)
        }
        written.append(url.path)
    }
    return written
}

import Foundation
import Learning
import _WaybillSupport

/// A model's folder, `Models/<model-id>/`: its files and the SHA-256 of each, so that loading can
/// prove nothing was changed since training.
///
/// `SHA256SUMS` lists every other file with its digest in `sha256sum` format
/// (`<hex>  <name>`), so `sha256sum -c SHA256SUMS` checks a folder without Waybill. Files are
/// written to a temporary folder and moved into place at the end, so a killed run leaves no
/// half-written model.
public enum ModelDirectory {
    /// The manifest's file name.
    public static let manifest = "SHA256SUMS"

    /// Writes `files` (name → contents) and their manifest into `directory`, replacing an
    /// existing model folder of the same name.
    ///
    /// - Throws: `LearningError.cannotWrite`.
    /// - Complexity: O(total bytes).
    public static func write(_ files: [String: Data], to directory: URL) throws {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).partial-\(getpid())")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            var lines: [String] = []
            for name in files.keys.sorted() {
                let data = files[name]!
                try data.write(to: staging.appendingPathComponent(name))
                lines.append("\(FileDigest.sha256(bytes: data))  \(name)")
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: staging.appendingPathComponent(manifest))
            if fm.fileExists(atPath: directory.path) { try fm.removeItem(at: directory) }
            try fm.moveItem(at: staging, to: directory)
        } catch {
            try? fm.removeItem(at: staging)
            throw LearningError(.cannotWrite, "cannot write the model: \(error.localizedDescription)", location: directory.path)
        }
    }

    /// Reads a model folder's files after checking every digest in its manifest; a folder
    /// without a manifest, a missing or extra file, or a changed byte is refused.
    ///
    /// - Throws: `LearningError.invalidModel` naming the folder and the file.
    /// - Complexity: O(total bytes).
    public static func read(_ directory: URL) throws -> [String: Data] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LearningError(.invalidModel, "no model folder here; give Models/<model-id>", location: directory.path)
        }
        guard let manifestData = fm.contents(atPath: directory.appendingPathComponent(manifest).path) else {
            throw LearningError(
                .invalidModel, "has no \(manifest): not a Waybill model folder, or it was tampered with",
                location: directory.path)
        }
        var files: [String: Data] = [:]
        for (n, line) in String(decoding: manifestData, as: UTF8.self).split(separator: "\n").enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].count == 64 else {
                throw LearningError(
                    .invalidModel, "line \(n + 1) is not '<sha256>  <file>'", location: "\(directory.path)/\(manifest)")
            }
            let name = String(parts[1]).trimmingCharacters(in: .whitespaces)
            guard !name.contains("/"), !name.hasPrefix(".") else {
                throw LearningError(.invalidModel, "names a file outside the folder: \(name)", location: directory.path)
            }
            guard let data = fm.contents(atPath: directory.appendingPathComponent(name).path) else {
                throw LearningError(.invalidModel, "\(name) is listed in \(manifest) but missing", location: directory.path)
            }
            guard FileDigest.sha256(bytes: data) == String(parts[0]).lowercased() else {
                throw LearningError(
                    .invalidModel,
                    "\(name) does not match its SHA-256 in \(manifest): the file was changed after training; retrain or restore it",
                    location: directory.path)
            }
            files[name] = data
        }
        let present = try fm.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") && $0 != manifest }
        for name in present where files[name] == nil {
            throw LearningError(.invalidModel, "\(name) is not listed in \(manifest)", location: directory.path)
        }
        return files
    }
}

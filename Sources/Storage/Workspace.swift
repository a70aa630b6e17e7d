import Foundation

/// A workspace folder: the event store, the config file and the artifact folders.
///
/// ```
/// <workspace>/waybill.sqlite      the event store
/// <workspace>/waybill.yaml        optional configuration
/// <workspace>/rejects.csv         rows imports could not use
/// <workspace>/Models/  Reports/  Notebooks-data/
/// ```
/// Paths taken from configuration are resolved with `resolve(_:)`, which refuses any that would
/// leave the workspace.
public struct Workspace: Sendable {
    /// The workspace folder, absolute and standardised.
    public let root: URL

    /// A workspace at a folder (created if missing, with its artifact folders).
    public init(path: String, create: Bool = true) throws {
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        root = url
        if create {
            for folder in ["", "Models", "Reports", "Notebooks-data"] {
                do {
                    try FileManager.default.createDirectory(
                        at: url.appendingPathComponent(folder), withIntermediateDirectories: true)
                } catch {
                    throw StoreError(.cannotOpen, "cannot create the workspace folder: \(error.localizedDescription)", path: url.appendingPathComponent(folder).path)
                }
            }
        }
    }

    /// The event store's path.
    public var storePath: String { root.appendingPathComponent(EventStore.fileName).path }
    /// The rejects file's path.
    public var rejectsPath: String { root.appendingPathComponent("rejects.csv").path }
    /// The configuration file's path.
    public var configPath: String { root.appendingPathComponent("waybill.yaml").path }
    /// `Models/`.
    public var modelsDirectory: URL { root.appendingPathComponent("Models", isDirectory: true) }
    /// `Reports/`.
    public var reportsDirectory: URL { root.appendingPathComponent("Reports", isDirectory: true) }
    /// `Notebooks-data/`.
    public var notebooksDirectory: URL { root.appendingPathComponent("Notebooks-data", isDirectory: true) }

    /// Opens (or creates) the workspace's event store.
    public func openStore(create: Bool = true) throws -> EventStore {
        try EventStore(path: storePath, create: create)
    }

    /// Resolves a relative path from configuration inside the workspace.
    ///
    /// - Throws: `StoreError.invalidInput` for an absolute path or one that climbs out with `..`
    ///   (after resolving symbolic links of the existing part).
    public func resolve(_ relative: String) throws -> URL {
        guard !relative.hasPrefix("/") else {
            throw StoreError(.invalidInput, "path '\(relative)' in the configuration is absolute; give a path inside the workspace")
        }
        let candidate = root.appendingPathComponent(relative).standardizedFileURL.resolvingSymlinksInPath()
        let base = root.resolvingSymlinksInPath().path
        guard candidate.path == base || candidate.path.hasPrefix(base + "/") else {
            throw StoreError(.invalidInput, "path '\(relative)' leaves the workspace \(root.path); keep configured paths inside it")
        }
        return candidate
    }
}

import Foundation

/// Locates the committed real-log fixtures and makes scratch folders for tests.
public enum Fixtures {
    /// `Tests/Fixtures`, found from this source file's location.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The path of a fixture file, e.g. `receipt.csv` or `ocel2/ocel20_example.jsonocel`.
    public static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The golden files folder, `Tests/Goldens`.
    public static let goldens: URL = directory.deletingLastPathComponent().appendingPathComponent("Goldens")

    /// A new empty temporary folder.
    public static func temporaryDirectory(_ label: String = "waybill") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes text to a file in a folder and returns its path.
    @discardableResult
    public static func write(_ text: String, to name: String, in directory: URL) -> String {
        let url = directory.appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }
}

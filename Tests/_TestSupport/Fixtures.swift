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

    /// The folder of this test process's temporary folders, `$TMPDIR/waybill-tests/<pid>`. It is
    /// removed when the process exits; folders left by test processes no longer running (killed,
    /// crashed) are removed when the next one starts, so repeated test runs do not fill the disk.
    static let scratchRoot: URL = {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("waybill-tests", isDirectory: true)
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] {
            if let pid = Int32(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
            }
        }
        let root = base.appendingPathComponent("\(getpid())", isDirectory: true)
        try! FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("waybill-tests/\(getpid())")
            try? FileManager.default.removeItem(at: root)
        }
        return root
    }()

    /// A new empty temporary folder, inside `scratchRoot`.
    public static func temporaryDirectory(_ label: String = "waybill") -> URL {
        let url = scratchRoot.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
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

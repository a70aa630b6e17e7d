import Foundation

/// A progress bar on standard error, drawn only when standard error is a terminal.
///
/// Batch runs (CI, cron, pipes) stay quiet: nothing is written when stderr is not a TTY.
public final class Progress: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private var lastDrawn = -1
    private var lastTime = 0.0

    /// A bar for `total` units of work (bytes, rows...).
    public init(label: String, total: Int, enabled: Bool = isatty(2) == 1) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
    }

    /// Reports progress; redraws at most ten times a second.
    public func update(_ done: Int) {
        guard enabled else { return }
        let percent = min(100, done * 100 / total)
        let now = Date().timeIntervalSinceReferenceDate
        guard percent != lastDrawn, now - lastTime > 0.1 || percent == 100 else { return }
        lastDrawn = percent
        lastTime = now
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
    }

    /// Clears the bar's line.
    public func finish() {
        guard enabled, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

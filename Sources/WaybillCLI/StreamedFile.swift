import Foundation

/// A file written in pieces and put in place at once: the pieces go to a temporary file beside
/// it, renamed over the file when all are written, so readers never see half a file and a failed
/// or killed run leaves the old one.
///
/// For outputs too large to build in memory first (a risk list of a million orders is about
/// 200 MB); `Data.write(to:options: .atomic)` needs the whole output as one `Data`.
enum StreamedFile {
    /// Creates `url`'s folder if needed, then calls `body` with a function that appends bytes to
    /// the file, and puts the file in place when `body` returns.
    ///
    /// - Throws: `OutputError` naming `url` when the folder, the file or a write fails; `body`'s
    ///   own errors unchanged. Either way the temporary file is removed.
    /// - Complexity: O(bytes written).
    static func write(
        to url: URL, _ body: (_ append: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        func failure(_ reason: String) -> OutputError { OutputError(path: url.path, reason: reason) }
        func lastError() -> String { String(cString: strerror(errno)) }
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw failure(error.localizedDescription)
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(lastError()) }
        var closed = false
        defer {
            if !closed { close(fd) }
            unlink(temporary)  // gone after the rename; removes what a failure left
        }
        try body { bytes in
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure(lastError()) }
                done += n
            }
        }
        closed = true
        guard close(fd) == 0 else { throw failure(lastError()) }
        guard rename(temporary, url.path) == 0 else { throw failure(lastError()) }
    }
}

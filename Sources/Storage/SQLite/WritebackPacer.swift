import CFileSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts the kernel writing a long transaction's pages to disk while the transaction goes on, so
/// that its commit does not wait for all of them at once.
///
/// SQLite writes the pages of a large transaction into the page cache as its own cache fills, and
/// the kernel leaves them there (dirty) until a flusher's threshold or the commit's `fsync`. A
/// 1 M-order CSV import writes 1.2 GB: its commit then waited 0.6 s for the disk, 7 % of the
/// import, with the processor idle. Asking for writeback every `interval` bytes of file growth
/// (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`, which queues the writes and returns) lets the
/// disk work alongside the import, and leaves the commit the last few megabytes. This is what
/// RocksDB's `bytes_per_sync` and PostgreSQL's `backend_flush_after` do. Durability is unchanged:
/// the commit still syncs; the pacer only moves writes earlier.
///
/// The pacer opens the file itself: the call acts on the file's pages whichever descriptor names
/// it. Where the call does not exist or fails, the pacer stops asking; nothing is lost.
public final class WritebackPacer {
    /// The file paced.
    public let path: String
    /// Bytes of growth between two requests.
    public let interval: Int
    /// Requests made.
    public private(set) var requests = 0
    private var fd: Int32
    /// The file's size at the last request (or at the start).
    private var mark: Int

    /// Paces the file at `path`; nil when it cannot be opened (it does not exist, say).
    public init?(path: String, interval: Int = WritebackPacer.defaultInterval) {
        precondition(interval > 0, "the interval must be positive")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            return nil
        }
        self.path = path
        self.interval = interval
        self.fd = fd
        mark = Int(info.st_size)
    }

    /// 32 MiB: a few seconds of the disk's work would be too much to leave to the commit, and
    /// each request costs a walk over the file's dirty pages.
    public static let defaultInterval = 32 << 20

    deinit { if fd >= 0 { close(fd) } }

    /// Asks for writeback when the file has grown by `interval` bytes since the last request.
    ///
    /// - Complexity: O(1) (one `fstat`), plus the kernel's queueing of the dirty pages when a
    ///   request is made.
    public func fileMayHaveGrown() {
        guard fd >= 0 else { return }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        let size = Int(info.st_size)
        guard size - mark >= interval else { return }
        mark = size
        guard wb_start_writeback(fd) == 0 else {
            close(fd)
            fd = -1
            return
        }
        requests += 1
    }

    /// The file's pages in the page cache that are dirty and under writeback, or nil where the
    /// kernel cannot say (Linux before 6.5) or the pacer has stopped.
    public func pageCounts() -> (dirty: Int, underWriteback: Int)? {
        guard fd >= 0 else { return nil }
        var dirty: Int64 = 0
        var writeback: Int64 = 0
        guard wb_dirty_pages(fd, &dirty, &writeback) == 0 else { return nil }
        return (Int(dirty), Int(writeback))
    }
}

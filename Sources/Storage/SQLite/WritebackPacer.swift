import CFileSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sends a long transaction's pages to disk while the transaction goes on, and lets the page
/// cache forget the ones already there: the import streams its writes instead of piling them up.
///
/// SQLite writes the pages of a large transaction into the page cache as its own cache fills, and
/// the kernel leaves them there, dirty, until a flusher's threshold or the commit's `fsync`. A
/// 1 M-order CSV import writes 1.2 GB. Two costs followed, both measured on that import:
/// - The commit waited 0.6 s for the disk, 7 % of the import, with the processor idle.
/// - Every page of the 1.2 GB was memory the kernel had to find for the page cache, and on the
///   virtual machines we run on, memory left free for a while is slow to use again (the host
///   likely takes it back: they have a virtio balloon). Writing 1.2 GB with `dd` took 4.1 s of
///   system time, and 0.3 to 0.4 s when repeated at once into the memory just freed; the
///   import's `pwrite`s took 3.4 s (under strace).
///
/// So every `interval` bytes of file growth the pacer asks for writeback of the dirty pages
/// (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`, which queues the writes and returns), and
/// drops the pages the transaction appended below the size of the request before, which have had
/// an interval to reach the disk (`posix_fadvise` with `POSIX_FADV_DONTNEED`, which leaves dirty
/// and in-flight pages be). The file's pages from before the pacer are kept: an import into a
/// large store still reads its indexes there, from the cache.
/// The disk works alongside the import; the page cache holds about two intervals of the store,
/// whose pages the kernel reuses while they are still warm (the `pwrite`s: 0.95 s); and the
/// commit has the last few megabytes left to sync (0.01 s). This is RocksDB's `bytes_per_sync`
/// and PostgreSQL's `backend_flush_after`, with the drop-behind of PostgreSQL's ring buffer for
/// bulk writes.
///
/// What it changes: durability not at all (the commit still syncs; writes only go earlier).
/// The first read of a new store after a large import comes from the disk, not the cache.
/// SQLite keeps the pages it reuses (the tables' right edges, the indexes) in its own cache: a
/// 1 M-order import makes the same 85 reads either way.
///
/// The pacer opens the file itself: both calls act on the file's pages whichever descriptor
/// names it. Where a call does not exist or fails, the pacer stops; nothing is lost.
public final class WritebackPacer {
    /// The file paced.
    public let path: String
    /// Bytes of growth between two requests.
    public let interval: Int
    /// Requests made.
    public private(set) var requests = 0
    private var fd: Int32
    /// The file's size at the start: pages below it are never dropped.
    private let origin: Int
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
        origin = Int(info.st_size)
        mark = origin
    }

    /// 32 MiB: a few seconds of the disk's work would be too much to leave to the commit, and
    /// each request costs a walk over the file's cached pages.
    public static let defaultInterval = 32 << 20

    deinit { if fd >= 0 { close(fd) } }

    /// When the file has grown by `interval` bytes since the last request, asks for writeback
    /// of its dirty pages and drops the pages appended since the start below the last request's
    /// size.
    ///
    /// - Complexity: O(1) (one `fstat`), plus the kernel's walk over the file's cached pages
    ///   when a request is made.
    public func fileMayHaveGrown() {
        guard fd >= 0 else { return }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        let size = Int(info.st_size)
        guard size - mark >= interval else { return }
        let previous = mark
        mark = size
        guard wb_start_writeback(fd) == 0 else {
            close(fd)
            fd = -1
            return
        }
        // Pages rewritten since are dirty again and stay; they go with a later request.
        if previous > origin { _ = posix_fadvise(fd, off_t(origin), off_t(previous - origin), POSIX_FADV_DONTNEED) }
        requests += 1
    }

    /// The file's pages in the page cache, and of them the dirty ones and the ones under
    /// writeback; nil where the kernel cannot say (Linux before 6.5) or the pacer has stopped.
    public func pageCounts() -> (cached: Int, dirty: Int, underWriteback: Int)? {
        guard fd >= 0 else { return nil }
        var cached: Int64 = 0
        var dirty: Int64 = 0
        var writeback: Int64 = 0
        guard wb_page_counts(fd, &cached, &dirty, &writeback) == 0 else { return nil }
        return (Int(cached), Int(dirty), Int(writeback))
    }
}

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A whole file mapped into memory for one pass from start to end, read in place.
///
/// Reading a file with `read(2)` copies every byte from the page cache into the reader's buffer
/// (about 5 % of a one-core CSV ingest); a mapping reads the page cache itself. The reader
/// releases the pages it is done with (`release(upTo:)`), so the resident memory stays a window's
/// worth, not the file's. The mapping is private and writable: a write would copy the page and
/// never reach the file.
///
/// A file that shrinks while mapped makes a read past its new end fault with SIGBUS: callers
/// install `MappedFile.reportTruncation()` in a process that maps files it does not own.
public final class MappedFile {
    /// The file's path, as given.
    public let path: String
    /// The file's size when it was mapped.
    public let size: Int
    /// The first byte (nil for an empty file, which is not mapped).
    public let base: UnsafeMutablePointer<UInt8>?
    /// The memory page size: releases are in whole pages.
    public let pageSize: Int
    /// The file offset below which pages were released.
    private var released = 0
    /// The path as a C string, owned by this mapping, for the SIGBUS message.
    private let cPath: UnsafeMutablePointer<CChar>?

    /// Maps the file at `path`; nil when it cannot be mapped (not a regular file, say), for the
    /// caller to read it instead.
    public init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        self.path = path
        size = Int(info.st_size)
        pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        if size == 0 {
            base = nil
            cPath = nil
            return
        }
        guard let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            return nil
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        base = address.assumingMemoryBound(to: UInt8.self)
        cPath = strdup(path)
        MappedFile.currentPath.store(Int(bitPattern: cPath), ordering: .releasing)
    }

    deinit {
        if let base { munmap(base, size) }
        // Out of the SIGBUS message only if no mapping made since took its place; each mapping
        // frees only its own string, so mappings on several threads never free one twice.
        _ = MappedFile.currentPath.compareExchange(
            expected: Int(bitPattern: cPath), desired: 0, ordering: .acquiringAndReleasing)
        free(cPath)
    }

    /// Maps the page tables of `range` now, in one call rather than a fault per few pages
    /// (Linux 5.14's `MADV_POPULATE_READ`; elsewhere the pages fault in as they are read).
    ///
    /// - Complexity: O(pages in `range`).
    public func prefetch(_ range: Range<Int>) {
        #if os(Linux)
            guard let base, !range.isEmpty else { return }
            let start = range.lowerBound & ~(pageSize - 1)
            let populateRead: Int32 = 22  // MADV_POPULATE_READ, missing from older headers
            _ = madvise(base + start, range.upperBound - start, populateRead)
        #endif
    }

    /// Gives back the pages wholly below file offset `offset`: they leave the process's resident
    /// memory (the file's pages stay in the page cache); reading them again maps them again.
    ///
    /// - Complexity: O(pages released).
    public func release(upTo offset: Int) {
        guard let base else { return }
        let end = min(offset, size) & ~(pageSize - 1)
        guard end > released else { return }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// The C string of the path of the file mapped last, while it stays mapped (0 when none),
    /// for the SIGBUS message: the handler may only call `write`.
    private static let currentPath = Atomic<Int>(0)

    /// Makes a SIGBUS (a mapped file that shrank while read) end the process with one line,
    /// `error: FILE: the file shrank while it was read; nothing was imported`, and exit
    /// status `status`, rather than a crash. The import's transaction was never committed, so
    /// the store is as it was.
    public static func reportTruncation(status: Int32) {
        exitStatus = status
        var action = sigaction()
        #if os(Linux)
            action.__sigaction_handler.sa_handler = { _ in MappedFile.sigbus() }
        #else
            action.__sigaction_u.__sa_handler = { _ in MappedFile.sigbus() }
        #endif
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
    }

    nonisolated(unsafe) private static var exitStatus: Int32 = 1

    /// The SIGBUS handler's body: only calls that are safe in a signal handler. A SIGBUS with no
    /// file mapped is not a shrunk file: it gets the default action (the process ends on it).
    private static func sigbus() -> Never {
        guard let path = UnsafePointer<CChar>(bitPattern: currentPath.load(ordering: .acquiring)) else {
            signal(SIGBUS, SIG_DFL)
            raise(SIGBUS)
            _exit(exitStatus)
        }
        func say(_ text: UnsafePointer<CChar>) { _ = write(2, text, strlen(text)) }
        say("error: ")
        say(path)
        say(": the file shrank while it was read; nothing was imported\n")
        _exit(exitStatus)
    }
}

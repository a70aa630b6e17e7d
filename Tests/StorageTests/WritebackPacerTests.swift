import Foundation
import Testing
import _TestSupport
@testable import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// The store's writeback pacer: when it asks, and that asking moves the file's pages on and out
/// of the cache.
@Suite struct WritebackPacerTests {
    /// A new empty file in a scratch folder, open for writing.
    static func newFile() throws -> (path: String, fd: Int32) {
        let file = Fixtures.temporaryDirectory("pacer").appendingPathComponent("store").path
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        return (file, fd)
    }

    /// False for a file in memory (tmpfs, ramfs), whose pages have no disk to go to: the file
    /// system of the longest mount point in `/proc/mounts` that holds the path.
    static func writesBack(_ path: String) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return false }
        var best: (point: String, type: String) = ("", "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2 else { continue }
            let point = String(fields[1])
            let holds = point == "/" || path == point || path.hasPrefix(point + "/")
            if holds && point.count > best.point.count { best = (point, String(fields[2])) }
        }
        return !best.type.isEmpty && !["tmpfs", "ramfs"].contains(best.type)
    }

    /// Appends `count` bytes to the file open as `fd`.
    static func append(_ fd: Int32, _ count: Int) {
        let bytes = [UInt8](repeating: 0x5A, count: count)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, count) }
        precondition(written == count)
    }

    /// One request per `interval` bytes of growth, counted from the size at the start; a file
    /// that does not grow gets none.
    @Test func asksOncePerIntervalOfGrowth() throws {
        let (file, fd) = try Self.newFile()
        defer { close(fd) }
        Self.append(fd, 300_000)  // there before the pacer: not counted
        let pacer = try #require(WritebackPacer(path: file, interval: 1 << 20))
        #expect(pacer.path == file && pacer.requests == 0)
        for step in 1...10 {
            Self.append(fd, 256 << 10)
            pacer.fileMayHaveGrown()
            #expect(pacer.requests == step / 4, "after \(step) quarters of the interval")
        }
        pacer.fileMayHaveGrown()
        pacer.fileMayHaveGrown()
        #expect(pacer.requests == 2)
    }

    @Test func aMissingFileIsNotPaced() {
        #expect(WritebackPacer(path: Fixtures.temporaryDirectory("pacer").appendingPathComponent("none").path) == nil)
    }

    /// The pages written before a request are no longer dirty after it: they are on their way to
    /// the disk or there. (The page counts need `cachestat`, Linux 6.5 on, and a file system with
    /// a page cache that writes back, as the store's has; elsewhere there is nothing to see.)
    @Test func aRequestStartsTheWriteback() throws {
        let (file, fd) = try Self.newFile()
        defer { close(fd) }
        let pacer = try #require(WritebackPacer(path: file, interval: 4 << 20))
        Self.append(fd, 8 << 20)
        guard Self.writesBack(file), let before = pacer.pageCounts(), before.dirty > 0 else { return }
        pacer.fileMayHaveGrown()
        #expect(pacer.requests == 1)
        let after = try #require(pacer.pageCounts())
        #expect(after.dirty < before.dirty / 8, "dirty pages \(before.dirty) -> \(after.dirty)")
    }

    /// A request drops the pages below the size of the request before, once they are on disk,
    /// and keeps the newer ones.
    @Test func aRequestDropsThePagesThatReachedTheDisk() throws {
        let (file, fd) = try Self.newFile()
        defer { close(fd) }
        let pacer = try #require(WritebackPacer(path: file, interval: 4 << 20))
        Self.append(fd, 4 << 20)
        pacer.fileMayHaveGrown()
        let pages = (4 << 20) / Int(sysconf(Int32(_SC_PAGESIZE)))  // in 4 MiB
        // The first request drops nothing: nothing was below the size at the start.
        guard Self.writesBack(file), let first = pacer.pageCounts(), first.cached >= pages else { return }
        fsync(fd)  // the pages of the first request on disk, whatever the disk's speed
        Self.append(fd, 4 << 20)
        pacer.fileMayHaveGrown()
        #expect(pacer.requests == 2)
        let second = try #require(pacer.pageCounts())
        // The first 4 MiB gone, the second 4 MiB still there (a few pages of slack).
        #expect(
            second.cached >= pages - pages / 40 && second.cached <= pages + pages / 40,
            "cached pages \(first.cached) -> \(second.cached)")
    }

    /// The pages the file had before the pacer (a store's earlier imports, its indexes) stay in
    /// the cache; only appended ones are dropped.
    @Test func thePagesFromBeforeThePacerAreKept() throws {
        let (file, fd) = try Self.newFile()
        defer { close(fd) }
        let pages = (4 << 20) / Int(sysconf(Int32(_SC_PAGESIZE)))  // in 4 MiB
        Self.append(fd, 4 << 20)
        fsync(fd)
        let pacer = try #require(WritebackPacer(path: file, interval: 4 << 20))
        Self.append(fd, 4 << 20)
        guard Self.writesBack(file), let start = pacer.pageCounts(), start.cached >= 2 * pages else { return }
        pacer.fileMayHaveGrown()
        let first = try #require(pacer.pageCounts())
        // The first request drops none of the pages from before the pacer.
        #expect(first.cached >= 2 * pages - pages / 20, "cached pages \(start.cached) -> \(first.cached)")
        fsync(fd)
        Self.append(fd, 4 << 20)
        pacer.fileMayHaveGrown()
        #expect(pacer.requests == 2)
        // The first 4 MiB (from before) and the third kept, the second (appended, on disk) gone.
        let second = try #require(pacer.pageCounts())
        #expect(
            second.cached >= 2 * pages - pages / 20 && second.cached <= 2 * pages + pages / 20,
            "cached pages \(first.cached) -> \(second.cached)")
    }

    /// An import into a store in its usual write-ahead-log mode runs under the rollback journal
    /// and writes the database file itself: the session paces that file.
    @Test func anImportPacesTheStoreFile() throws {
        let path = Fixtures.temporaryDirectory("pacer").appendingPathComponent(EventStore.fileName).path
        let store = try EventStore(path: path)
        let paced = try store.ingest(source: "t", format: "test", contentHash: nil) { session in
            session.writeback?.path
        }
        #expect(paced == path)
    }

    /// With another connection on the store the import stays in the write-ahead log, and the
    /// log's pages are left in the cache for the checkpoint.
    @Test func anImportIntoTheLogIsNotPaced() throws {
        let path = Fixtures.temporaryDirectory("pacer").appendingPathComponent(EventStore.fileName).path
        let store = try EventStore(path: path)
        let reader = try EventStore(path: path)
        _ = try reader.importRecords()
        let paced = try store.ingest(source: "t", format: "test", contentHash: nil) { session in
            session.writeback?.path
        }
        #expect(paced == nil)
        #expect(try reader.importRecords().count == 1)
    }
}

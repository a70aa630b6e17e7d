import Dispatch

/// The content hash of a file (as `FileDigest.contentHash(path:)` gives it) computed on a worker
/// thread from the regions a reader hands it as it reads the file, so the file is read once: a
/// hash that read the file itself read every byte a second time through the kernel (a twentieth
/// of the CSV importer's time on one core).
///
/// The reader calls `feed(_:)` with each region it has read, in file order, and
/// `waitUntilDone()` before it changes or frees a region it fed; `value()` gives the hash once
/// the whole file has been fed.
public final class StreamDigest: @unchecked Sendable {
    private let queue = DispatchQueue(label: "waybill.stream-digest")
    private let work = DispatchGroup()
    /// Touched only on `queue` (and by `value()` after `work` is done).
    private var hasher = Blake3Hasher()

    public init() {}

    /// Hashes `region` on the worker thread; its bytes must not change until `waitUntilDone()`
    /// returns.
    ///
    /// - Complexity: O(1) here, O(*n*) on the worker.
    public func feed(_ region: UnsafeRawBufferPointer) {
        guard !region.isEmpty else { return }
        // A pointer's address, not the pointer: the region is the caller's and outlives the work.
        let start = Int(bitPattern: region.baseAddress), count = region.count
        work.enter()
        queue.async {
            self.hasher.update(UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: start), count: count))
            self.work.leave()
        }
    }

    /// Waits until every region fed so far is hashed.
    public func waitUntilDone() { work.wait() }

    /// The hash of everything fed, as lowercase hex (waits for the worker).
    public func value() -> String {
        work.wait()
        return FileDigest.contentHash(hasher)
    }
}

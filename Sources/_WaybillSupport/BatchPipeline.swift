import Foundation

/// Two stages of a streaming job on two threads: a producer that fills batches (a parser) and a
/// consumer that takes them in order (the store writer), with at most `depth` filled batches
/// waiting between them, so memory stays that of a few batches whatever the input's size.
///
/// The producer runs on a thread of its own and the consumer on the calling thread, so whatever
/// the consumer uses (a SQLite connection in a transaction) stays on the thread that opened it.
/// Batches are recycled: the producer gets back the batches the consumer has emptied, so their
/// storage is allocated a few times per job, not once per batch.
///
/// Errors keep the order a single thread would have met them in: the consumer sees every batch
/// the producer filled before it failed (the partial one included) before the producer's error is
/// thrown, so an error the consumer meets earlier in the input wins; once the consumer fails, the
/// producer's next `emit(_:)` (or `checkCancelled()`) throws ``Cancelled`` and it stops.
///
/// Why a thread, a lock and a condition variable rather than Dispatch or Swift concurrency: the
/// producer blocks while the queue is full, and a blocked Dispatch worker can hold up the other
/// work of the process's few pool threads (`BackgroundDigest` hashes the same file on one); the
/// hand-off is a few hundred times per gigabyte, so a `NSCondition` (as `Simulator`'s ordered
/// hand-off uses) costs nothing measurable, and no package is needed for it.
///
/// - Complexity: O(1) per hand-off besides the two stages' own work.
public final class BatchPipeline<Batch: Sendable>: @unchecked Sendable {
    /// Thrown by `emit(_:)` and `checkCancelled()` once the consumer has failed.
    public struct Cancelled: Error {}

    private let condition = NSCondition()
    private let depth: Int
    private let make: @Sendable () -> Batch
    // All below guarded by `condition`.
    private var full: [Batch] = []
    private var spare: [Batch] = []
    private var producerDone = false
    private var consumerFailed = false

    private init(depth: Int, make: @escaping @Sendable () -> Batch) {
        precondition(depth >= 1, "a pipeline needs room for one batch")
        self.depth = depth
        self.make = make
    }

    /// Hands `batch` to the consumer, waiting while `depth` batches are already waiting, and puts
    /// an empty batch (an emptied one when there is one) in its place.
    ///
    /// The batch is the producer's local variable passed `inout`, not a property of the pipeline:
    /// filling it then costs no dynamic exclusivity check per access.
    ///
    /// - Throws: ``Cancelled`` once the consumer has failed.
    public func emit(_ batch: inout Batch) throws {
        condition.lock()
        while full.count >= depth && !consumerFailed { condition.wait() }
        if consumerFailed {
            condition.unlock()
            throw Cancelled()
        }
        full.append(batch)
        let next = spare.popLast()
        condition.broadcast()
        condition.unlock()
        batch = next ?? make()
    }

    /// Throws ``Cancelled`` once the consumer has failed, so that a producer working on a long
    /// stretch of input without a batch to hand over can stop early.
    public func checkCancelled() throws {
        condition.lock()
        let failed = consumerFailed
        condition.unlock()
        if failed { throw Cancelled() }
    }

    /// The next filled batch in order, or nil once the producer is done and all were taken.
    private func take() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty && !producerDone { condition.wait() }
        guard !full.isEmpty else { return nil }
        let next = full.removeFirst()
        condition.broadcast()
        return next
    }

    private func recycle(_ emptied: Batch) {
        condition.lock()
        spare.append(emptied)
        condition.unlock()
    }

    /// Tells the producer to stop and waits until it has.
    private func cancelAndWait() {
        condition.lock()
        consumerFailed = true
        condition.broadcast()
        while !producerDone { condition.wait() }
        condition.unlock()
    }

    /// Runs `produce` on a new thread and `consume` on this one until the producer is done and
    /// every batch it filled has been consumed, and returns what `produce` returned.
    ///
    /// - Parameters:
    ///   - depth: the filled batches that may wait for the consumer (2 or 3 keep both busy).
    ///   - make: an empty batch.
    ///   - produce: fills the batch it is given and calls `pipeline.emit(&batch)` when it holds
    ///     enough; the batch it holds when it returns or throws is handed over as the last one.
    ///   - consume: stores a batch and leaves it empty for reuse.
    /// - Throws: the consumer's error (after stopping the producer), else the producer's.
    public static func run<Output: Sendable>(
        depth: Int, make: @escaping @Sendable () -> Batch,
        produce: @escaping @Sendable (BatchPipeline, inout Batch) throws -> Output,
        consume: (inout Batch) throws -> Void
    ) throws -> Output {
        let pipeline = BatchPipeline(depth: depth, make: make)
        let outcome = Outcome<Output>()
        let thread = Thread {
            var batch = make()
            let result = Result { try produce(pipeline, &batch) }
            outcome.result = result
            pipeline.condition.lock()
            if !pipeline.consumerFailed { pipeline.full.append(batch) }
            pipeline.producerDone = true
            pipeline.condition.broadcast()
            pipeline.condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
        while var next = pipeline.take() {
            do {
                try consume(&next)
            } catch {
                pipeline.cancelAndWait()
                throw error
            }
            pipeline.recycle(next)
        }
        // `take()` returned nil, so the producer set `producerDone` (after its result) under the
        // lock this thread then took: the result is visible here.
        return try outcome.result!.get()
    }

    /// The producer's result, written by its thread before it sets `producerDone`.
    private final class Outcome<Output: Sendable>: @unchecked Sendable {
        var result: Result<Output, any Error>?
    }
}

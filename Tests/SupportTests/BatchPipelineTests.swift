import Testing
import _WaybillSupport

/// A producer of numbered items in batches, and what the consumer saw.
private final class Seen: @unchecked Sendable {
    var items: [Int] = []
    var batchesMade = 0
    var producerStopped = false
}

private struct Failure: Error, Equatable {
    var side: String
}

@Suite struct BatchPipelineTests {
    /// Every item arrives once, in order, whatever the batch size and depth; batches are reused,
    /// so no more than depth + 2 are ever made (one filling, one consumed, `depth` waiting).
    @Test(arguments: [(1, 1), (1, 3), (7, 2), (100, 2), (1000, 1)])
    func itemsArriveInOrder(batchSize: Int, depth: Int) throws {
        let made = Seen()
        var seen: [Int] = []
        let total = try BatchPipeline<[Int]>.run(
            depth: depth,
            make: {
                made.batchesMade += 1
                return []
            },
            produce: { pipeline, batch in
                for i in 0..<5_003 {
                    batch.append(i)
                    if batch.count >= batchSize { try pipeline.emit(&batch) }
                }
                return 5_003
            },
            consume: { batch in
                seen += batch
                batch.removeAll(keepingCapacity: true)
            })
        #expect(total == 5_003)
        #expect(seen == Array(0..<5_003))
        #expect(made.batchesMade <= depth + 2)
    }

    /// A producer's error comes after every item it produced before it (the partial batch too):
    /// the consumer's work up to the fault is the same as with one thread.
    @Test func producerErrorAfterItsItems() throws {
        var seen: [Int] = []
        #expect(throws: Failure(side: "producer")) {
            try BatchPipeline<[Int]>.run(
                depth: 2, make: { [] },
                produce: { pipeline, batch in
                    for i in 0..<1_000 {
                        batch.append(i)
                        if batch.count == 64 { try pipeline.emit(&batch) }
                    }
                    throw Failure(side: "producer")
                },
                consume: { batch in
                    seen += batch
                    batch.removeAll()
                })
        }
        #expect(seen == Array(0..<1_000))
    }

    /// A consumer's error stops the producer (its next hand-off throws `Cancelled`) and is the
    /// error thrown, even when the producer would have failed later.
    @Test(arguments: [1, 2, 3])
    func consumerErrorStopsTheProducer(depth: Int) throws {
        let state = Seen()
        var seen: [Int] = []
        #expect(throws: Failure(side: "consumer")) {
            try BatchPipeline<[Int]>.run(
                depth: depth, make: { [] },
                produce: { pipeline, batch in
                    do {
                        for i in 0..<1_000_000 {
                            batch.append(i)
                            if batch.count == 10 { try pipeline.emit(&batch) }
                        }
                    } catch let cancelled as BatchPipeline<[Int]>.Cancelled {
                        state.producerStopped = true
                        throw cancelled
                    }
                    throw Failure(side: "producer")
                },
                consume: { batch in
                    if batch.first == 50 { throw Failure(side: "consumer") }
                    seen += batch
                    batch.removeAll()
                })
        }
        #expect(seen == Array(0..<50))
        #expect(state.producerStopped)
    }

    /// A consumer that fails on the last (partial) batch, after the producer has finished.
    @Test func consumerErrorAfterTheProducerIsDone() throws {
        #expect(throws: Failure(side: "consumer")) {
            try BatchPipeline<[Int]>.run(
                depth: 2, make: { [] },
                produce: { _, batch in batch = [1, 2, 3] },
                consume: { batch in
                    if !batch.isEmpty { throw Failure(side: "consumer") }
                })
        }
    }
}

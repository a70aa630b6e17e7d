import Dispatch

/// Independent computations run at the same time: `waybill mine`'s tables and its bottleneck
/// search, or a backtest's prediction points and process context, share nothing but immutable
/// inputs, so on two cores the pair takes about as long as the slower of the two.
public enum Concurrently {
    /// Runs two computations concurrently (on two threads when the machine has two free cores)
    /// and returns both results once both are done.
    ///
    /// Each computation may itself use `DispatchQueue.concurrentPerform`; Dispatch shares its
    /// worker threads between the nested loops, so the machine is not oversubscribed.
    ///
    /// - Complexity: that of the slower computation, given two free cores; their sum on one.
    public static func both<A: Sendable, B: Sendable>(
        _ first: @Sendable () -> A, _ second: @Sendable () -> B
    ) -> (A, B) {
        let slots = Slots<A, B>()
        DispatchQueue.concurrentPerform(iterations: 2) { job in
            if job == 0 { slots.set(first: first()) } else { slots.set(second: second()) }
        }
        return slots.take()
    }

    /// Runs `count` independent jobs on Dispatch's worker threads (as many at once as there are
    /// free cores) and returns their results in job order.
    ///
    /// - Complexity: that of the jobs, spread over the cores.
    public static func map<T: Sendable>(_ count: Int, _ job: @Sendable (Int) -> T) -> [T] {
        let slots = Results<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, job(i)) }
        return slots.take()
    }

    /// Where `map`'s jobs leave their results; each slot is written by one job only.
    private final class Results<T: Sendable>: @unchecked Sendable {
        private var values: [T?]
        private let semaphore = DispatchSemaphore(value: 1)
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: T) {
            semaphore.wait()
            values[i] = value
            semaphore.signal()
        }
        func take() -> [T] { values.map { $0! } }
    }

    /// Where the two jobs leave their results; each slot is written by one job only, before
    /// `concurrentPerform` returns.
    private final class Slots<A: Sendable, B: Sendable>: @unchecked Sendable {
        private var first: A?
        private var second: B?
        private let semaphore = DispatchSemaphore(value: 1)

        func set(first value: A) {
            semaphore.wait()
            first = value
            semaphore.signal()
        }
        func set(second value: B) {
            semaphore.wait()
            second = value
            semaphore.signal()
        }
        func take() -> (A, B) { (first!, second!) }
    }
}

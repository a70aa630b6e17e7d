import Dispatch

/// Runs `body(w)` for each worker `w` in `0..<workers` on Dispatch's thread pool and waits for all.
///
/// The learner's parallel loops give each worker disjoint output (its own features' histograms,
/// its own row blocks), so nothing is shared mutably and nothing is reduced across threads; that is
/// why the closure may capture raw pointers even though Dispatch asks for a `@Sendable` one.
///
/// - Complexity: that of the work, spread over `workers` threads.
func parallelFor(_ workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: workers) { box.value($0) }
    }
}

private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

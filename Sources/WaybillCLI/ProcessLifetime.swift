/// Values a command keeps until the process exits instead of freeing them when it returns.
///
/// Freeing a large working set is not free: a log of millions of cases holds millions of
/// attribute values, each released one by one (for `score` over a 2.8-million-case store, about
/// 0.4 s of a 5 s run, on one thread, after the output is written). The system takes the whole
/// address space back at exit anyway, so a command that ends with such values hands them here.
enum ProcessLifetime {
    /// Only the main thread appends, at the end of a command.
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` (and everything it references) alive until the process exits.
    ///
    /// - Complexity: O(1) amortised.
    static func keep(_ value: Any) { kept.append(value) }
}

import Dispatch

/// Runs `a` and `b` on two threads and returns both results.
///
/// - Complexity: that of the slower of the two.
public func inParallel<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    var first: A?
    var second: B?
    withUnsafeMutablePointer(to: &first) { p in
        withUnsafeMutablePointer(to: &second) { q in
            withoutActuallyEscaping(a) { a in
                withoutActuallyEscaping(b) { b in
                    let box = UncheckedBox((a, b, p, q))
                    DispatchQueue.concurrentPerform(iterations: 2) { i in
                        if i == 0 { box.value.2.pointee = box.value.0() } else { box.value.3.pointee = box.value.1() }
                    }
                }
            }
        }
    }
    return (first!, second!)
}

/// A value handed to the two threads of `inParallel`; each writes only its own result.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

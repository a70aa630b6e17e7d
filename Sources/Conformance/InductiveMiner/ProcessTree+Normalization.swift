import Crypto

extension ProcessTree {
    /// The tree reduced as PM4Py's `fold` reduces it, repeated until nothing changes: a nested
    /// operator equal to its parent's is spliced into the parent (sequence, choice, parallel), τ
    /// children of sequences and parallels are dropped, a choice keeps one τ, a loop of τs and an
    /// operator with a single child become that child.
    ///
    /// - Complexity: O(*d* · nodes) for *d* rounds until a fixpoint (few in practice).
    public func folded() -> ProcessTree {
        var tree = self
        while true {
            let next = tree.foldedOnce()
            if next == tree { return tree }
            tree = next
        }
    }

    private func foldedOnce() -> ProcessTree {
        guard case .node(let op, let original) = self, !original.isEmpty else { return self }
        var children = original.map { $0.foldedOnce() }
        if op != .loop { children = children.flatMap { $0.operator == op ? $0.children : [$0] } }
        let taus = children.lazy.filter(\.isTau).count
        if taus > 0 {
            switch op {
            case .sequence, .parallel:
                children.removeAll(where: \.isTau)
                if children.isEmpty { return .tau }
            case .xor:
                // PM4Py keeps the last τ; the order is settled by `sortedLikePM4Py` anyway.
                var seen = 0
                children.removeAll { child in
                    guard child.isTau else { return false }
                    seen += 1
                    return seen < taus
                }
            case .loop:
                if taus == children.count { return .tau }
            }
        }
        return children.count == 1 ? children[0] : .node(op, children)
    }

    /// The tree with the children of every choice and parallel node in PM4Py's canonical order
    /// (`tree_sort`): ascending by the sum, over the leaves below, of the MD5 digest of the
    /// activity name read as a 128-bit big-endian number (τ counts 0), ties in the given order.
    /// Sequences and loops keep their order.
    ///
    /// - Complexity: O(nodes log nodes + total name length).
    public func sortedLikePM4Py() -> ProcessTree { sortedWithHash().tree }

    private func sortedWithHash() -> (tree: ProcessTree, hash: HashSum) {
        switch self {
        case .tau: return (self, HashSum())
        case .activity(let name): return (self, HashSum(md5Of: name))
        case .node(let op, let children):
            var sorted = children.map { $0.sortedWithHash() }
            let total = sorted.reduce(HashSum()) { $0 + $1.hash }
            if op == .xor || op == .parallel {
                sorted = sorted.enumerated().sorted { x, y in
                    x.element.hash != y.element.hash ? x.element.hash < y.element.hash : x.offset < y.offset
                }.map(\.element)
            }
            return (.node(op, sorted.map(\.tree)), total)
        }
    }
}

/// A sum of 128-bit MD5 values without overflow (192 bits, three limbs, most significant first),
/// as Python's unbounded integers hold them in PM4Py's `tree_sort`.
private struct HashSum: Comparable {
    var limbs: (UInt64, UInt64, UInt64) = (0, 0, 0)

    init() {}

    init(md5Of text: String) {
        let digest = Array(Insecure.MD5.hash(data: Array(text.utf8)))
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(digest[i]) }
        for i in 8..<16 { low = low << 8 | UInt64(digest[i]) }
        limbs = (0, high, low)
    }

    static func + (a: HashSum, b: HashSum) -> HashSum {
        var r = HashSum()
        let (low, c1) = a.limbs.2.addingReportingOverflow(b.limbs.2)
        let (mid0, c2) = a.limbs.1.addingReportingOverflow(b.limbs.1)
        let (mid, c3) = mid0.addingReportingOverflow(c1 ? 1 : 0)
        r.limbs = (a.limbs.0 &+ b.limbs.0 &+ (c2 ? 1 : 0) &+ (c3 ? 1 : 0), mid, low)
        return r
    }

    static func < (a: HashSum, b: HashSum) -> Bool {
        (a.limbs.0, a.limbs.1, a.limbs.2) < (b.limbs.0, b.limbs.1, b.limbs.2)
    }

    static func == (a: HashSum, b: HashSum) -> Bool {
        (a.limbs.0, a.limbs.1, a.limbs.2) == (b.limbs.0, b.limbs.1, b.limbs.2)
    }
}

/// A block-structured process model: leaves are activities or the silent step τ, inner nodes are
/// the operators sequence, exclusive choice, parallel and loop (van der Aalst's process trees, as
/// the inductive miner of Leemans et al. discovers them).
///
/// A loop `*(do, redo)` runs `do`, then any number of times `redo` followed by `do` again. Every
/// tree converts to a sound workflow net (`ProcessTree+PetriNet.swift`). The textual form
/// (`description`) is PM4Py's `str(tree)`, e.g. `->( 'a', X( 'b', tau ) )`, so discovered trees
/// compare textually with PM4Py's.
public indirect enum ProcessTree: Sendable, Hashable, CustomStringConvertible {
    /// The operators of inner nodes, with PM4Py's symbols.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// The children one after another (`->`).
        case sequence = "->"
        /// Exactly one of the children (`X`).
        case xor = "X"
        /// All children, interleaved in any order (`+`).
        case parallel = "+"
        /// The first child, then any number of times (second child, first child) (`*`).
        case loop = "*"
    }

    /// The silent step: completes without an event.
    case tau
    /// An activity, by name.
    case activity(String)
    /// An operator over its children, in order.
    case node(Operator, [ProcessTree])

    /// The operator of an inner node, `nil` for a leaf.
    public var `operator`: Operator? {
        if case .node(let op, _) = self { return op }
        return nil
    }

    /// The children of an inner node, empty for a leaf.
    public var children: [ProcessTree] {
        if case .node(_, let children) = self { return children }
        return []
    }

    /// True for the silent leaf.
    public var isTau: Bool {
        if case .tau = self { return true }
        return false
    }

    /// The activity names of the leaves, left to right (an activity once per leaf).
    ///
    /// - Complexity: O(nodes).
    public var activities: [String] {
        var out: [String] = []
        func walk(_ t: ProcessTree) {
            switch t {
            case .tau: break
            case .activity(let name): out.append(name)
            case .node(_, let children): children.forEach(walk)
            }
        }
        walk(self)
        return out
    }

    /// The number of nodes (leaves and operators).
    ///
    /// - Complexity: O(nodes).
    public var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }

    /// PM4Py's textual form (`ProcessTree.to_string`): an operator is written `op( c1, c2 )`, an
    /// activity leaf inside an operator in single quotes, τ as `tau`; a tree that is a single
    /// activity is its bare name. Names are not escaped, as in PM4Py.
    ///
    /// - Complexity: O(size of the text).
    public var description: String {
        var out = ""
        write(to: &out, root: true)
        return out
    }

    private func write(to out: inout String, root: Bool) {
        switch self {
        case .tau: out += "tau"
        case .activity(let name): out += root ? name : "'\(name)'"
        case .node(let op, let children):
            out += op.rawValue + "( "
            for (i, child) in children.enumerated() {
                if i > 0 { out += ", " }
                child.write(to: &out, root: false)
            }
            out += " )"
        }
    }

    /// Checks the invariants of a discovered tree: every operator has children, a loop exactly
    /// two, and no activity appears on two leaves. Runs in debug builds and tests.
    ///
    /// - Complexity: O(nodes + leaves log leaves).
    public func checkInvariants() {
        func walk(_ t: ProcessTree) {
            if case .node(let op, let children) = t {
                precondition(!children.isEmpty, "an operator without children")
                precondition(op != .loop || children.count == 2, "a loop needs a do and a redo part")
                children.forEach(walk)
            }
        }
        walk(self)
        let names = activities
        precondition(Set(names).count == names.count, "an activity on two leaves")
    }
}

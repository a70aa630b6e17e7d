extension ProcessTree {
    /// The tree as a sound workflow net: one place `source` holding the initial token, one place
    /// `sink` in the final marking, every node on a path between them.
    ///
    /// Follows PM4Py's `process_tree` → `petri_net` conversion (`to_petri_net.apply`) so the nets
    /// have the same shape and sizes: a τ transition (`tau_…`) from the source and to the sink
    /// when the tree starts or ends with a choice, a parallel or a loop; a place per sequence
    /// step; `tauSplit_…` / `tauJoin_…` around parallel branches; for a loop `init_loop_…` into
    /// the body, a `skip_…` τ to leave it and `loop_…` back from the redo part; `skip_…` for τ
    /// leaves. Then PM4Py's simple reduction merges τ transitions into a neighbour where a place
    /// links only the two, and places without input or output are removed.
    ///
    /// Names are deterministic: places `p_<n>`, τ transitions `<kind>_<n>`, visible transitions
    /// `t_<n>` labelled with the activity (PM4Py gives these random UUIDs); nodes are in the
    /// order they were created. PM4Py applies the reductions in the (unordered) order of a
    /// Python set; this conversion applies them in creation order.
    ///
    /// - Complexity: O(*n*² · *arcs*) for *n* nodes in the worst case of the reduction, linear in
    ///   the tree for the construction.
    public func petriNet(name: String = "waybill_inductive_net") -> PetriNet {
        var builder = NetBuilder()
        let source = builder.addPlace()
        builder.placeNames[source] = "source"
        let sink = builder.addPlace()
        builder.placeNames[sink] = "sink"
        var initial = source
        if tauMandatoryAtStart {
            initial = builder.addPlace()
            let tau = builder.addHidden("tau")
            builder.arc(place: source, transition: tau)
            builder.arc(transition: tau, place: initial)
        }
        var final = sink
        if tauMandatoryAtEnd {
            final = builder.addPlace()
            let tau = builder.addHidden("tau")
            builder.arc(place: final, transition: tau)
            builder.arc(transition: tau, place: sink)
        }
        _ = builder.add(self, from: .place(initial), to: .place(final))
        builder.reduce()
        builder.removeDanglingPlaces(keeping: [source, sink])
        return builder.net(name: name, source: source, sink: sink)
    }

    // MARK: - PM4Py's tests for the τ at the start and at the end

    private var tauMandatoryAtStart: Bool {
        startsWithLoop || loopToFirst || `operator` == .xor || `operator` == .parallel
    }

    private var tauMandatoryAtEnd: Bool {
        endsWithLoop || loopToLast || `operator` == .xor || `operator` == .parallel
    }

    /// PM4Py's `check_initial_loop`, which (as written there) descends on the right from the
    /// first child.
    private var startsWithLoop: Bool {
        guard let first = children.first, let op = first.operator else { return false }
        return op == .loop || first.endsWithLoop
    }

    private var endsWithLoop: Bool {
        guard let last = children.last, let op = last.operator else { return false }
        return op == .loop || last.endsWithLoop
    }

    private var loopToFirst: Bool {
        if `operator` == .loop { return true }
        guard let first = children.first else { return false }
        return first.operator == .loop || first.loopToFirst
    }

    private var loopToLast: Bool {
        if `operator` == .loop { return true }
        guard let last = children.last else { return false }
        return last.operator == .loop || last.loopToLast
    }
}

/// A net under construction, with removable nodes (the reduction removes some).
private struct NetBuilder {
    enum Entity {
        case place(Int)
        case transition(Int)
    }
    struct Arc {
        var fromPlace: Bool
        var place: Int
        var transition: Int
        var alive = true
    }

    var placeNames: [String] = []
    var placeAlive: [Bool] = []
    var transitionNames: [String] = []
    var labels: [String?] = []
    var transitionAlive: [Bool] = []
    var arcs: [Arc] = []
    var placeCounter = 0
    var hiddenCounter = 0
    var visibleCounter = 0

    mutating func addPlace() -> Int {
        placeCounter += 1
        placeNames.append("p_\(placeCounter)")
        placeAlive.append(true)
        return placeNames.count - 1
    }

    mutating func addHidden(_ kind: String) -> Int {
        hiddenCounter += 1
        return addTransition("\(kind)_\(hiddenCounter)", label: nil)
    }

    mutating func addVisible(_ label: String) -> Int {
        visibleCounter += 1
        return addTransition("t_\(visibleCounter)", label: label)
    }

    private mutating func addTransition(_ name: String, label: String?) -> Int {
        transitionNames.append(name)
        labels.append(label)
        transitionAlive.append(true)
        return transitionNames.count - 1
    }

    mutating func arc(place: Int, transition: Int) {
        arcs.append(Arc(fromPlace: true, place: place, transition: transition))
    }

    mutating func arc(transition: Int, place: Int) {
        arcs.append(Arc(fromPlace: false, place: place, transition: transition))
    }

    /// PM4Py's `recursively_add_tree`: adds `tree` between an initial and a final entity and
    /// returns the tree's final place.
    mutating func add(_ tree: ProcessTree, from initialEntity: Entity, to finalEntity: Entity?) -> Int {
        let initial: Int
        switch initialEntity {
        case .place(let p): initial = p
        case .transition(let t):
            initial = addPlace()
            arc(transition: t, place: initial)
        }
        let final: Int
        if case .place(let p) = finalEntity {
            final = p
        } else {
            final = addPlace()
            if case .transition(let t) = finalEntity { arc(place: final, transition: t) }
        }
        switch tree {
        case .tau, .activity:
            let t: Int
            if case .activity(let label) = tree { t = addVisible(label) } else { t = addHidden("skip") }
            arc(place: initial, transition: t)
            arc(transition: t, place: final)
        case .node(.xor, let children):
            for child in children { _ = add(child, from: .place(initial), to: .place(final)) }
        case .node(.parallel, let children):
            let split = addHidden("tauSplit")
            arc(place: initial, transition: split)
            let join = addHidden("tauJoin")
            arc(transition: join, place: final)
            for child in children { _ = add(child, from: .transition(split), to: .transition(join)) }
        case .node(.sequence, let children):
            var intermediate = initial
            for (i, child) in children.enumerated() {
                intermediate = add(
                    child, from: .place(intermediate), to: i == children.count - 1 ? .place(final) : nil)
            }
        case .node(.loop, let children):
            let body = addPlace()
            let initLoop = addHidden("init_loop")
            arc(place: initial, transition: initLoop)
            arc(transition: initLoop, place: body)
            let back = addHidden("loop")
            if children.count == 1 {
                _ = add(children[0], from: .place(body), to: .place(final))
                arc(place: final, transition: back)
                arc(transition: back, place: body)
            } else {
                let afterDo = add(children[0], from: .place(body), to: nil)
                var afterRedo: Int? = nil
                for child in children.dropFirst() {
                    afterRedo = add(child, from: .place(afterDo), to: afterRedo.map { .place($0) })
                }
                _ = add(.tau, from: .place(afterDo), to: .place(final))
                arc(place: afterRedo!, transition: back)
                arc(transition: back, place: body)
            }
        }
        return final
    }

    // MARK: - PM4Py's simple reduction

    private func inArcs(ofTransition t: Int) -> [Int] {
        arcs.indices.filter { arcs[$0].alive && arcs[$0].fromPlace && arcs[$0].transition == t }
    }

    private func outArcs(ofTransition t: Int) -> [Int] {
        arcs.indices.filter { arcs[$0].alive && !arcs[$0].fromPlace && arcs[$0].transition == t }
    }

    private func inArcs(ofPlace p: Int) -> [Int] {
        arcs.indices.filter { arcs[$0].alive && !arcs[$0].fromPlace && arcs[$0].place == p }
    }

    private func outArcs(ofPlace p: Int) -> [Int] {
        arcs.indices.filter { arcs[$0].alive && arcs[$0].fromPlace && arcs[$0].place == p }
    }

    private mutating func removeTransition(_ t: Int) {
        transitionAlive[t] = false
        for i in arcs.indices where arcs[i].transition == t { arcs[i].alive = false }
    }

    private mutating func removePlace(_ p: Int) {
        placeAlive[p] = false
        for i in arcs.indices where arcs[i].place == p { arcs[i].alive = false }
    }

    /// Merges a τ transition with one input place into the transition before it, when that place
    /// has only that one input arc and leads only to the τ (PM4Py's
    /// `reduce_single_entry_transitions`). Returns whether it changed the net.
    private mutating func reduceSingleEntry() -> Bool {
        for t in transitionNames.indices where transitionAlive[t] && labels[t] == nil {
            let ins = inArcs(ofTransition: t)
            guard ins.count == 1 else { continue }
            let p = arcs[ins[0]].place
            let pIn = inArcs(ofPlace: p)
            guard pIn.count == 1, Set(outArcs(ofPlace: p).map { arcs[$0].transition }) == [t] else { continue }
            let s = arcs[pIn[0]].transition
            guard s != t else { continue }
            let targets = outArcs(ofTransition: t).map { arcs[$0].place }
            removeTransition(t)
            removePlace(p)
            for q in targets { arc(transition: s, place: q) }
            return true
        }
        return false
    }

    /// Merges a τ transition with one output place into the transition after it, when that place
    /// has only that one output arc and is fed only by the τ (PM4Py's
    /// `reduce_single_exit_transitions`). Returns whether it changed the net.
    private mutating func reduceSingleExit() -> Bool {
        for t in transitionNames.indices where transitionAlive[t] && labels[t] == nil {
            let outs = outArcs(ofTransition: t)
            guard outs.count == 1 else { continue }
            let q = arcs[outs[0]].place
            let qOut = outArcs(ofPlace: q)
            guard qOut.count == 1, Set(inArcs(ofPlace: q).map { arcs[$0].transition }) == [t] else { continue }
            let u = arcs[qOut[0]].transition
            guard u != t else { continue }
            let sources = inArcs(ofTransition: t).map { arcs[$0].place }
            removeTransition(t)
            removePlace(q)
            for p in sources { arc(place: p, transition: u) }
            return true
        }
        return false
    }

    /// PM4Py's `apply_simple_reduction`: single-entry reductions until none applies, then
    /// single-exit ones, repeated while the net shrinks.
    mutating func reduce() {
        while true {
            var changed = false
            while reduceSingleEntry() { changed = true }
            while reduceSingleExit() { changed = true }
            if !changed { return }
        }
    }

    /// Removes places without output arcs (but the sink) and without input arcs (but the source).
    mutating func removeDanglingPlaces(keeping kept: Set<Int>) {
        for p in placeNames.indices where placeAlive[p] && !kept.contains(p) {
            if outArcs(ofPlace: p).isEmpty || inArcs(ofPlace: p).isEmpty { removePlace(p) }
        }
    }

    /// The live nodes as a `PetriNet`, in creation order.
    func net(name: String, source: Int, sink: Int) -> PetriNet {
        var net = PetriNet(name: name)
        var placeIndex = [Int](repeating: -1, count: placeNames.count)
        for p in placeNames.indices where placeAlive[p] { placeIndex[p] = net.addPlace(placeNames[p]) }
        var transitionIndex = [Int](repeating: -1, count: transitionNames.count)
        for t in transitionNames.indices where transitionAlive[t] {
            transitionIndex[t] = net.addTransition(transitionNames[t], label: labels[t])
        }
        for arc in arcs where arc.alive {
            let (p, t) = (placeIndex[arc.place], transitionIndex[arc.transition])
            if arc.fromPlace {
                net.addArc(fromPlace: p, toTransition: t)
            } else {
                net.addArc(fromTransition: t, toPlace: p)
            }
        }
        net.initialMarking.tokens[placeIndex[source]] = 1
        net.finalMarking.tokens[placeIndex[sink]] = 1
        return net
    }
}

import Conformance

/// A literal transliteration of PM4Py's `token_replay.apply_trace`, for comparison with
/// `TokenReplayer`: markings are insertion-ordered dictionaries whose zero entries are deleted
/// (Python's `Counter` as PM4Py's `semantics.execute` leaves it), paths are dictionaries, and
/// every trace is replayed from its activity names, with no variant caching or precomputed
/// tables. Slow and simple on purpose.
struct ReferenceTokenReplay {
    /// Python's Counter: keys in insertion order, a deleted key re-inserted at the end.
    struct Counter: Equatable {
        var keys: [Int] = []
        var values: [Int: Int] = [:]
        subscript(_ p: Int) -> Int { values[p] ?? 0 }
        mutating func set(_ p: Int, _ v: Int) {
            if values[p] == nil { keys.append(p) }
            values[p] = v
        }
        mutating func delete(_ p: Int) {
            keys.removeAll { $0 == p }
            values[p] = nil
        }
        static func == (a: Counter, b: Counter) -> Bool { a.values == b.values }
    }

    let net: PetriNet
    var spaths: [Int: [Int: [Int]]] = [:]
    var transMap: [String: Int] = [:]

    init(net: PetriNet) {
        self.net = net
        for p in net.places.indices { populate(p, p, [], 0) }
        for t in net.transitions.indices.sorted(by: { nameLess(net.transitions[$0].name, net.transitions[$1].name) }) {
            if let label = net.transitions[t].label { transMap[label] = t }
        }
    }

    func nameLess(_ a: String, _ b: String) -> Bool { a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) }

    /// get_places_shortest_path (the out arcs of a place taken in transition order).
    mutating func populate(_ target: Int, _ current: Int, _ list: [Int], _ depth: Int) {
        if depth > 50 { return }
        if spaths[target] == nil { spaths[target] = [:] }
        for t in net.transitions.indices where net.inputs[t].contains(where: { $0.place == current }) {
            guard net.transitions[t].label == nil else { continue }
            for arc in net.outputs[t] {
                let p2 = arc.place
                if spaths[target]![p2] == nil || list.count + 1 < spaths[target]![p2]!.count {
                    let newList = list + [t]
                    spaths[target]![p2] = newList
                    populate(target, p2, newList, depth + 1)
                }
            }
        }
    }

    func isEnabled(_ t: Int, _ m: Counter) -> Bool { net.inputs[t].allSatisfy { m[$0.place] >= $0.weight } }

    func execute(_ t: Int, _ m: Counter) -> Counter {
        var out = m
        for a in net.inputs[t] {
            out.set(a.place, out[a.place] - a.weight)
            if out[a.place] == 0 { out.delete(a.place) }
        }
        for a in net.outputs[t] { out.set(a.place, out[a.place] + a.weight) }
        return out
    }

    func sortedByName(_ places: [Int]) -> [Int] { places.sorted { nameLess(net.places[$0].name, net.places[$1].name) } }

    func hiddenToEnable(_ m: Counter, _ targets: [Int]) -> [[Int]] {
        var result: [[Int]] = []
        for p1 in sortedByName(m.keys) {
            for p2 in sortedByName(targets) {
                if let path = spaths[p1]?[p2] { result.append(path) }
            }
        }
        // Python's sorted is stable.
        return result.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(
            \.element)
    }

    struct Run {
        var marking: Counter
        var activated: [Int] = []
        var visited: Set<Int> = []
    }

    func enableHidden(_ run: inout Run, _ groups: [[Int]], _ t: Int) {
        var j = [Int](repeating: 0, count: groups.count)
        for z in 0..<10_000_000 {
            var changed = false
            let g = z % groups.count
            for _ in j[g]..<max(j[g], groups[g].count) {
                let t3 = groups[g][j[g]]
                if t3 != t {
                    if isEnabled(t3, run.marking) {
                        if !run.visited.contains(t3) {
                            run.marking = execute(t3, run.marking)
                            run.activated.append(t3)
                            run.visited.insert(t3)
                            changed = true
                        }
                    }
                }
                j[g] += 1
                if isEnabled(t, run.marking) { break }
            }
            if isEnabled(t, run.marking) { break }
            if !changed { break }
        }
    }

    func applyHidden(_ t: Int, _ run: inout Run, _ depth: Int) {
        if depth >= 2 || run.visited.contains(t) { return }
        run.visited.insert(t)
        let start = run.marking
        let missingPlaces = net.inputs[t].filter { run.marking[$0.place] < $0.weight }.map(\.place)
        var groups = hiddenToEnable(run.marking, missingPlaces)
        if !groups.isEmpty {
            enableHidden(&run, groups, t)
            if !isEnabled(t, run.marking) {
                groups = hiddenToEnable(run.marking, missingPlaces)
                for z in groups.indices {
                    for k in groups[z].indices {
                        let t4 = groups[z][k]
                        if t4 != t {
                            if !run.visited.contains(t4) {
                                if !isEnabled(t4, run.marking) { applyHidden(t4, &run, depth + 1) }
                                if isEnabled(t4, run.marking) {
                                    run.marking = execute(t4, run.marking)
                                    run.activated.append(t4)
                                    run.visited.insert(t4)
                                }
                            }
                        }
                    }
                }
            }
            if !isEnabled(t, run.marking) && start != run.marking { applyHidden(t, &run, depth + 1) }
        }
    }

    func counts(_ t: Int) -> (consumed: Int, produced: Int) {
        (net.inputs[t].reduce(0) { $0 + $1.weight }, net.outputs[t].reduce(0) { $0 + $1.weight })
    }

    func replay(_ trace: [String]) -> TraceReplay {
        var im = Counter()
        var fm = Counter()
        for p in net.places.indices where net.initialMarking.tokens[p] > 0 { im.set(p, net.initialMarking.tokens[p]) }
        for p in net.places.indices where net.finalMarking.tokens[p] > 0 { fm.set(p, net.finalMarking.tokens[p]) }
        var marking = im
        var missing = 0
        var consumed = 0
        var produced = im.values.values.reduce(0, +)
        var missingByPlace: [Int: Int] = [:]
        var problems: [Int] = []
        for activity in trace {
            guard let mapped = transMap[activity] else { continue }
            var t = mapped
            if let enabled = net.transitions.indices.first(where: {
                net.transitions[$0].label == activity && isEnabled($0, marking)
            }) {
                t = enabled
            }
            if !isEnabled(t, marking) {
                var run = Run(marking: marking)
                applyHidden(t, &run, 0)
                for a in run.activated {
                    consumed += counts(a).consumed
                    produced += counts(a).produced
                }
                marking = run.marking
            }
            if !isEnabled(t, marking) {
                problems.append(t)
                for a in net.inputs[t] where marking[a.place] < a.weight {
                    missing += a.weight - marking[a.place]
                    missingByPlace[a.place, default: 0] += a.weight - marking[a.place]
                    marking.set(a.place, marking[a.place] + a.weight)
                }
            }
            consumed += counts(t).consumed
            produced += counts(t).produced
            if isEnabled(t, marking) { marking = execute(t, marking) }
        }
        func reached() -> Bool { fm.keys.allSatisfy { marking.values[$0] != nil } }
        for _ in 0..<5 {
            if !reached() {
                for group in hiddenToEnable(marking, fm.keys) {
                    for t in group where isEnabled(t, marking) {
                        marking = execute(t, marking)
                        consumed += counts(t).consumed
                        produced += counts(t).produced
                    }
                    if reached() { break }
                }
            } else {
                break
            }
        }
        if !reached() && fm.keys.count == 1 {
            let sink = fm.keys[0]
            var connections: [[Int]] = []
            for place in marking.keys {
                if let path = spaths[place]?[sink] { connections.append(path) }
            }
            connections = connections.enumerated().sorted {
                ($0.element.count, $0.offset) < ($1.element.count, $1.offset)
            }.map(\.element)
            for _ in 0..<5 {
                for path in connections {
                    for t in path {
                        if isEnabled(t, marking) {
                            marking = execute(t, marking)
                            consumed += counts(t).consumed
                            produced += counts(t).produced
                        } else {
                            break
                        }
                    }
                }
            }
        }
        var result = TraceReplay()
        var diff: [Int: Int] = [:]
        for p in fm.keys where fm[p] - marking[p] > 0 { diff[p] = fm[p] - marking[p] }
        var remaining = 0
        var remainingByPlace: [Int: Int] = [:]
        for p in marking.keys {
            let left = fm.values[p] != nil ? max(0, marking[p] - fm[p]) : marking[p]
            remaining += left
            if left > 0 { remainingByPlace[p] = left }
        }
        result.isFit = missing == 0 && remaining == 0
        for p in fm.keys { consumed += fm[p] }
        for (p, d) in diff {
            missing += d
            missingByPlace[p, default: 0] += d
        }
        result.consumed = consumed
        result.produced = produced
        result.missing = missing
        result.remaining = remaining
        result.fitness =
            consumed > 0 && produced > 0
            ? 0.5 * (1.0 - Double(missing) / Double(consumed)) + 0.5 * (1.0 - Double(remaining) / Double(produced))
            : 1.0
        result.missingTokens = missingByPlace.keys.sorted().map { .init(index: $0, count: missingByPlace[$0]!) }
        result.remainingTokens = remainingByPlace.keys.sorted().map { .init(index: $0, count: remainingByPlace[$0]!) }
        var forced: [Int: Int] = [:]
        for t in problems { forced[t, default: 0] += 1 }
        result.forcedTransitions = forced.keys.sorted().map { .init(index: $0, count: forced[$0]!) }
        return result
    }
}

/// A labelled Petri net with an initial and a final marking: the process models that discovery
/// produces and conformance checking replays logs on.
///
/// Places and transitions are dense integer indices; arcs carry a weight (1 in workflow nets).
/// A transition with a `nil` label is silent (τ): it can fire without consuming a log event.
/// The layout follows PM4Py's `PetriNet` (places, transitions, arcs; markings as multisets of
/// places) so nets round-trip through PNML with PM4Py and ProM.
public struct PetriNet: Sendable, Equatable {
    /// A place, with its name (the PNML id).
    public struct Place: Sendable, Hashable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    /// A transition: its name (the PNML id) and its label, `nil` for a silent transition.
    public struct Transition: Sendable, Hashable {
        public var name: String
        public var label: String?
        public init(name: String, label: String?) {
            self.name = name
            self.label = label
        }
        /// True for a silent (τ) transition.
        public var isSilent: Bool { label == nil }
    }

    /// One arc end seen from a transition: the place and the arc weight.
    public struct Arc: Sendable, Hashable {
        public var place: Int
        public var weight: Int
        public init(place: Int, weight: Int = 1) {
            self.place = place
            self.weight = weight
        }
    }

    /// The net's name (PNML `<name>`), informative only.
    public var name: String
    public private(set) var places: [Place] = []
    public private(set) var transitions: [Transition] = []
    /// Per transition: the arcs from its input places (its preset).
    public private(set) var inputs: [[Arc]] = []
    /// Per transition: the arcs to its output places (its postset).
    public private(set) var outputs: [[Arc]] = []
    /// Tokens per place at the start.
    public var initialMarking: Marking
    /// Tokens per place when a case has completed properly.
    public var finalMarking: Marking

    /// An empty net.
    public init(name: String = "net") {
        self.name = name
        initialMarking = Marking(placeCount: 0)
        finalMarking = Marking(placeCount: 0)
    }

    /// Adds a place and returns its index; markings grow with it (zero tokens).
    ///
    /// - Complexity: O(1) amortised.
    @discardableResult
    public mutating func addPlace(_ name: String) -> Int {
        places.append(Place(name: name))
        initialMarking.tokens.append(0)
        finalMarking.tokens.append(0)
        return places.count - 1
    }

    /// Adds a transition (label `nil` = silent) and returns its index.
    ///
    /// - Complexity: O(1) amortised.
    @discardableResult
    public mutating func addTransition(_ name: String, label: String?) -> Int {
        transitions.append(Transition(name: name, label: label))
        inputs.append([])
        outputs.append([])
        return transitions.count - 1
    }

    /// Adds an arc from a place to a transition (or adds `weight` to an existing one).
    ///
    /// - Complexity: O(preset size).
    public mutating func addArc(fromPlace place: Int, toTransition transition: Int, weight: Int = 1) {
        precondition(places.indices.contains(place) && transitions.indices.contains(transition) && weight > 0)
        if let i = inputs[transition].firstIndex(where: { $0.place == place }) {
            inputs[transition][i].weight += weight
        } else {
            inputs[transition].append(Arc(place: place, weight: weight))
        }
    }

    /// Adds an arc from a transition to a place (or adds `weight` to an existing one).
    ///
    /// - Complexity: O(postset size).
    public mutating func addArc(fromTransition transition: Int, toPlace place: Int, weight: Int = 1) {
        precondition(places.indices.contains(place) && transitions.indices.contains(transition) && weight > 0)
        if let i = outputs[transition].firstIndex(where: { $0.place == place }) {
            outputs[transition][i].weight += weight
        } else {
            outputs[transition].append(Arc(place: place, weight: weight))
        }
    }

    /// True when `marking` has enough tokens in every input place of `transition`.
    ///
    /// - Complexity: O(preset size).
    @inline(__always)
    public func isEnabled(_ transition: Int, in marking: Marking) -> Bool {
        for arc in inputs[transition] where marking.tokens[arc.place] < arc.weight { return false }
        return true
    }

    /// Fires `transition`: removes its input tokens and adds its output tokens. The transition
    /// must be enabled.
    ///
    /// - Complexity: O(preset + postset size).
    @inline(__always)
    public func fire(_ transition: Int, in marking: inout Marking) {
        precondition(isEnabled(transition, in: marking), "firing a transition that is not enabled")
        for arc in inputs[transition] { marking.tokens[arc.place] -= arc.weight }
        for arc in outputs[transition] { marking.tokens[arc.place] += arc.weight }
    }

    /// Per place: the transitions that take tokens from it (its postset).
    ///
    /// - Complexity: O(arcs).
    public func placeOutputs() -> [[Int]] {
        var result = Array(repeating: [Int](), count: places.count)
        for t in transitions.indices { for arc in inputs[t] { result[arc.place].append(t) } }
        return result
    }

    /// Per place: the transitions that put tokens into it (its preset).
    ///
    /// - Complexity: O(arcs).
    public func placeInputs() -> [[Int]] {
        var result = Array(repeating: [Int](), count: places.count)
        for t in transitions.indices { for arc in outputs[t] { result[arc.place].append(t) } }
        return result
    }

    /// The transitions carrying each visible label, by label.
    ///
    /// - Complexity: O(transitions).
    public func transitionsByLabel() -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (t, transition) in transitions.enumerated() {
            if let label = transition.label { result[label, default: []].append(t) }
        }
        return result
    }

    /// Checks the invariants: arcs point at existing places, weights positive, markings sized to
    /// the places and never negative. Runs in debug builds and tests.
    ///
    /// - Complexity: O(places + arcs).
    public func checkInvariants() {
        precondition(inputs.count == transitions.count && outputs.count == transitions.count)
        precondition(initialMarking.tokens.count == places.count && finalMarking.tokens.count == places.count)
        for arcs in inputs + outputs {
            for arc in arcs { precondition(places.indices.contains(arc.place) && arc.weight > 0) }
        }
        precondition(initialMarking.tokens.allSatisfy { $0 >= 0 } && finalMarking.tokens.allSatisfy { $0 >= 0 })
    }
}

/// Tokens per place of a `PetriNet`: a dense multiset of places.
public struct Marking: Sendable, Hashable {
    /// Tokens in each place, indexed like `PetriNet.places`.
    public var tokens: [Int]

    /// A marking with no tokens.
    public init(placeCount: Int) { tokens = Array(repeating: 0, count: placeCount) }

    /// A marking with the given tokens.
    public init(tokens: [Int]) { self.tokens = tokens }

    /// The total number of tokens.
    public var total: Int { tokens.reduce(0, +) }
}

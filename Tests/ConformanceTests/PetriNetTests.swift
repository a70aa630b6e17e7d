import Conformance
import Testing

@Suite struct PetriNetTests {
    /// p0 -> a -> p1 -> τ -> p2, with a self-loop b on p1.
    static func smallNet() -> PetriNet {
        var net = PetriNet(name: "small")
        let p0 = net.addPlace("source")
        let p1 = net.addPlace("p1")
        let p2 = net.addPlace("sink")
        let a = net.addTransition("t_a", label: "a")
        let b = net.addTransition("t_b", label: "b")
        let tau = net.addTransition("tau_1", label: nil)
        net.addArc(fromPlace: p0, toTransition: a)
        net.addArc(fromTransition: a, toPlace: p1)
        net.addArc(fromPlace: p1, toTransition: b)
        net.addArc(fromTransition: b, toPlace: p1)
        net.addArc(fromPlace: p1, toTransition: tau)
        net.addArc(fromTransition: tau, toPlace: p2)
        net.initialMarking.tokens[p0] = 1
        net.finalMarking.tokens[p2] = 1
        net.checkInvariants()
        return net
    }

    @Test func firingMovesTokens() {
        let net = Self.smallNet()
        var m = net.initialMarking
        #expect(net.isEnabled(0, in: m))
        #expect(!net.isEnabled(1, in: m))
        net.fire(0, in: &m)
        #expect(m.tokens == [0, 1, 0])
        net.fire(1, in: &m)
        #expect(m.tokens == [0, 1, 0])
        net.fire(2, in: &m)
        #expect(m == net.finalMarking)
        #expect(m.total == 1)
    }

    @Test func adjacencyAndLabels() {
        let net = Self.smallNet()
        #expect(net.placeOutputs() == [[0], [1, 2], []])
        #expect(net.placeInputs() == [[], [0, 1], [2]])
        #expect(net.transitionsByLabel() == ["a": [0], "b": [1]])
        #expect(net.transitions[2].isSilent)
    }

    @Test func repeatedArcsAddWeight() {
        var net = PetriNet()
        let p = net.addPlace("p")
        let t = net.addTransition("t", label: "t")
        net.addArc(fromPlace: p, toTransition: t)
        net.addArc(fromPlace: p, toTransition: t)
        #expect(net.inputs[t] == [PetriNet.Arc(place: p, weight: 2)])
        var m = Marking(tokens: [1])
        #expect(!net.isEnabled(t, in: m))
        m.tokens[p] = 2
        #expect(net.isEnabled(t, in: m))
    }
}

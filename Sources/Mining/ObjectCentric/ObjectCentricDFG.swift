import Storage
import _WaybillSupport

/// The object-centric directly-follows graph of an OCEL 2.0 log: one directly-follows graph per
/// object type, counted per object, with per-type activity and start/end figures.
///
/// The definitions are PM4Py's `pm4py.discover_ocdfg` (Berti and van der Aalst, "Extracting
/// multiple viewpoint models from relational databases", 2018), so the counts equal PM4Py's:
/// - **Order.** An object's events are taken by timestamp, ties in input (file) order, which is
///   how PM4Py's OCEL importer sorts events and relations and how the store's case view orders a
///   case. An event linked to one object under two qualifiers counts once for it.
/// - **Activities per type** (`activities_ot`): for each activity, the distinct *events* linked to
///   at least one object of the type, the distinct objects of the type (*unique objects*) and the
///   distinct event–object pairs (*total objects*).
/// - **Edges per type** (`edges`): source → target when, for some object of the type, an event of
///   target directly follows an event of source. *Event couples* counts the distinct
///   (source event, target event) pairs, *unique objects* the objects in which the edge occurs,
///   *total objects* the (source event, target event, object) triples — the frequency of the
///   edge in the log flattened onto the type (`pm4py.ocel_flattening`, then `discover_dfg`).
/// - **Start and end activities per type**: the activity of each object's first (last) event,
///   with the distinct such events and the objects.
///
/// Object types without any linked event are left out (PM4Py lists them with no activities).
/// Edge performance (PM4Py's `edges_performance`) is not computed.
///
/// Built from the per-type case views (`EventStore.loadCaseView(objectType:)`), which must share
/// one activity coding (they do when loaded from one store): flat arrays indexed by activity
/// code, an activity-pair table for the edges, a mark per event id for the distinct-event counts,
/// and one sort of packed (event, event) keys for the event couples.
public struct ObjectCentricDFG: Sendable {
    /// An activity's figures within one object type.
    public struct ActivityFigures: Sendable, Equatable {
        /// Activity code.
        public var activity: Int32
        /// Distinct events of the activity linked to at least one object of the type.
        public var events: Int
        /// Distinct objects of the type linked to an event of the activity.
        public var uniqueObjects: Int
        /// Distinct (event, object) links between the activity's events and objects of the type.
        public var totalObjects: Int
    }

    /// One directly-follows edge of one object type.
    public struct Edge: Sendable, Equatable {
        /// Activity codes.
        public var source: Int32
        public var target: Int32
        /// Distinct (source event, target event) pairs.
        public var eventCouples: Int
        /// Objects of the type in whose sequence the edge occurs.
        public var uniqueObjects: Int
        /// (source event, target event, object) occurrences: the flattened log's DFG frequency.
        public var totalObjects: Int
    }

    /// A start or end activity of one object type.
    public struct Endpoint: Sendable, Equatable {
        /// Activity code.
        public var activity: Int32
        /// Distinct events that are some object's first (last) event.
        public var events: Int
        /// Objects whose first (last) event has the activity.
        public var objects: Int
    }

    /// The graph of one object type.
    public struct TypeGraph: Sendable, Equatable {
        public var objectType: String
        /// Objects of the type with at least one event.
        public var objects: Int
        /// Distinct events linked to at least one object of the type.
        public var events: Int
        /// Distinct (event, object) links: the events of the log flattened onto the type.
        public var eventObjectLinks: Int
        /// By total objects descending, then activity name.
        public var activities: [ActivityFigures]
        /// By total objects descending, then source name, then target name.
        public var edges: [Edge]
        /// By objects descending, then name.
        public var startActivities: [Endpoint]
        public var endActivities: [Endpoint]
    }

    /// Activity names, indexed by code (the store's coding).
    public var activityNames: [String]
    /// One graph per object type with events, by type name in code-point order.
    public var types: [TypeGraph]

    /// Discovers the graph from the case views of the object types, one view per type.
    ///
    /// - Precondition: the views share `activityNames`, and their event ids are below 2³².
    /// - Complexity: O(*L* + *T*·*a*² + *P* log *P*) time for *L* event–object links in the
    ///   views, *T* types, *a* activities (the dense pair table; a hash table above 2,048
    ///   activities) and *P* ≤ *L* directly-follows pairs; O(*L* + *E*) memory for the largest
    ///   event id *E*.
    public init(views: [ColumnarLog]) {
        let names = views.first?.activityNames ?? []
        precondition(views.allSatisfy { $0.activityNames == names }, "the case views must share one activity coding")
        var maxEvent: Int64 = 0
        for view in views { for id in view.eventIDs { maxEvent = max(maxEvent, id) } }
        precondition(maxEvent < Int64(UInt32.max), "event ids must fit in 32 bits")
        // Per event id: its activity, and for each role (any event, first event, last event) the
        // last type that counted it, so each distinct event counts once per type without a set.
        var activityOfEvent = [Int32](repeating: -1, count: Int(maxEvent) + 1)
        for view in views {
            for k in 0..<view.eventCount { activityOfEvent[Int(view.eventIDs[k])] = view.activities[k] }
        }
        var marks = EventMarks(events: Int(maxEvent) + 1)
        let sorted = views.sorted { $0.caseType.utf8.lexicographicallyPrecedes($1.caseType.utf8) }
        let rank = ActivityNameOrder.ranks(names)
        var graphs: [TypeGraph] = []
        for (t, view) in sorted.enumerated() where view.eventCount > 0 {
            graphs.append(
                Self.typeGraph(view, type: Int32(t), marks: &marks, activityOfEvent: activityOfEvent, rank: rank))
        }
        activityNames = names
        types = graphs
        #if DEBUG
            checkInvariants()
        #endif
    }

    /// The graph of one type's view.
    ///
    /// - Complexity: O(*L* + *a*² + *P* log *P*) for the view's *L* links and *P* pairs.
    private static func typeGraph(
        _ view: ColumnarLog, type t: Int32, marks: inout EventMarks, activityOfEvent: [Int32], rank: [Int]
    ) -> TypeGraph {
        let a = view.activityNames.count
        var events = [Int](repeating: 0, count: a)
        var uniqueObjects = [Int](repeating: 0, count: a)
        var totalObjects = [Int](repeating: 0, count: a)
        var lastObject = [Int](repeating: -1, count: a)
        var startEvents = [Int](repeating: 0, count: a)
        var startObjects = [Int](repeating: 0, count: a)
        var endEvents = [Int](repeating: 0, count: a)
        var endObjects = [Int](repeating: 0, count: a)
        var distinctEvents = 0
        var pairs = PairTable(activities: a)
        var couples: [UInt64] = []
        couples.reserveCapacity(view.eventCount)
        for c in 0..<view.caseCount {
            let range = view.events(ofCase: c)
            guard !range.isEmpty else { continue }
            for k in range {
                let x = Int(view.activities[k])
                let id = Int(view.eventIDs[k])
                totalObjects[x] += 1
                if lastObject[x] != c {
                    lastObject[x] = c
                    uniqueObjects[x] += 1
                }
                if marks.any[id] != t {
                    marks.any[id] = t
                    events[x] += 1
                    distinctEvents += 1
                }
                if k > range.lowerBound {
                    let source = view.activities[k - 1]
                    pairs.count(source: source, target: view.activities[k], object: c)
                    couples.append(UInt64(view.eventIDs[k - 1]) << 32 | UInt64(id))
                }
            }
            // Start and end: the events first counted for this type and role.
            let first = range.lowerBound
            let last = range.upperBound - 1
            startObjects[Int(view.activities[first])] += 1
            if marks.first[Int(view.eventIDs[first])] != t {
                marks.first[Int(view.eventIDs[first])] = t
                startEvents[Int(view.activities[first])] += 1
            }
            endObjects[Int(view.activities[last])] += 1
            if marks.last[Int(view.eventIDs[last])] != t {
                marks.last[Int(view.eventIDs[last])] = t
                endEvents[Int(view.activities[last])] += 1
            }
        }
        // Distinct (source event, target event) couples: sort the packed keys, count each run once.
        couples.sort()
        var previous: UInt64? = nil
        for key in couples where key != previous {
            previous = key
            let source = activityOfEvent[Int(key >> 32)]
            let target = activityOfEvent[Int(key & 0xFFFF_FFFF)]
            pairs.addCouple(source: source, target: target)
        }

        var activities: [ActivityFigures] = []
        for x in 0..<a where totalObjects[x] > 0 {
            activities.append(
                ActivityFigures(
                    activity: Int32(x), events: events[x], uniqueObjects: uniqueObjects[x],
                    totalObjects: totalObjects[x]))
        }
        activities.sort {
            $0.totalObjects != $1.totalObjects
                ? $0.totalObjects > $1.totalObjects : rank[Int($0.activity)] < rank[Int($1.activity)]
        }
        var edges = pairs.edges
        edges.sort {
            if $0.totalObjects != $1.totalObjects { return $0.totalObjects > $1.totalObjects }
            if $0.source != $1.source { return rank[Int($0.source)] < rank[Int($1.source)] }
            return rank[Int($0.target)] < rank[Int($1.target)]
        }
        func endpoints(_ events: [Int], _ objects: [Int]) -> [Endpoint] {
            (0..<a).filter { objects[$0] > 0 }
                .sorted { objects[$0] != objects[$1] ? objects[$0] > objects[$1] : rank[$0] < rank[$1] }
                .map { Endpoint(activity: Int32($0), events: events[$0], objects: objects[$0]) }
        }
        return TypeGraph(
            objectType: view.caseType, objects: view.caseCount, events: distinctEvents,
            eventObjectLinks: view.eventCount, activities: activities, edges: edges,
            startActivities: endpoints(startEvents, startObjects), endActivities: endpoints(endEvents, endObjects))
    }

    /// The name of an activity code.
    public func name(_ code: Int32) -> String { activityNames[Int(code)] }

    /// The graph of one object type, if it has events.
    public func graph(of objectType: String) -> TypeGraph? { types.first { $0.objectType == objectType } }
}

/// Per event id and role, the last object type (its index) that counted the event.
///
/// - Complexity: O(*E*) memory for the largest event id *E*; O(1) per check.
private struct EventMarks {
    var any: [Int32]
    var first: [Int32]
    var last: [Int32]

    init(events: Int) {
        any = [Int32](repeating: -1, count: events)
        first = any
        last = any
    }
}

/// Edges by activity pair: a dense *a*×*a* table of edge numbers, or a hash above 2,048 activities.
///
/// - Complexity: O(1) per update (expected, with the hash); O(*a*²) memory when dense.
private struct PairTable {
    let a: Int
    let dense: Bool
    var denseEdge: [Int32]
    var sparseEdge: [Int: Int32] = [:]
    var edges: [ObjectCentricDFG.Edge] = []
    var lastObject: [Int] = []

    init(activities: Int) {
        a = activities
        dense = activities <= 2_048
        denseEdge = [Int32](repeating: -1, count: dense ? activities * activities : 0)
    }

    /// The edge number of a pair, created on first use.
    private mutating func edge(_ source: Int32, _ target: Int32) -> Int {
        let key = Int(source) * a + Int(target)
        let e = dense ? denseEdge[key] : sparseEdge[key, default: -1]
        if e >= 0 { return Int(e) }
        let new = Int32(edges.count)
        if dense { denseEdge[key] = new } else { sparseEdge[key] = new }
        edges.append(.init(source: source, target: target, eventCouples: 0, uniqueObjects: 0, totalObjects: 0))
        lastObject.append(-1)
        return Int(new)
    }

    /// Counts one occurrence of the pair in object `object`.
    mutating func count(source: Int32, target: Int32, object: Int) {
        let e = edge(source, target)
        edges[e].totalObjects += 1
        if lastObject[e] != object {
            lastObject[e] = object
            edges[e].uniqueObjects += 1
        }
    }

    /// Counts one distinct (source event, target event) couple of an existing pair.
    mutating func addCouple(source: Int32, target: Int32) {
        edges[edge(source, target)].eventCouples += 1
    }
}

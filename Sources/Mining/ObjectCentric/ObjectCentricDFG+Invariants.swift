extension ObjectCentricDFG {
    /// Checks the invariants that tie the counts together; runs in debug builds and tests.
    ///
    /// Per type: the activities' total objects add up to the event–object links, and the edges'
    /// to the links minus one per object (each object of *n* events has *n* − 1 pairs); every
    /// object starts and ends once; distinct counts never exceed totals; codes are in range;
    /// types and rows are in their documented order.
    ///
    /// - Complexity: O(*T*·(*a* + *edges*)).
    public func checkInvariants() {
        let a = activityNames.count
        for (k, graph) in types.enumerated() {
            if k > 0 { precondition(types[k - 1].objectType.utf8.lexicographicallyPrecedes(graph.objectType.utf8)) }
            precondition(graph.objects > 0 && graph.events > 0 && graph.events <= graph.eventObjectLinks)
            var links = 0
            for row in graph.activities {
                precondition(row.activity >= 0 && Int(row.activity) < a)
                precondition(row.events <= row.totalObjects && row.uniqueObjects <= row.totalObjects)
                precondition(row.uniqueObjects <= graph.objects && row.events <= graph.events)
                links += row.totalObjects
            }
            precondition(links == graph.eventObjectLinks)
            var pairs = 0
            for edge in graph.edges {
                precondition(edge.source >= 0 && Int(edge.source) < a && edge.target >= 0 && Int(edge.target) < a)
                precondition(edge.eventCouples >= 1 && edge.eventCouples <= edge.totalObjects)
                precondition(edge.uniqueObjects >= 1 && edge.uniqueObjects <= min(edge.totalObjects, graph.objects))
                pairs += edge.totalObjects
            }
            precondition(pairs == graph.eventObjectLinks - graph.objects)
            for endpoints in [graph.startActivities, graph.endActivities] {
                precondition(endpoints.reduce(0) { $0 + $1.objects } == graph.objects)
                for e in endpoints { precondition(e.events >= 1 && e.events <= e.objects) }
            }
            for k in graph.activities.indices.dropFirst() {
                precondition(graph.activities[k - 1].totalObjects >= graph.activities[k].totalObjects)
            }
            for k in graph.edges.indices.dropFirst() {
                precondition(graph.edges[k - 1].totalObjects >= graph.edges[k].totalObjects)
            }
        }
    }
}

extension DataDictionary {
    /// The columns of `bottlenecks.csv` (`BottleneckAnalysis`).
    static func addBottleneckColumns(_ add: (String, String, String, String) -> Void) {
        let file = "bottlenecks.csv"
        let item = "an item row (edge or activity)"
        let segment = "a segment row"
        add(
            file, "rank", "integer",
            "\(item): its rank by total waiting hours; \(segment): its rank among all segments by unexplained_share (ties by unexplained_hours)"
        )
        add(
            file, "kind", "string",
            "edge (the gaps of a directly-follows edge), activity (the waits before an activity) or segment")
        add(file, "item", "string", "the edge (source -> target) or activity; for a segment, the item it splits")
        add(file, "item_rank", "integer", "the rank of the item (of the segment's item)")
        add(
            file, "segment", "string",
            "empty for items; conditions that all hold, 'dimension=level' joined by ' & ', merged levels joined by '|' (node=DC-S & weekday=Monday|Tuesday)"
        )
        add(file, "occurrences", "integer", "waits (directly-follows pairs) in the item or segment")
        add(file, "cases", "integer", "cases with at least one of those waits")
        add(
            file, "total_wait_hours", "float",
            "sum of the waits in hours, a wait being target start - source completion as in dfg.csv; negative waits count as zero"
        )
        add(
            file, "excess_hours", "float",
            "items: sum of the waits above the item's own median, in hours; segments: occurrences x (median_hours - rest_median_hours)"
        )
        add(file, "median_hours", "float", "median wait in hours (mean of the two middle values for an even count)")
        add(file, "p90_hours", "float", "90th percentile of the waits in hours (linear interpolation, NumPy's default)")
        add(file, "rest_median_hours", "float", "segments: median wait of the item's other waits, in hours")
        add(
            file, "lift", "float",
            "segments: median_hours / rest_median_hours; empty when the rest's median is not positive")
        add(
            file, "p_value", "float",
            "segments: one-sided Mann-Whitney U p-value, segment longer than the rest (normal approximation, tie and continuity corrected, as SciPy), written as %.3e; for merged levels the largest of the parts'"
        )
        add(
            file, "adjusted_p", "float",
            "segments: Benjamini-Hochberg adjusted p-value over every segment tested in the run, written as %.3e; for merged levels the largest of the parts'"
        )
        add(
            file, "late_cases", "integer",
            "SLA-missing cases with a wait in the item or segment; empty without an SLA rule")
        add(file, "late_share", "float", "late_cases / all SLA-missing cases; empty without an SLA rule or misses")
        add(
            file, "unexplained_hours", "float",
            "segments: waiting hours the segment adds beyond the item's wait profile (item mean + weekday, hour-of-day and promise-tier deviations) and beyond the item's segments ranked before it (forward stagewise fit); can be negative"
        )
        add(
            file, "unexplained_share", "float",
            "segments: unexplained_hours / (the item's total_wait_hours + m), m the median total_wait_hours of the searched items: the item's share, shrunk for small items (Cestnik's m-estimate); the ranking key"
        )
        add(file, "description", "string", "the row as a sentence")
    }
}

/// The columns of every file `waybill mine` writes, with their types and meanings.
///
/// The single source of the files' headers: the writers take their header rows from here, and
/// `data-dictionary.csv` is this table, so the documentation cannot drift from the files.
public enum DataDictionary {
    /// One column of one file.
    public struct Column: Sendable, Equatable {
        public var file: String
        public var name: String
        /// `string`, `integer`, `float` or `json` (a JSON array of strings).
        public var type: String
        public var description: String
    }

    /// The files, in the order they are written and documented.
    public static let files = [
        "dfg.csv", "start_activities.csv", "end_activities.csv", "variants.csv", "activities.csv", "sla.csv",
        "changes.csv", "bottlenecks.csv", "data-dictionary.csv",
    ]

    /// The files `waybill mine --object-centric` adds (`ObjectCentricAnalysis.writeTables`).
    public static let objectCentricFiles = [
        "object_types.csv", "ocdfg.csv", "ocdfg_activities.csv", "ocdfg_start_activities.csv",
        "ocdfg_end_activities.csv", "object_variants.csv",
    ]

    /// The header row of a file, as its column names.
    public static func header(_ file: String) -> [String] { columns.filter { $0.file == file }.map(\.name) }

    /// Every column of every file.
    public static let columns: [Column] = {
        var all: [Column] = []
        func add(_ file: String, _ name: String, _ type: String, _ description: String) {
            all.append(Column(file: file, name: name, type: type, description: description))
        }
        let gap =
            "the gap target start - source completion; an event without a start timestamp starts at its completion (PM4Py's performance DFG)"
        add("dfg.csv", "source", "string", "activity of the earlier event of a directly-follows pair")
        add("dfg.csv", "target", "string", "activity of the event that directly follows it in the same case")
        add("dfg.csv", "frequency", "integer", "times target directly follows source (pm4py.discover_dfg)")
        add("dfg.csv", "case_frequency", "integer", "cases in which target directly follows source at least once")
        add("dfg.csv", "mean_seconds", "float", "mean of \(gap), in seconds")
        add(
            "dfg.csv", "median_seconds", "float",
            "median of the gap in seconds (mean of the two middle values for an even count)")
        add(
            "dfg.csv", "p90_seconds", "float",
            "90th percentile of the gap in seconds (linear interpolation, NumPy's default)")
        add("dfg.csv", "max_seconds", "float", "largest gap in seconds")
        for (file, role) in [("start_activities.csv", "start"), ("end_activities.csv", "end")] {
            add(
                file, "activity", "string",
                "activity of the \(role == "start" ? "first" : "last") event of a case (completion order)")
            add(file, "cases", "integer", "cases that \(role) with it")
        }
        add(
            "variants.csv", "rank", "integer",
            "1 for the most frequent variant; ties ranked by the activity sequence in code-point order")
        add("variants.csv", "cases", "integer", "cases following the variant (pm4py.get_variants)")
        add("variants.csv", "share", "float", "cases / all cases analysed")
        add("variants.csv", "cumulative_share", "float", "share of this variant and all ranked before it")
        add(
            "variants.csv", "median_throughput_seconds", "float",
            "median over the variant's cases of last completion - first completion, in seconds")
        add("variants.csv", "activities", "json", "the activity sequence, as a JSON array of names")
        add("activities.csv", "activity", "string", "activity name")
        add("activities.csv", "frequency", "integer", "events of the activity")
        add("activities.csv", "cases", "integer", "cases with at least one event of it")
        add("activities.csv", "rework_cases", "integer", "cases with more than one event of it")
        add("activities.csv", "service_count", "integer", "events of it with a start timestamp")
        for (stat, text) in [("mean", "mean"), ("median", "median"), ("p90", "90th percentile")] {
            add(
                "activities.csv", "\(stat)_service_seconds", "float",
                "\(text) of completion - start over those events, in seconds; empty when none has a start timestamp")
        }
        add("activities.csv", "waiting_count", "integer", "events of it that have a predecessor in their case")
        for (stat, text) in [("mean", "mean"), ("median", "median"), ("p90", "90th percentile")] {
            add(
                "activities.csv", "\(stat)_waiting_seconds", "float",
                "\(text) of the event's start (or completion, without a start timestamp) - the previous event's completion, in seconds; empty when it never has a predecessor"
            )
        }
        add("sla.csv", "dimension", "string", "all, or the case attribute segmented by (CaseDimensions: few-valued attributes, numbers cut at quartiles)")
        add("sla.csv", "segment", "string", "all, or the attribute's value (a [low, high) range for a numeric attribute)")
        add("sla.csv", "week", "string", "all, the ISO week the cases were due (promise), e.g. 2026-W05, or none for cases without a promise")
        add("sla.csv", "cases", "integer", "cases in the group, whatever their status")
        add("sla.csv", "met", "integer", "milestone at or before the promise")
        add("sla.csv", "missed", "integer", "missed_late + missed_cancelled + missed_open")
        add("sla.csv", "attainment", "float", "met / (met + missed); empty when no case is decided")
        add("sla.csv", "missed_late", "integer", "milestone after the promise")
        add("sla.csv", "missed_cancelled", "integer", "cancelled before reaching the milestone")
        add("sla.csv", "missed_open", "integer", "neither milestone nor cancellation, and the promise has passed (as of the latest event)")
        add("sla.csv", "open", "integer", "promise still ahead, no milestone: not yet decided")
        add("sla.csv", "no_promise", "integer", "cases without a readable promise")
        add(
            "changes.csv", "kind", "string",
            "summary, variant_new, variant_gone, variant_share, edge_new, edge_gone, edge_median_wait, activity_median_wait, sla_attainment or bottleneck_wait_hours (total waiting hours of a bottlenecks.csv item)")
        add(
            "changes.csv", "item", "string",
            "the figure, variant (JSON array), edge (source -> target), activity or segment (dimension=value)")
        add("changes.csv", "previous", "float", "value in the comparison window; empty if the item did not exist then")
        add("changes.csv", "current", "float", "value in the analysed window; empty if the item no longer exists")
        add("changes.csv", "delta", "float", "current - previous; empty unless both exist")
        add(
            "changes.csv", "description", "string",
            "the change in words; shares and attainment are fractions, waits and throughput in hours, new/gone edges in occurrences")
        addObjectCentric(add)
        addBottleneckColumns(add)
        add("data-dictionary.csv", "file", "string", "the file the column belongs to")
        add("data-dictionary.csv", "column", "string", "the column's name in the header row")
        add("data-dictionary.csv", "type", "string", "string, integer, float (fixed 6 decimals) or json")
        add("data-dictionary.csv", "description", "string", "what the column holds")
        return all
    }()

    /// The columns of the object-centric files (`--object-centric`), PM4Py's `discover_ocdfg` figures.
    private static func addObjectCentric(_ add: (String, String, String, String) -> Void) {
        let type = "object type (OCEL 2.0); only types with at least one event"
        add("object_types.csv", "object_type", "string", type)
        add(
            "object_types.csv", "objects", "integer",
            "objects of the type with at least one event (the cases of --object-type)")
        add("object_types.csv", "events", "integer", "distinct events linked to at least one object of the type")
        add(
            "object_types.csv", "event_object_links", "integer",
            "distinct event-object links: the events of the log flattened onto the type (pm4py.ocel_flattening)")
        add("object_types.csv", "activities", "integer", "activities with an event linked to an object of the type")
        add("object_types.csv", "edges", "integer", "directly-follows edges of the type (rows in ocdfg.csv)")
        add(
            "object_types.csv", "variants", "integer",
            "distinct activity sequences of the type's objects (pm4py.get_variants on the flattened log)")
        add("ocdfg.csv", "object_type", "string", type)
        add("ocdfg.csv", "source", "string", "activity of an object's event")
        add(
            "ocdfg.csv", "target", "string",
            "activity of the next event of the same object (timestamp order, ties in file order)")
        add(
            "ocdfg.csv", "event_couples", "integer",
            "distinct (source event, target event) pairs (pm4py.discover_ocdfg, edges event_couples)")
        add("ocdfg.csv", "unique_objects", "integer", "objects of the type in which target directly follows source")
        add(
            "ocdfg.csv", "total_objects", "integer",
            "(source event, target event, object) occurrences: the edge's frequency in the log flattened onto the type")
        add("ocdfg_activities.csv", "object_type", "string", type)
        add("ocdfg_activities.csv", "activity", "string", "activity name")
        add(
            "ocdfg_activities.csv", "events", "integer",
            "distinct events of the activity linked to an object of the type (discover_ocdfg activities_ot)")
        add(
            "ocdfg_activities.csv", "unique_objects", "integer",
            "distinct objects of the type linked to an event of the activity")
        add(
            "ocdfg_activities.csv", "total_objects", "integer",
            "distinct (event, object) links of the activity's events to objects of the type")
        for (file, role) in [("ocdfg_start_activities.csv", "first"), ("ocdfg_end_activities.csv", "last")] {
            add(file, "object_type", "string", type)
            add(file, "activity", "string", "activity of an object's \(role) event")
            add(file, "events", "integer", "distinct events that are the \(role) event of some object of the type")
            add(file, "objects", "integer", "objects of the type whose \(role) event has the activity")
        }
        add("object_variants.csv", "object_type", "string", type)
        add(
            "object_variants.csv", "rank", "integer",
            "1 for the type's most frequent variant; ties ranked by the activity sequence in code-point order; the 10 most frequent per type"
        )
        add("object_variants.csv", "objects", "integer", "objects of the type following the variant")
        add("object_variants.csv", "share", "float", "objects / objects of the type with events")
        add("object_variants.csv", "activities", "json", "the object's activity sequence, as a JSON array of names")
    }
}

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
        "dfg.csv", "start_activities.csv", "end_activities.csv", "variants.csv", "activities.csv",
        "bottlenecks.csv", "data-dictionary.csv",
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
        addBottleneckColumns(add)
        add("data-dictionary.csv", "file", "string", "the file the column belongs to")
        add("data-dictionary.csv", "column", "string", "the column's name in the header row")
        add("data-dictionary.csv", "type", "string", "string, integer, float (fixed 6 decimals) or json")
        add("data-dictionary.csv", "description", "string", "what the column holds")
        return all
    }()
}

import Foundation
import _WaybillSupport

extension BottleneckAnalysis {
    /// The rows of `bottlenecks.csv` (without the header): first every item by rank, then the
    /// segments by rank. Cells are escaped with `CSVCell.escape`, floats have 6 decimals, and a
    /// figure that does not apply is an empty cell.
    ///
    /// - Complexity: O(items + segments).
    public func csvRows() -> [[String]] {
        let decimal = ProcessAnalysis.decimal
        func optional(_ x: Double?) -> String { x.map(decimal) ?? "" }
        var rows: [[String]] = []
        for (i, item) in items.enumerated() {
            rows.append(
                [
                    String(i + 1), item.kind.rawValue, CSVCell.escape(item.name), String(i + 1), "",
                    String(item.occurrences), String(item.cases), decimal(item.totalWaitHours),
                    decimal(item.excessHours), decimal(item.medianHours), decimal(item.p90Hours), "", "", "", "",
                    item.lateCases.map(String.init) ?? "", optional(item.lateShare), "", "",
                    CSVCell.escape(sentence(item)),
                ])
        }
        for (k, segment) in segments.enumerated() {
            let item = items[segment.item]
            rows.append(
                [
                    String(k + 1), "segment", CSVCell.escape(item.name), String(segment.item + 1),
                    CSVCell.escape(Self.segmentText(segment.conditions)), String(segment.occurrences),
                    String(segment.cases), decimal(segment.totalWaitHours), decimal(segment.excessHours),
                    decimal(segment.medianHours), decimal(segment.p90Hours), decimal(segment.restMedianHours),
                    optional(segment.lift), Self.probability(segment.pValue), Self.probability(segment.adjustedP),
                    segment.lateCases.map(String.init) ?? "", optional(segment.lateShare),
                    decimal(segment.unexplainedHours), decimal(segment.unexplainedShare),
                    CSVCell.escape(sentence(segment)),
                ])
        }
        return rows
    }

    /// The whole file, header included.
    public func csv() -> String {
        var text = DataDictionary.header("bottlenecks.csv").joined(separator: ",") + "\n"
        for row in csvRows() { text += row.joined(separator: ",") + "\n" }
        return text
    }

    /// The first `count` segment sentences, in the segments' ranking (what `waybill mine` prints).
    public func topSentences(_ count: Int) -> [String] { segments.prefix(count).map(sentence) }

    /// `node=DC-S & weekday=Monday|Tuesday`: the conditions, `&` between them, `|` between the
    /// merged levels of one dimension.
    public static func segmentText(_ conditions: [Condition]) -> String {
        conditions.map { "\($0.dimension)=\($0.levels.joined(separator: "|"))" }.joined(separator: " & ")
    }

    /// A p-value, always as C's `%.3e` (`3.215e-12`, `1.000e+00`, `0.000e+00`), so that tiny
    /// values are not written as zero and the column has one format.
    ///
    /// - Complexity: O(1).
    static func probability(_ p: Double) -> String {
        p.isFinite ? String(format: "%.3e", p) : ""
    }

    /// An item as a sentence: "Picked -> Packed: 3,512 waits in 3,498 orders, 2,240.3 h in
    /// total, median 41 min, p90 5.2 h; 61% of SLA-missed orders pass it."
    public func sentence(_ item: Item) -> String {
        var text =
            "\(item.name): \(item.occurrences) waits in \(item.cases) \(caseType), "
            + "\(Self.oneDecimal(item.totalWaitHours)) h in total, median \(Self.duration(hours: item.medianHours)), "
            + "p90 \(Self.duration(hours: item.p90Hours))"
        if let share = item.lateShare { text += "; \(Self.percent(share)) of SLA-missed \(caseType) pass it" }
        return text
    }

    /// A segment as a sentence: "Picked -> Packed at DC-S on Monday and Tuesday: median 5.3 h vs
    /// 41 min elsewhere (7.8x), 412 waits, 38% of SLA-missed orders."
    public func sentence(_ segment: Segment) -> String {
        var places: [String] = []
        var clauses: [String] = []
        for c in segment.conditions {
            let levels = Self.list(c.levels)
            switch c.dimension {
            case "weekday": places.append("on \(levels)")
            case "hour_of_day":
                if c.levels.count == 1, let h = Int(c.levels[0]) {
                    places.append("between \(c.levels[0]):00 and \(h + 1 < 10 ? "0" : "")\(h + 1):00 UTC")
                } else {
                    places.append("in hours \(levels) UTC")
                }
            case "node", "store", "site", "location", "warehouse":
                places.append("at \(Self.list(c.levels, conjunction: "or"))")
            default: clauses.append("\(c.dimension) is \(Self.list(c.levels, conjunction: "or"))")
            }
        }
        var subject = ([items[segment.item].name] + places).joined(separator: " ")
        if !clauses.isEmpty { subject += " where " + clauses.joined(separator: " and ") }
        var text =
            "\(subject): median \(Self.duration(hours: segment.medianHours)) vs "
            + "\(Self.duration(hours: segment.restMedianHours)) elsewhere"
        if let lift = segment.lift { text += " (\(Self.oneDecimal(lift))x)" }
        text += ", \(segment.occurrences) waits"
        if let share = segment.lateShare { text += ", \(Self.percent(share)) of SLA-missed \(caseType)" }
        return text
    }

    /// "Monday", "Monday and Tuesday", "Monday, Tuesday and Friday".
    static func list(_ names: [String], conjunction: String = "and") -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " \(conjunction) " + names.last!
    }

    /// A duration for a sentence: minutes below an hour, hours with one decimal below three days,
    /// days with one decimal beyond.
    static func duration(hours: Double) -> String {
        let magnitude = abs(hours)
        if magnitude < 1 { return "\(Int((hours * 60).rounded())) min" }
        if magnitude < 72 { return "\(oneDecimal(hours)) h" }
        return "\(oneDecimal(hours / 24)) d"
    }

    /// A number with one decimal, rounded half away from zero, without locale.
    static func oneDecimal(_ x: Double) -> String {
        guard x.isFinite else { return "" }
        let tenths = Int((x * 10).rounded(.toNearestOrAwayFromZero))
        return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// A share as a whole percentage, `<1%` for a small non-zero one.
    static func percent(_ share: Double) -> String {
        share > 0 && share < 0.005 ? "<1%" : "\(Int((share * 100).rounded()))%"
    }
}

import Foundation
import _WaybillSupport

extension TokenReplay {
    /// The files `writeTables(to:)` writes, in order.
    public static let files = [
        "conformance.csv", "deviations.csv", "conformance-places.csv", "conformance-activities.csv",
    ]

    /// Per place: tokens missing and remaining over all cases, and the cases with any.
    public struct PlaceTotals: Sendable, Equatable {
        public var place: Int
        public var missing = 0
        public var remaining = 0
        public var casesMissing = 0
        public var casesRemaining = 0
    }

    /// Per activity of the log: its events, and how often its transition was not enabled.
    public struct ActivityTotals: Sendable, Equatable {
        public var activity: String
        public var inModel: Bool
        public var events = 0
        public var cases = 0
        public var eventsNotEnabled = 0
        public var casesNotEnabled = 0
    }

    /// Totals per place, by tokens missing plus remaining (descending), then name.
    ///
    /// - Complexity: O(*v* · *P* + *P* log *P*) for *v* variants.
    public func placeTotals() -> [PlaceTotals] {
        var totals = net.places.indices.map { PlaceTotals(place: $0) }
        for (v, r) in variants.enumerated() {
            let n = variantCases[v]
            for m in r.missingTokens {
                totals[m.index].missing += n * m.count
                totals[m.index].casesMissing += n
            }
            for m in r.remainingTokens {
                totals[m.index].remaining += n * m.count
                totals[m.index].casesRemaining += n
            }
        }
        return totals.sorted { a, b in
            if a.missing + a.remaining != b.missing + b.remaining {
                return a.missing + a.remaining > b.missing + b.remaining
            }
            return net.places[a.place].name.utf8.lexicographicallyPrecedes(net.places[b.place].name.utf8)
        }
    }

    /// Totals per activity of the log, by events not enabled or not in the model (descending),
    /// then name.
    ///
    /// - Complexity: O(*v* · *k* + *A* log *A*) for *v* variants of up to *k* events.
    public func activityTotals() -> [ActivityTotals] {
        let labels = Set(net.transitions.compactMap(\.label))
        var totals = activityNames.map { ActivityTotals(activity: $0, inModel: labels.contains($0)) }
        var index: [String: Int] = [:]
        for (i, name) in activityNames.enumerated() { index[name] = i }
        for (v, sequence) in variantSequences.enumerated() {
            let n = variantCases[v]
            var seen = Set<Int32>()
            for a in sequence {
                totals[Int(a)].events += n
                if seen.insert(a).inserted { totals[Int(a)].cases += n }
            }
            var forced: [Int: Int] = [:]
            for f in variants[v].forcedTransitions {
                if let label = net.transitions[f.index].label, let a = index[label] { forced[a, default: 0] += f.count }
            }
            for (a, count) in forced {
                totals[a].eventsNotEnabled += n * count
                totals[a].casesNotEnabled += n
            }
        }
        func weight(_ t: ActivityTotals) -> Int { t.eventsNotEnabled + (t.inModel ? 0 : t.events) }
        return totals.filter { $0.events > 0 }.sorted { a, b in
            if weight(a) != weight(b) { return weight(a) > weight(b) }
            return a.activity.utf8.lexicographicallyPrecedes(b.activity.utf8)
        }
    }

    /// Writes the replay as CSV files into a folder (created if missing): `conformance.csv`
    /// (one row per case), `deviations.csv` (the exception list), `conformance-places.csv` and
    /// `conformance-activities.csv`. README.md ("waybill conformance") describes the columns.
    ///
    /// Deterministic byte for byte: cases in the log's order, floats with exactly 6 decimals,
    /// `\n` line ends; names and ids go through `CSVCell.escape`. Each file is written whole and
    /// moved into place.
    ///
    /// - Returns: the paths written, in `files` order.
    /// - Throws: `ConformanceError.cannotWrite` naming the folder or file.
    /// - Complexity: O(*cases* + deviation rows + *P* + *A*).
    @discardableResult
    public func writeTables(to directory: URL) throws -> [String] {
        try writeFiles(names: Self.files, texts: self.tables(), to: directory)
    }

    /// The four files' contents, in `files` order.
    func tables() -> [String] {
        let ids = caseIDs.map(CSVCell.escape)
        var perCase = "case_id,variant,fitness,consumed,produced,missing,remaining,is_fit\n"
        for c in 0..<caseCount {
            let v = Int(variantOfCase[c])
            let r = variants[v]
            perCase += "\(ids[c]),\(v + 1),\(Self.decimal(r.fitness)),\(r.consumed),\(r.produced),"
            perCase += "\(r.missing),\(r.remaining),\(r.isFit)\n"
        }
        var deviationsText = "case_id,case_fitness,kind,place_or_activity,count\n"
        let perVariant = variants.indices.map { v in
            deviations(ofVariant: v).map { ",\($0.kind.rawValue),\(CSVCell.escape($0.subject)),\($0.count)\n" }
        }
        for c in 0..<caseCount {
            let v = Int(variantOfCase[c])
            let head = ids[c] + "," + Self.decimal(variants[v].fitness)
            for row in perVariant[v] { deviationsText += head + row }
        }
        var places = "place,missing,remaining,cases_missing,cases_remaining\n"
        for t in placeTotals() {
            places += "\(CSVCell.escape(net.places[t.place].name)),\(t.missing),\(t.remaining),"
            places += "\(t.casesMissing),\(t.casesRemaining)\n"
        }
        var activities = "activity,in_model,events,cases,events_not_enabled,cases_not_enabled\n"
        for t in activityTotals() {
            activities += "\(CSVCell.escape(t.activity)),\(t.inModel),\(t.events),\(t.cases),"
            activities += "\(t.eventsNotEnabled),\(t.casesNotEnabled)\n"
        }
        return [perCase, deviationsText, places, activities]
    }

    /// A number with exactly 6 decimals (half away from zero).
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let scaled = (value.magnitude * 1e6).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else { return String(value) }
        let micros = UInt64(scaled)
        let fraction = String(micros % 1_000_000)
        let sign = value < 0 && micros != 0 ? "-" : ""
        return sign + String(micros / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}

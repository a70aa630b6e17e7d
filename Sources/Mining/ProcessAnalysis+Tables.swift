import Foundation
import Storage
import _WaybillSupport

extension ProcessAnalysis {
    /// Writes the analysis as tidy CSV files into a folder (created if missing): `dfg.csv`,
    /// `start_activities.csv`, `end_activities.csv`, `variants.csv`, `activities.csv`, `sla.csv`
    /// (when `sla` is set), `changes.csv` (when a comparison is given), `bottlenecks.csv` (when
    /// `bottlenecks` is given) and `data-dictionary.csv`, whose columns `DataDictionary` lists.
    ///
    /// The output is deterministic, byte for byte: rows in a fixed order (dfg by frequency
    /// descending then source and target name; start and end activities by cases then name;
    /// variants by rank; activities by frequency then name), floats with exactly 6 decimals
    /// (microseconds, the store's resolution), `\n` line ends. Names go through `CSVCell.escape`,
    /// so a name starting with `=`, `+`, `-` or `@` cannot run as a spreadsheet formula. Each file
    /// is written whole to a temporary file and then moved into place.
    ///
    /// - Returns: the paths written, in `DataDictionary.files` order.
    /// - Throws: `MiningError.cannotWrite` naming the folder or file.
    /// - Complexity: O(*edges* + *variants* × *k* + *activities*).
    @discardableResult
    public func writeTables(
        to directory: URL, comparison: ProcessComparison? = nil, bottlenecks: BottleneckAnalysis? = nil
    ) throws -> [String] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MiningError(
                .cannotWrite, "cannot create the output folder: \(error.localizedDescription)", location: directory.path
            )
        }
        var tables = self.tables()
        if let comparison { tables["changes.csv"] = comparison.csv() }
        tables["bottlenecks.csv"] = bottlenecks?.csv()
        var written: [String] = []
        for file in DataDictionary.files {
            guard let text = tables[file] else { continue }
            let url = directory.appendingPathComponent(file)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw MiningError(.cannotWrite, "cannot write: \(error.localizedDescription)", location: url.path)
            }
            written.append(url.path)
        }
        return written
    }

    /// The files' contents by file name.
    func tables() -> [String: String] {
        let dfg = directlyFollows
        var tables: [String: String] = [:]
        func table(_ file: String, _ rows: [[String]]) { tables[file] = Self.csv(file, rows) }
        let name = { (code: Int32) in CSVCell.escape(dfg.activityNames[Int(code)]) }
        table(
            "dfg.csv",
            dfg.edges.map { e in
                [
                    name(e.source), name(e.target), String(e.frequency), String(e.caseFrequency),
                    Self.decimal(e.duration.mean), Self.decimal(e.duration.median), Self.decimal(e.duration.p90),
                    Self.decimal(e.duration.max),
                ]
            })
        table("start_activities.csv", dfg.startActivities.map { [name($0.activity), String($0.cases)] })
        table("end_activities.csv", dfg.endActivities.map { [name($0.activity), String($0.cases)] })
        table(
            "variants.csv",
            variants.variants.map { v in
                [
                    String(v.rank), String(v.cases), Self.decimal(v.share), Self.decimal(v.cumulativeShare),
                    Self.decimal(v.medianThroughputSeconds), CSVCell.escape(Self.jsonArray(variants.names(v))),
                ]
            })
        table(
            "activities.csv",
            activities.rows.map { r in
                func summary(_ d: DurationSummary?) -> [String] {
                    [String(d?.count ?? 0)] + [d?.mean, d?.median, d?.p90].map { $0.map(Self.decimal) ?? "" }
                }
                return [name(r.activity), String(r.frequency), String(r.cases), String(r.reworkCases)]
                    + summary(r.serviceTime) + summary(r.waitingTime)
            })
        if let sla {
            table(
                "sla.csv",
                sla.rows.map { r in
                    [CSVCell.escape(r.dimension), CSVCell.escape(r.segment), r.week]
                        + [r.cases, r.met, r.missed].map(String.init) + [r.attainment.map(Self.decimal) ?? ""]
                        + [SLAOutcomes.Status.missedLate, .missedCancelled, .missedOpen, .open, .noPromise].map {
                            String(r.count($0))
                        }
                })
        }
        table(
            "data-dictionary.csv",
            DataDictionary.columns.map { c in
                [c.file, c.name, c.type, c.description].map(CSVCell.escape)
            })
        return tables
    }

    /// A CSV file: the header from `DataDictionary`, then the rows (cells already escaped).
    static func csv(_ file: String, _ rows: [[String]]) -> String {
        var text = DataDictionary.header(file).joined(separator: ",") + "\n"
        for row in rows { text += row.joined(separator: ",") + "\n" }
        return text
    }

    /// A number with exactly 6 decimals, rounded half away from zero, without locale or exponent:
    /// `-0.5` → `-0.500000`; NaN and infinities (which no statistic here produces) give an empty cell.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let scaled = (value.magnitude * 1e6).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else { return String(value) }
        let micros = UInt64(scaled)
        let fraction = String(micros % 1_000_000)
        let sign = value < 0 && micros != 0 ? "-" : ""
        return sign + String(micros / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// A JSON array of strings, escaped per RFC 8259 (by the store's own JSON quoting).
    static func jsonArray(_ names: [String]) -> String {
        "[" + names.map(AttributeJSON.quote).joined(separator: ",") + "]"
    }
}

extension ProcessAnalysis {
    /// Checks a run name (`--run`): one folder name of letters, digits, `-`, `_` and `.`, not
    /// starting with a dot, so it stays a single folder inside `Notebooks-data/`.
    ///
    /// - Throws: `MiningError.invalidOption`.
    public static func checkRunName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "-_.".unicodeScalars.contains($0)
        }
        guard allowed, !name.isEmpty, !name.hasPrefix("."), name.count <= 100 else {
            throw MiningError(
                .invalidOption,
                "'\(name)' is not a run name: use one folder name of letters, digits, '-', '_' and '.', such as 2026-W09",
                location: "--run")
        }
    }
}

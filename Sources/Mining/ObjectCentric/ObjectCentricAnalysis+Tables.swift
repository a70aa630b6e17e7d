import Foundation
import Storage
import _WaybillSupport

extension ObjectCentricAnalysis {
    /// Writes the analysis as tidy CSV files into a folder (created if missing), beside the
    /// classic outputs: `object_types.csv`, `ocdfg.csv`, `ocdfg_activities.csv`,
    /// `ocdfg_start_activities.csv`, `ocdfg_end_activities.csv` and `object_variants.csv`, whose
    /// columns `DataDictionary` lists.
    ///
    /// Deterministic, byte for byte: object types in code-point order; within a type, edges and
    /// activities by total objects descending, start and end activities by objects descending,
    /// then by name; variants by rank. Names go through `CSVCell.escape`; shares have 6 decimals.
    ///
    /// - Parameters:
    ///   - directory: the output folder.
    ///   - topVariants: how many variants of each type to write (all when larger than the count).
    /// - Returns: the paths written, in `DataDictionary.objectCentricFiles` order.
    /// - Throws: `MiningError.cannotWrite` naming the folder or file.
    /// - Complexity: O(*T*·*a* + *edges* + *T*·`topVariants`·*k*).
    @discardableResult
    public func writeTables(to directory: URL, topVariants: Int = defaultTopVariants) throws -> [String] {
        precondition(topVariants >= 0)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MiningError(
                .cannotWrite, "cannot create the output folder: \(error.localizedDescription)", location: directory.path
            )
        }
        let tables = self.tables(topVariants: topVariants)
        var written: [String] = []
        for file in DataDictionary.objectCentricFiles {
            let url = directory.appendingPathComponent(file)
            do {
                try Data(tables[file]!.utf8).write(to: url, options: .atomic)
            } catch {
                throw MiningError(.cannotWrite, "cannot write: \(error.localizedDescription)", location: url.path)
            }
            written.append(url.path)
        }
        return written
    }

    /// The files' contents by file name.
    ///
    /// - Complexity: as `writeTables`.
    func tables(topVariants: Int) -> [String: String] {
        var tables: [String: String] = [:]
        func table(_ file: String, _ rows: [[String]]) {
            var text = DataDictionary.header(file).joined(separator: ",") + "\n"
            for row in rows { text += row.joined(separator: ",") + "\n" }
            tables[file] = text
        }
        let name = { (code: Int32) in CSVCell.escape(graph.activityNames[Int(code)]) }
        var summary: [[String]] = []
        var edges: [[String]] = []
        var activities: [[String]] = []
        var starts: [[String]] = []
        var ends: [[String]] = []
        var variantRows: [[String]] = []
        for (t, g) in graph.types.enumerated() {
            let type = CSVCell.escape(g.objectType)
            let variants = self.variants[t]
            summary.append(
                [type] + [g.objects, g.events, g.eventObjectLinks, g.activities.count, g.edges.count].map(String.init)
                    + [String(variants.variants.count)])
            for e in g.edges {
                edges.append(
                    [type, name(e.source), name(e.target)]
                        + [e.eventCouples, e.uniqueObjects, e.totalObjects].map(String.init))
            }
            for r in g.activities {
                activities.append(
                    [type, name(r.activity)] + [r.events, r.uniqueObjects, r.totalObjects].map(String.init))
            }
            for e in g.startActivities { starts.append([type, name(e.activity), String(e.events), String(e.objects)]) }
            for e in g.endActivities { ends.append([type, name(e.activity), String(e.events), String(e.objects)]) }
            for v in variants.variants.prefix(topVariants) {
                variantRows.append([
                    type, String(v.rank), String(v.cases), ProcessAnalysis.decimal(v.share),
                    CSVCell.escape(ProcessAnalysis.jsonArray(variants.names(v))),
                ])
            }
        }
        table("object_types.csv", summary)
        table("ocdfg.csv", edges)
        table("ocdfg_activities.csv", activities)
        table("ocdfg_start_activities.csv", starts)
        table("ocdfg_end_activities.csv", ends)
        table("object_variants.csv", variantRows)
        return tables
    }
}

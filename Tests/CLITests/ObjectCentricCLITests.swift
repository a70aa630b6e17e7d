import Foundation
import Testing
import _TestSupport

/// `waybill mine --object-centric` and `--object-type` on the OCEL 2.0 order-management log.
@Suite(.serialized) struct ObjectCentricCLITests {
    @Test func mineObjectCentricWritesTheGoldenFilesAndFlattensOnItems() throws {
        let dir = Fixtures.temporaryDirectory("cli-ocel")
        let ws = dir.appendingPathComponent("ws").path
        let ingest = try CLI.run("ingest", Fixtures.path("ocel2/order-management.json.gz"), "--workspace", ws)
        #expect(ingest.status == 0, "\(ingest.stderr)")

        // The object-centric files, beside the classic ones (on the default type, orders).
        let out = dir.appendingPathComponent("oc").path
        let mine = try CLI.run("mine", "--workspace", ws, "--object-centric", "--out", out, "--json")
        #expect(mine.status == 0, "\(mine.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(mine.stdout.utf8)) as? [String: Any]
        #expect(summary?["caseType"] as? String == "orders")
        // dfg, start and end activities, variants, activities, bottlenecks, data dictionary, the two
        // process-map files, and the six object-centric files (no SLA rule fits this log).
        #expect((summary?["files"] as? [String])?.count == 15)
        for file in [
            "object_types.csv", "ocdfg.csv", "ocdfg_activities.csv", "ocdfg_start_activities.csv",
            "ocdfg_end_activities.csv", "object_variants.csv",
        ] {
            let ours = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
            let golden = try String(
                contentsOf: Fixtures.goldens.appendingPathComponent("ocel/order-management.\(file)"), encoding: .utf8)
            #expect(ours == golden, "\(file)")
        }
        let dictionary = try String(contentsOfFile: out + "/data-dictionary.csv", encoding: .utf8)
        #expect(dictionary.contains("\nocdfg.csv,event_couples,integer,"))

        // The classic outputs flattened onto items: PM4Py's ocel_flattening(ocel, "items").
        let items = dir.appendingPathComponent("items").path
        let flat = try CLI.run("mine", "--workspace", ws, "--object-type", "items", "--out", items, "--json")
        #expect(flat.status == 0, "\(flat.stderr)")
        let itemSummary = try JSONSerialization.jsonObject(with: Data(flat.stdout.utf8)) as? [String: Any]
        #expect(itemSummary?["caseType"] as? String == "items")
        #expect(itemSummary?["cases"] as? Int == 7_659)
        #expect(itemSummary?["events"] as? Int == 60_935)
        #expect(itemSummary?["variants"] as? Int == 286)
        let dfg = try String(contentsOfFile: items + "/dfg.csv", encoding: .utf8).split(separator: "\n")
        #expect(dfg.count == 1 + 56)

        // Filters describe one case view, so the whole-log figures refuse them.
        let filtered = try CLI.run(
            "mine", "--workspace", ws, "--object-centric", "--start-activity", "place order", "--out", out)
        #expect(filtered.status == 3, "\(filtered.stderr)")
        #expect(filtered.stderr.contains("--object-centric"))
    }
}

import Foundation
import Testing
import _TestSupport

/// `waybill discover` end to end on a real log.
@Suite(.serialized) struct DiscoverCommandTests {
    @Test func discoverWritesTreeAndPNMLDeterministically() throws {
        let dir = Fixtures.temporaryDirectory("cli-discover")
        let ws = dir.appendingPathComponent("ws").path
        #expect(try CLI.run("ingest", Fixtures.path("running-example.csv"), "--workspace", ws).status == 0)
        let run = try CLI.run("discover", "--workspace", ws, "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        // PM4Py's tree and net sizes for this log (Tests/Goldens/inductive/running-example.csv.json).
        let expected =
            "->( 'register request', *( ->( +( 'check ticket', X( 'examine thoroughly', 'examine casually' ) ), "
            + "'decide' ), 'reinitiate request' ), X( 'reject request', 'pay compensation' ) )"
        #expect(summary?["tree"] as? String == expected)
        #expect(summary?["places"] as? Int == 9 && summary?["transitions"] as? Int == 10)
        let folder = ws + "/Models/process-model"
        let tree = try String(contentsOfFile: folder + "/process-tree.txt", encoding: .utf8)
        #expect(tree == expected + "\n")
        let pnml = try Data(contentsOf: URL(fileURLWithPath: folder + "/model.pnml"))
        #expect(String(decoding: pnml, as: UTF8.self).contains("<finalmarkings>"))

        let out = dir.appendingPathComponent("again").path
        let again = try CLI.run("discover", "--workspace", ws, "--out", out)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Workflow net: 9 places, 10 transitions (2 silent), 22 arcs"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/model.pnml")) == pnml)

        let noisy = try CLI.run("discover", "--workspace", ws, "--noise", "0.2", "--out", out, "--json")
        #expect(noisy.status == 0, "\(noisy.stderr)")

        let bad = try CLI.run("discover", "--workspace", ws, "--noise", "1.5")
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("noise threshold must be between 0 and 1"))
        #expect(try CLI.run("discover", "--help").stdout.contains("waybill discover"))
    }
}

import Foundation
import Testing
import _TestSupport

@Suite(.serialized) struct SLACLITests {
    /// A demo workspace of 1,500 simulated orders, made once.
    static let workspace: String = {
        let ws = Fixtures.temporaryDirectory("cli-sla").appendingPathComponent("ws").path
        let demo = try! CLI.run("demo", "--workspace", ws, "--orders", "1500")
        precondition(demo.status == 0, demo.stderr)
        return ws
    }()

    @Test func initWritesTheTemplateOnce() throws {
        let ws = Fixtures.temporaryDirectory("cli-init").path
        let first = try CLI.run("init", "--workspace", ws)
        #expect(first.status == 0, "\(first.stderr)")
        let text = try String(contentsOfFile: ws + "/waybill.yaml", encoding: .utf8)
        #expect(text.contains("milestone: Delivered"))
        let again = try CLI.run("init", "--workspace", ws)
        #expect(again.status == 3)
        #expect(again.stderr.contains("waybill.yaml") && again.stderr.contains("--force"))
        #expect(try CLI.run("init", "--workspace", ws, "--force").status == 0)
    }

    @Test func mineWritesSLAAndChanges() throws {
        let out = Fixtures.temporaryDirectory("cli-sla-out").path
        let mine = try CLI.run(
            "mine", "--workspace", Self.workspace, "--from", "2026-02-16", "--to", "2026-02-23", "--compare-to",
            "previous", "--out", out, "--json")
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(mine.stdout.contains("\"attainment\""))
        let sla = try String(contentsOfFile: out + "/sla.csv", encoding: .utf8)
        #expect(sla.hasPrefix("dimension,segment,week,cases,met,missed,attainment,"))
        #expect(sla.contains("\nchannel,store_pickup,all,"))
        let changes = try String(contentsOfFile: out + "/changes.csv", encoding: .utf8)
        #expect(changes.contains("\nsummary,sla_attainment,"))
        #expect(changes.contains("\nedge_median_wait,"))
        #expect(changes.contains("\nbottleneck_wait_hours,"))
    }

    /// `waybill.yaml`'s `training` section sets the hyperparameters; a flag overrides it.
    @Test func trainingSettingsComeFromTheConfigUnlessFlagged() throws {
        let ws = Self.workspace
        let config = ws + "/waybill.yaml"
        try Data("training:\n  trees: {rounds: 3, leaves: 4, early_stopping_rounds: 0}\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        defer { try? FileManager.default.removeItem(atPath: config) }
        func trees(_ id: String) throws -> [[String: Any]] {
            let data = try Data(contentsOf: URL(fileURLWithPath: ws + "/Models/\(id)/model.json"))
            let model = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let forest = try #require(model["trees"] as? [String: Any])
            return try #require(forest["trees"] as? [[String: Any]])
        }
        func leaves(_ tree: [String: Any]) -> Int { (tree["children_left"] as? [Int] ?? []).filter { $0 < 0 }.count }
        let fromFile = try CLI.run("train", "sla", "--workspace", ws, "--id", "m-config")
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let filed = try trees("m-config")
        #expect(filed.count == 3 && filed.allSatisfy { leaves($0) <= 4 })
        let flagged = try CLI.run("train", "sla", "--workspace", ws, "--id", "m-flag", "--rounds", "2")
        #expect(flagged.status == 0, "\(flagged.stderr)")
        let overridden = try trees("m-flag")
        #expect(overridden.count == 2 && overridden.allSatisfy { leaves($0) <= 4 })
        try Data("training:\n  trees: {leaves: 1}\n".utf8).write(to: URL(fileURLWithPath: config))
        let bad = try CLI.run("train", "sla", "--workspace", ws)
        #expect(bad.status == 3 && bad.stderr.contains("training.trees.leaves"), "\(bad.stderr)")
    }

    @Test func badRulesAreNamed() throws {
        let unknown = try CLI.run("mine", "--workspace", Self.workspace, "--milestone", "Delivred", "--out",
            Fixtures.temporaryDirectory("cli-sla-bad").path)
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("Delivred"))
        let ws = Fixtures.temporaryDirectory("cli-sla-config").path
        try Data("sla:\n  milestne: Delivered\n".utf8).write(to: URL(fileURLWithPath: ws + "/waybill.yaml"))
        let mine = try CLI.run("mine", "--workspace", ws)
        #expect(mine.status == 3)
        #expect(mine.stderr.contains("sla.milestne"))
        let previous = try CLI.run("mine", "--workspace", Self.workspace, "--compare-to", "previous")
        #expect(previous.status == 3)
        #expect(previous.stderr.contains("--from and --to"))
    }
}

extension SLACLITests {
    @Test func trainScoreAndBacktestFromTheCommandLine() throws {
        let ws = Self.workspace
        let train = try CLI.run("train", "sla", "--workspace", ws, "--algorithm", "logistic", "--id", "m-cli", "--json")
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("\"modelID\" : \"m-cli\""))
        let out = Fixtures.temporaryDirectory("cli-score").path
        let score = try CLI.run("score", "--workspace", ws, "--model", "m-cli", "--out", out + "/risk.csv")
        #expect(score.status == 0, "\(score.stderr)")
        let list = try String(contentsOfFile: out + "/risk.csv", encoding: .utf8)
        #expect(list.hasPrefix("case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,channel,carrier,"))
        let backtest = try CLI.run(
            "backtest", "--workspace", ws, "--model", "m-cli", "--prefix-hours", "12", "--out", out + "/bt")
        #expect(backtest.status == 0, "\(backtest.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/bt/backtest-metrics.json"))
        // A changed model file is refused with the file named.
        let card = ws + "/Models/m-cli/card.md"
        try Data("edited\n".utf8).write(to: URL(fileURLWithPath: card))
        let tampered = try CLI.run("score", "--workspace", ws, "--model", "m-cli")
        #expect(tampered.status == 3)
        #expect(tampered.stderr.contains("card.md does not match its SHA-256"))
        let usage = try CLI.run("backtest", "--workspace", ws, "--model", "m-cli")
        #expect(usage.status == 64)
    }
}

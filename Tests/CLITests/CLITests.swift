import Foundation
import Testing
import _TestSupport

/// Runs the built `waybill` binary as a user would.
enum CLI {
    /// The binary: `$WAYBILL_BINARY`, else the debug build beside the tests.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["WAYBILL_BINARY"] { return path }
        return Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/waybill").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func run(_ arguments: String...) throws -> Result {
        let (process, out, err) = try start(arguments)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite(.serialized) struct CLITests {
    @Test func binaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: CLI.binary), "build the package first: \(CLI.binary)")
    }

    @Test func helpListsEverySubcommandWithExamples() throws {
        let help = try CLI.run("--help")
        #expect(help.status == 0)
        for command in [
            "demo", "init", "simulate", "ingest", "extract", "export", "summary", "mine", "discover", "conformance",
            "features", "train", "score", "backtest",
        ] {
            #expect(help.stdout.contains(command))
            let sub = try CLI.run(command, "--help")
            #expect(sub.status == 0)
            #expect(sub.stdout.contains("waybill \(command)") || sub.stdout.contains("Example"), "\(command)")
        }
    }

    @Test func ingestSummaryAndExportFromTheCommandLine() throws {
        let dir = Fixtures.temporaryDirectory("cli")
        let ws = dir.appendingPathComponent("ws").path
        let ingest = try CLI.run("ingest", Fixtures.path("running-example.xes"), Fixtures.path("receipt.csv"), "--workspace", ws, "--json")
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let reports = try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [[String: Any]]
        #expect(reports?.map { $0["eventsAdded"] as? Int } == [42, 8_577])
        let summary = try CLI.run("summary", "--workspace", ws, "--json")
        #expect(summary.status == 0, "\(summary.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any]
        #expect(object?["events"] as? Int == 8_619)
        let text = try CLI.run("summary", "--workspace", ws)
        #expect(text.stdout.contains("Case view on 'case': 1,440 cases"))
        let out = dir.appendingPathComponent("out.xes").path
        let export = try CLI.run("export", "--workspace", ws, "--format", "xes", "--out", out)
        #expect(export.status == 0)
        #expect(export.stdout.contains("8,619 events"))
    }

    @Test func mineWritesTheTablesOfARealLog() throws {
        let dir = Fixtures.temporaryDirectory("cli-mine")
        let ws = dir.appendingPathComponent("ws").path
        #expect(try CLI.run("ingest", Fixtures.path("receipt.xes.gz"), "--workspace", ws).status == 0)
        let out = dir.appendingPathComponent("out").path
        let mine = try CLI.run("mine", "--workspace", ws, "--out", out, "--json")
        #expect(mine.status == 0, "\(mine.stderr)")
        for file in ["dfg.csv", "variants.csv", "activities.csv", "start_activities.csv", "end_activities.csv", "bottlenecks.csv", "data-dictionary.csv"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let dfg = try String(contentsOfFile: out + "/dfg.csv", encoding: .utf8)
        #expect(dfg.hasPrefix("source,target,frequency,case_frequency,mean_seconds,median_seconds,p90_seconds,max_seconds\n"))
        let bad = try CLI.run("mine", "--workspace", ws, "--where", "no-equals-sign")
        #expect(bad.status == 3 || bad.status == 64, "\(bad.stderr)")
    }

    @Test func mineDrawsTheProcessMap() throws {
        let dir = Fixtures.temporaryDirectory("cli-map")
        let ws = dir.appendingPathComponent("ws").path
        #expect(try CLI.run("ingest", Fixtures.path("running-example.csv"), "--workspace", ws).status == 0)
        let out = dir.appendingPathComponent("out").path
        let mine = try CLI.run("mine", "--workspace", ws, "--out", out, "--map-top-variants", "2", "--json")
        #expect(mine.status == 0, "\(mine.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(mine.stdout.utf8)) as? [String: Any]
        let files = (summary?["files"] as? [String] ?? []).map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(files.suffix(2) == ["process-map.svg", "process-map.dot"])
        let svg = try String(contentsOfFile: out + "/process-map.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("The cases of the top 2 of 6 variants: 2 of 6 cases (33.3%)."))
        let dot = try String(contentsOfFile: out + "/process-map.dot", encoding: .utf8)
        #expect(dot.hasPrefix("digraph \"process map\" {\n") && dot.hasSuffix("}\n"))
        let both = try CLI.run(
            "mine", "--workspace", ws, "--out", out, "--map-top-variants", "2", "--map-coverage", "0.5")
        #expect(both.status == 64, "\(both.stderr)")
        let share = try CLI.run("mine", "--workspace", ws, "--out", out, "--map-coverage", "1.5")
        #expect(share.status == 3, "\(share.stderr)")
        #expect(share.stderr.contains("--map-coverage"))
    }

    @Test func errorsAreOneLineWithDocumentedExitCodes() throws {
        let dir = Fixtures.temporaryDirectory("cli")
        let ws = dir.appendingPathComponent("ws").path
        let missing = try CLI.run("ingest", dir.appendingPathComponent("nope.csv").path, "--workspace", ws)
        #expect(missing.status == 3)
        #expect(missing.stderr.hasPrefix("error: ") && missing.stderr.split(separator: "\n").count == 1)
        let bad = Fixtures.write("case_id,activity,timestamp\nc1,A,x\nc2,B,2026-01-05T10:00:00Z\n", to: "bad.csv", in: dir)
        let rejected = try CLI.run("ingest", bad, "--workspace", ws)
        #expect(rejected.status == 4)
        #expect(rejected.stderr.contains("nothing was imported"))
        let usage = try CLI.run("ingest", "--workspace", ws)
        #expect(usage.status == 64)
        let newer = dir.appendingPathComponent("newer")
        try FileManager.default.createDirectory(at: newer, withIntermediateDirectories: true)
        _ = try CLI.run("ingest", Fixtures.path("running-example.csv"), "--workspace", newer.path)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["sqlite3", newer.appendingPathComponent("waybill.sqlite").path, "PRAGMA user_version = 999;"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let refused = try CLI.run("summary", "--workspace", newer.path)
        #expect(refused.status == 5)
        #expect(refused.stderr.contains("newer Waybill"))
    }

    /// Writes a 400,000-row CSV log (about 30 MB) into `dir` and starts `waybill ingest` of it
    /// into `workspace`; returns once the ingest has written 4 MB into the store (into the
    /// write-ahead log, or, as the ingest runs under the rollback journal, past the end of the
    /// store file), or has ended. Returns the process, the log's path and the stderr pipe.
    static func startIngestOfABigLog(in dir: URL, workspace ws: URL) throws -> (Process, String, Pipe) {
        var big = "case_id,activity,timestamp,amount,note\n"
        big.reserveCapacity(40_000_000)
        for i in 0..<400_000 {
            let day = String(format: "%02d", 1 + i % 28), minute = String(format: "%02d", i % 60)
            big += "case-\(i / 8),activity \(i % 8),2026-01-\(day)T10:\(minute):00Z,\(i),some free text \(i)\n"
        }
        let path = Fixtures.write(big, to: "big.csv", in: dir)
        func size(_ name: String) -> Int {
            (try? FileManager.default.attributesOfItem(atPath: ws.appendingPathComponent(name).path)[.size] as? Int) ?? 0
        }
        let storeBefore = size("waybill.sqlite")
        let (process, _, stderr) = try CLI.start(["ingest", path, "--workspace", ws.path])
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            if size("waybill.sqlite-wal") > 4_000_000 || size("waybill.sqlite") > storeBefore + 4_000_000 { break }
            usleep(1_000)
        }
        return (process, path, stderr)
    }

    /// A process killed in the middle of an ingest leaves the store exactly as it was.
    @Test func killedIngestLeavesNoHalfState() throws {
        let dir = Fixtures.temporaryDirectory("kill")
        let ws = dir.appendingPathComponent("ws")
        let first = try CLI.run("ingest", Fixtures.path("running-example.csv"), "--workspace", ws.path)
        #expect(first.status == 0)
        let (process, _, _) = try Self.startIngestOfABigLog(in: dir, workspace: ws)
        #expect(process.isRunning, "the ingest finished before it could be killed; make the file larger")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let summary = try CLI.run("summary", "--workspace", ws.path, "--json")
        #expect(summary.status == 0, "\(summary.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any]
        #expect(object?["events"] as? Int == 42)
        #expect(object?["imports"] as? Int == 1)
        let again = try CLI.run("ingest", Fixtures.path("running-example.xes"), "--workspace", ws.path)
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// A CSV file that shrinks while it is read in place (through a mapping, where reading past
    /// the new end raises SIGBUS) ends the ingest with one error line and exit code 3, not a
    /// crash, and the store is as it was.
    @Test func fileShrunkDuringIngestIsAnErrorNotACrash() throws {
        let dir = Fixtures.temporaryDirectory("shrink")
        let ws = dir.appendingPathComponent("ws")
        #expect(try CLI.run("ingest", Fixtures.path("running-example.csv"), "--workspace", ws.path).status == 0)
        let (process, path, stderr) = try Self.startIngestOfABigLog(in: dir, workspace: ws)
        #expect(process.isRunning, "the ingest finished before the file could be cut; make the file larger")
        #expect(truncate(path, 1_000) == 0)
        process.waitUntilExit()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 3, "\(message)")
        #expect(message.contains("error: \(path): the file shrank while it was read; nothing was imported"), "\(message)")
        let summary = try CLI.run("summary", "--workspace", ws.path, "--json")
        #expect(summary.status == 0, "\(summary.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any]
        #expect(object?["events"] as? Int == 42)
        #expect(object?["imports"] as? Int == 1)
    }

    @Test func conformanceReplaysOnAPNMLModel() throws {
        let dir = Fixtures.temporaryDirectory("cli-conformance")
        let ws = dir.appendingPathComponent("ws").path
        #expect(try CLI.run("ingest", Fixtures.path("receipt.csv"), "--workspace", ws).status == 0)
        let goldens = Fixtures.goldens.appendingPathComponent("conformance")
        let model = goldens.appendingPathComponent("receipt.csv.im-top2.pnml").path
        let out = dir.appendingPathComponent("out").path
        let run = try CLI.run("conformance", "--model", model, "--workspace", ws, "--out", out, "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let golden = try JSONSerialization.jsonObject(
            with: Data(contentsOf: goldens.appendingPathComponent("receipt.csv.im-top2.json"))) as? [String: Any]
        let fitness = try #require(summary?["logFitness"] as? Double)
        #expect(abs(fitness - (golden?["log_fitness"] as? Double ?? -1)) <= 1e-6)
        #expect(summary?["cases"] as? Int == 1_434)
        for file in ["conformance.csv", "deviations.csv", "conformance-places.csv", "conformance-activities.csv"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let deviations = try String(contentsOfFile: out + "/deviations.csv", encoding: .utf8)
        #expect(deviations.hasPrefix("case_id,case_fitness,kind,place_or_activity,count\n"))
        #expect(deviations.contains(",activity_not_in_model,"))
        let text = try CLI.run("conformance", "--model", model, "--workspace", ws, "--out", out)
        #expect(text.stdout.contains("Log fitness 0.96"), "\(text.stdout)")

        let bad = Fixtures.write(
            "<pnml><net><page>\n<place id='p'/>\n<arc id='a1' source='p' target='t9'/></page></net></pnml>",
            to: "bad.pnml", in: dir)
        let refused = try CLI.run("conformance", "--model", bad, "--workspace", ws)
        #expect(refused.status == 3)
        #expect(refused.stderr == "error: \(bad):3: arc a1 goes to unknown node 't9'\n", "\(refused.stderr)")
        // Without --model, a net is discovered from the same cases and written beside the tables.
        let discovered = try CLI.run("conformance", "--workspace", ws, "--out", dir.appendingPathComponent("d").path)
        #expect(discovered.status == 0, "\(discovered.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("d/model.pnml").path))
        #expect(discovered.stdout.contains("discovered (inductive miner, noise 0.2)"))
        #expect(try CLI.run("conformance", "--workspace", ws, "--noise", "2").status == 3)
    }
}

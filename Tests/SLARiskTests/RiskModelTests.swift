import Features
import Foundation
import Learning
import Mining
import Storage
import Testing
import _TestSupport
import _WaybillSupport

@testable import SLARisk

@Suite struct RiskModelTests {
    static func dataset() throws -> SLADataset {
        try SLADataset(log: try SimulatedLog.make().log, rule: .retailDefault)
    }

    static func options(_ algorithm: RiskModel.Algorithm) -> RiskTrainer.Options {
        var options = RiskTrainer.Options()
        options.algorithm = algorithm
        options.trees.rounds = 60
        return options
    }

    @Test(arguments: RiskModel.Algorithm.allCases)
    func trainingIsReproducibleByteForByte(algorithm: RiskModel.Algorithm) throws {
        let data = try Self.dataset()
        let a = try RiskTrainer.train(data, options: Self.options(algorithm))
        let b = try RiskTrainer.train(try Self.dataset(), options: Self.options(algorithm))
        let dirA = Fixtures.temporaryDirectory("risk").appendingPathComponent(a.model.modelID)
        let dirB = Fixtures.temporaryDirectory("risk").appendingPathComponent(b.model.modelID)
        try RiskArtifacts.write(a, to: dirA)
        try RiskArtifacts.write(b, to: dirB)
        for file in ["model.json", "metrics.json", "card.md", "SHA256SUMS"] {
            #expect(
                try Data(contentsOf: dirA.appendingPathComponent(file))
                    == Data(contentsOf: dirB.appendingPathComponent(file)),
                "\(file)")
        }
        #expect(a.model.modelID.hasPrefix("sla-\(algorithm.rawValue)-"))
        // A loaded model scores exactly as the trained one.
        let loaded = try RiskArtifacts.load(dirA)
        #expect(loaded.risk(data.test.matrix) == a.model.risk(data.test.matrix))
        // The simulator's injected patterns make misses predictable: well above chance.
        let auc = try #require(a.metrics.test.overall.rocAUC)
        #expect(auc > 0.7, "test ROC-AUC \(auc)")
        let card = try String(contentsOf: dirA.appendingPathComponent("card.md"), encoding: .utf8)
        #expect(card.contains("## Intended use") && card.contains(a.model.training.dataFingerprint))
    }

    @Test func aTamperedModelIsRefused() throws {
        let result = try RiskTrainer.train(try Self.dataset(), options: Self.options(.logistic))
        let dir = Fixtures.temporaryDirectory("risk").appendingPathComponent("m")
        try RiskArtifacts.write(result, to: dir)
        let path = dir.appendingPathComponent("model.json")
        var text = try String(contentsOf: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"intercept\" : ", with: "\"intercept\" : 1")
        try Data(text.utf8).write(to: path)
        #expect(throws: LearningError.self) { try RiskArtifacts.load(dir) }
    }

    @Test func scoresOpenOrdersOfAnotherLogWithReasons() throws {
        let result = try RiskTrainer.train(try Self.dataset(), options: Self.options(.gradientBoostedTrees))
        // Another simulated retailer (another seed): its own activity codes and orders.
        let other = try SimulatedLog.make(orders: 1_500, seed: 7).log
        let list = try RiskList(model: result.model, log: other)
        let outcomes = try SLAOutcomes(log: other, rule: .retailDefault)
        #expect(list.entries.count == outcomes.counts()[.open] ?? 0)
        #expect(list.entries.count > 0)
        #expect(zip(list.entries, list.entries.dropFirst()).allSatisfy { $0.risk >= $1.risk })
        #expect(list.entries.map(\.rank) == Array(1...list.entries.count))
        #expect(list.entries.first?.decile == 1 && list.entries.last?.decile == 10 || list.entries.count < 10)
        #expect(list.entries.allSatisfy { !$0.reasons.isEmpty && $0.reasons.count <= 3 })
        #expect(
            list.csv().hasPrefix(
                "case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,channel,carrier,reason_1"))
    }

    @Test func backtestAtAPredictionPoint() throws {
        let result = try RiskTrainer.train(try Self.dataset(), options: Self.options(.gradientBoostedTrees))
        let log = try SimulatedLog.make(orders: 1_500, seed: 7).log
        let backtest = try Backtest(model: result.model, log: log, point: .activity("Picked", fallbackHours: 24))
        #expect(backtest.rows.count > 500)
        #expect(backtest.metrics.overall.rocAUC ?? 0 > 0.7)
        #expect(backtest.metrics.breakdowns.map(\.name) == ["channel", "node"])
        #expect(backtest.csv().hasPrefix("case_id,prefix_time,risk,label\n"))
        // The breakdowns (coded from the log's text codes) count the rows each text has.
        let channelOf = Dictionary(
            uniqueKeysWithValues: zip(log.caseIDs, log.caseAttributes["channel"]!.map { $0?.text ?? "" }))
        var rowsByChannel: [String: Int] = [:]
        for row in backtest.rows { rowsByChannel[channelOf[row.caseID]!, default: 0] += 1 }
        let channels = backtest.metrics.breakdowns[0].segments
        #expect(channels.map(\.key) == rowsByChannel.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(channels.allSatisfy { $0.metrics.rows == rowsByChannel[$0.key] })
        // The CSV made beside the metrics is the one made from the rows; changed rows re-render.
        var fewer = backtest
        fewer.rows.removeLast()
        #expect(fewer.csv().split(separator: "\n").count == backtest.csv().split(separator: "\n").count - 1)
        fewer.rows.append(backtest.rows.last!)
        #expect(fewer.csv() == backtest.csv())
        #expect(throws: MiningError.self) {
            try Backtest(model: result.model, log: log, point: .activity("Teleported", fallbackHours: nil))
        }
    }

    /// `riskWithReasons` gives `risk(_:)` bit for bit, and as reasons each row's three largest
    /// positive contributions (ties by column) of the separate attributions: Saabas paths for
    /// trees, coefficient × standardised value for logistic (which add up to the log-odds).
    @Test(arguments: RiskModel.Algorithm.allCases)
    func reasonsAreTheLargestContributions(algorithm: RiskModel.Algorithm) throws {
        let data = try Self.dataset()
        let model = try RiskTrainer.train(data, options: Self.options(algorithm)).model
        let m = data.test.matrix
        let p = m.columnCount
        let (risk, table) = model.riskWithReasons(m)
        #expect(risk == model.risk(m))
        let contributions =
            algorithm == .logistic ? model.logisticContributions(m) : model.trees!.pathContributions(m)
        let logOdds = model.logistic?.logOdds(m)
        for r in 0..<m.rowCount {
            let row = Array(contributions[(r * p)..<((r + 1) * p)])
            let expected = Array(
                row.indices.filter { row[$0] > 0 }.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
                    .prefix(3))
            let slots = (r * 3)..<(r * 3 + 3)
            #expect(table.columns[slots].filter { $0 >= 0 }.map(Int.init) == expected, "row \(r)")
            #expect(expected.indices.allSatisfy { table.contributions[r * 3 + $0] == row[expected[$0]] })
            if let logOdds, let intercept = model.logistic?.intercept {
                #expect(abs(row.reduce(0, +) + intercept - logOdds[r]) < 1e-9)
            }
        }
        #expect(model.topReasons(m).count == m.rowCount)
    }

    /// The risk list's CSV lines (with the header) made from its entries one by one with
    /// `CSVCell.escape` and `String(format:)`: the reference the fast writer must equal.
    static func referenceLines(_ list: RiskList) -> [String] {
        var lines = [
            "case_id,risk,rank,decile,promised_at,hours_to_promise,last_activity,node,channel,carrier,reason_1,reason_2,reason_3"
        ]
        for e in list.entries {
            var cells = [
                CSVCell.escape(e.caseID), String(format: "%.6f", e.risk), "\(e.rank)", "\(e.decile)",
                e.promisedAt ?? "",
                e.hoursToPromise.map { String(format: "%.2f", $0) } ?? "", CSVCell.escape(e.lastActivity),
                CSVCell.escape(e.node ?? ""), CSVCell.escape(e.channel ?? ""), CSVCell.escape(e.carrier ?? ""),
            ]
            for k in 0..<3 {
                cells.append(
                    k < e.reasons.count
                        ? CSVCell.escape(
                            "\(e.reasons[k].feature)=\(e.reasons[k].value) (+\(String(format: "%.2f", e.reasons[k].contribution)))"
                        )
                        : "")
            }
            lines.append(cells.joined(separator: ","))
        }
        return lines
    }

    /// Case ids that must be quoted or neutralised, and numbers only the C library writes (a
    /// numeric attribute the model reads set to ±1e300 on some cases), give the same CSV as the
    /// entries: such lines are escaped in place, or made again by appends.
    @Test func awkwardCellsAndHugeNumbersAreWrittenAsTheEntriesSay() throws {
        let result = try RiskTrainer.train(try Self.dataset(), options: Self.options(.logistic))
        var log = try SimulatedLog.make(orders: 1_500, seed: 7).log
        // Open orders renamed, so their ids reach the list.
        let open = try RiskList(model: result.model, log: log).entries.prefix(6).map(\.caseID)
        let awkward = ["=HYPERLINK(\"x\")", "-12", "a,b", "+x", "@y", "q\"uote"]
        for (id, new) in zip(open, awkward) { log.caseIDs[log.caseIDs.firstIndex(of: id)!] = new }
        let name = try #require(
            result.model.caseAttributesUsed.sorted().first { name in
                log.caseAttributes[name]!.contains { if case .double = $0 { true } else { false } }
            })
        for c in stride(from: 0, to: log.caseCount, by: 5) {
            log.caseAttributes[name]![c] = .double(c % 10 == 0 ? 1e300 : -1e300)
        }
        let list = try RiskList(model: result.model, log: log)
        let csv = list.csv()
        #expect(csv == Self.referenceLines(list).joined(separator: "\n") + "\n")
        for id in awkward { #expect(csv.contains(CSVCell.escape(id) + ",")) }
        #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\")\","))
        let huge = [1e300, -1e300].map { "\(name)=" + String(format: "%.2f", $0) }
        #expect(huge.contains { csv.contains($0) }, "no reason with a huge value")
    }

    /// The risk list's CSV, written from its columns, equals its entries written one by one with
    /// `CSVCell.escape` and `String(format:)`.
    @Test(arguments: RiskModel.Algorithm.allCases)
    func csvEqualsTheEntriesWrittenOneByOne(algorithm: RiskModel.Algorithm) throws {
        let result = try RiskTrainer.train(try Self.dataset(), options: Self.options(algorithm))
        let list = try RiskList(model: result.model, log: try SimulatedLog.make(orders: 1_500, seed: 7).log)
        let lines = Self.referenceLines(list)
        #expect(list.count > 50)
        #expect(list.csv() == lines.joined(separator: "\n") + "\n")
        #expect(list.entry(0) == list.entries[0])
        // A failing write stops the pieces (its error comes out; the workers are waited for).
        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            try list.writeCSV(ranksPerPiece: 3) { _ in
                calls += 1
                if calls == 4 { throw Stop() }
            }
        }
        #expect(calls == 4)
        // In pieces of a few lines (down to one each), the same bytes: the header, then the lines.
        for ranksPerPiece in [1, 7, list.count - 1, list.count, 16_384] {
            var pieces: [[UInt8]] = []
            list.writeCSV(ranksPerPiece: ranksPerPiece) { pieces.append(Array($0)) }
            #expect(pieces.joined().elementsEqual(list.csvBytes()), "pieces of \(ranksPerPiece) lines")
            #expect(pieces.first == Array((lines[0] + "\n").utf8))
            let expected = (list.count + ranksPerPiece - 1) / ranksPerPiece
            #expect(pieces.count == 1 + expected, "pieces of \(ranksPerPiece) lines")
            for (k, piece) in pieces.dropFirst().enumerated() {
                #expect(piece.count { $0 == UInt8(ascii: "\n") } == min(ranksPerPiece, list.count - k * ranksPerPiece))
            }
        }
    }

    /// Scoring a log that holds only the attributes the model uses gives the same list, and so
    /// does one that also holds its texts only as codes (as `score` and `backtest` load it); the
    /// backtest too.
    @Test func theAttributesUsedAreEnough() throws {
        let result = try RiskTrainer.train(try Self.dataset(), options: Self.options(.gradientBoostedTrees))
        let log = try SimulatedLog.make(orders: 1_500, seed: 7).log
        var projected = log
        projected.caseAttributes = log.caseAttributes.filter { result.model.caseAttributesUsed.contains($0.key) }
        #expect(projected.caseAttributes.count < log.caseAttributes.count)
        var lean = projected
        lean.holdTextsAsCodes()
        #expect(["carrier", "channel", "node"].allSatisfy { lean.codedCaseAttributes[$0] != nil })
        #expect(lean.caseAttributes["promised_at"] != nil && lean.caseAttributes["channel"] == nil)
        let expected = try RiskList(model: result.model, log: log).csv()
        #expect(try RiskList(model: result.model, log: projected).csv() == expected)
        #expect(try RiskList(model: result.model, log: lean).csv() == expected)
        let point = Backtest.PredictionPoint.activity("Picked", fallbackHours: 24)
        let full = try Backtest(model: result.model, log: log, point: point)
        let leanBacktest = try Backtest(model: result.model, log: lean, point: point)
        #expect(leanBacktest.csv() == full.csv())
        #expect(leanBacktest.metrics == full.metrics)
    }

    /// The radix ranking equals sorting by risk (highest first), then case id in UTF-8 order; with
    /// many tied risks, ids sharing their first eight bytes, ids shorter than eight bytes, ids
    /// that are prefixes of others, non-ASCII ids, zeros of both signs and NaN-free risks.
    @Test func rankingEqualsSortingByRiskThenCaseID() {
        var state: UInt64 = 11
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let stems = ["O-1000", "O-10000", "", "a", "é", "O-", "ORDER-9", "Z"]
        for trial in 0..<200 {
            let n = Int(next() % 300)
            var seen = Set<String>()
            var ids: [String] = []
            while ids.count < n {
                let id = stems[Int(next() % UInt64(stems.count))] + (next() % 3 == 0 ? "" : String(next() % 40))
                if seen.insert(id).inserted { ids.append(id) }
            }
            let levels: [Double] = [0, -0.0, 0.25, 0.5, 1, 0.013547, 1e-300]
            let risk = ids.map { _ in levels[Int(next() % UInt64(levels.count))] }
            let expected = (0..<Int32(n)).sorted {
                let (a, b) = (Int($0), Int($1))
                return risk[a] != risk[b] ? risk[a] > risk[b] : ids[a].utf8.lexicographicallyPrecedes(ids[b].utf8)
            }
            #expect(RiskList.ranking(risk: risk) { ids[$0] } == expected, "trial \(trial)")
        }
    }

    /// The one-pass top reasons equal sorting the positive contributions (larger first, ties
    /// by column) and keeping the first ones; with ties, negatives, zeros and NaN.
    @Test func largestPositiveEqualsSortingThem() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let pool: [Double] = [0, -1, .nan, 0.5, 0.5, 2, 3, 3, 1e-9, -0.0, 7]
        var top: [Int] = []
        for trial in 0..<2_000 {
            let values = (0..<Int(next() % 12)).map { _ in pool[Int(next() % UInt64(pool.count))] }
            let padded = [9.0] + values  // a buffer that does not start at the array's start
            let count = Int(next() % 5)
            let reference = Array(
                values.indices.filter { values[$0] > 0 }
                    .sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
                    .prefix(count))
            padded.withUnsafeBufferPointer {
                RiskModel.largestPositive(UnsafeBufferPointer(rebasing: $0[1...]), count: count, into: &top)
            }
            #expect(top == reference, "trial \(trial): \(values), count \(count)")
        }
    }

    @Test func aLogWithoutTheModelsAttributesIsRefused() throws {
        let result = try RiskTrainer.train(try Self.dataset(), options: Self.options(.logistic))
        var log = try SimulatedLog.make(orders: 1_500, seed: 7).log
        log.caseAttributes["carrier"] = nil
        do {
            _ = try RiskList(model: result.model, log: log)
            Issue.record("expected a schema mismatch")
        } catch let error as FeatureError {
            #expect(error.code == .schemaMismatch)
            #expect(error.message.contains("carrier"))
        }
    }
}

import Foundation
import Testing
import _TestSupport

@testable import Ingestion
@testable import Storage

@Suite struct CaseViewCacheTests {
    static func same(_ a: ColumnarLog, _ b: ColumnarLog) -> Bool {
        a.caseType == b.caseType && a.activityNames == b.activityNames && a.activities == b.activities
            && a.timestamps == b.timestamps && a.startTimestamps == b.startTimestamps && a.eventIDs == b.eventIDs
            && a.caseOffsets == b.caseOffsets && a.caseIDs == b.caseIDs && a.caseAttributes == b.caseAttributes
    }

    @Test(arguments: ["running-example.xes", "interval_event_log.csv", "receipt.xes.gz"])
    func cachedViewEqualsTheBuiltOne(name: String) throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("cache").path)
        let store = try ws.openStore()
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(path: Fixtures.path(name), options: ImportOptions())
        let built = try store.buildCaseView(try store.resolveCaseType(nil))
        let first = try store.loadCaseView()
        #expect(try store.db.scalarInt("SELECT count(*) FROM case_view_cache") == 1)
        let cached = try #require(try store.cachedCaseView(built.caseType))
        #expect(Self.same(built, first))
        #expect(Self.same(built, cached))
        #expect(Self.same(built, try store.loadCaseView()))
    }

    /// Loading some attributes gives the whole view with only those attributes, from the cache
    /// and when the view is built (before the cache exists), with the same text codes.
    @Test func someAttributesLoadAsTheWholeViewRestricted() throws {
        func store() throws -> EventStore {
            let ws = try Workspace(path: Fixtures.temporaryDirectory("cache").path)
            let store = try ws.openStore()
            _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
                path: Fixtures.path("receipt.xes.gz"), options: ImportOptions())
            return store
        }
        let whole = try store().loadCaseView()
        let names = whole.caseAttributes.keys.sorted()
        #expect(names.count >= 2)
        let wanted = Set(names.prefix(names.count / 2) + ["nonexistent"])
        let fresh = try store()
        let built = try fresh.loadCaseView(attributes: wanted)  // no cache yet: built, then cached
        let cached = try fresh.loadCaseView(attributes: wanted)
        #expect(try fresh.db.scalarInt("SELECT count(*) FROM case_view_cache") ?? 0 >= 1)
        var restricted = whole
        restricted.caseAttributes = whole.caseAttributes.filter { wanted.contains($0.key) }
        #expect(restricted.caseAttributes.count == names.count / 2)
        #expect(Self.same(built, restricted) && Self.same(cached, restricted))
        #expect(Self.same(try fresh.loadCaseView(), whole))
        for name in restricted.caseAttributes.keys {
            #expect(cached.textCodes(name) == whole.textCodes(name) && built.textCodes(name) == whole.textCodes(name))
        }
        #expect(try fresh.loadCaseView(attributes: []).caseAttributes.isEmpty)
    }

    /// Without event details the view is the whole one less its start timestamps and event ids,
    /// from the cache (read in two halves around the columns left out) and when built.
    @Test func withoutEventDetailsTheViewLacksOnlyThem() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("cache").path)
        let store = try ws.openStore()
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: Fixtures.path("interval_event_log.csv"), options: ImportOptions())
        let built = try store.loadCaseView(eventDetails: false)  // no cache yet: built, then cached
        let whole = try store.loadCaseView()
        let cached = try store.loadCaseView(eventDetails: false)
        #expect(whole.hasEventDetails && whole.hasStartTimestamps)
        var lean = whole
        (lean.startTimestamps, lean.eventIDs) = ([], [])
        for log in [built, cached] {
            log.checkInvariants()
            #expect(!log.hasEventDetails && !log.hasStartTimestamps && log.eventCount == whole.eventCount)
            #expect(Self.same(log, lean))
        }
    }

    /// With texts as codes, each column of texts only (or of nothing) is held as the whole
    /// view's codes and nothing else changes, from the cache and when built; columns of numbers,
    /// dates or mixed values keep their values: packed (read in place) from the cache, as values
    /// when built. Cutting such a view down to some cases keeps their values and codes.
    @Test func textsAsCodesHoldTheTextColumnsAsTheirCodes() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("cache-codes").path)
        let store = try ws.openStore()
        let csv = """
            case_id,activity,timestamp,case:channel,case:value,case:mixed,case:none
            A,x,2026-01-01T00:00:00Z,web,12.5,foo,
            A,y,2026-01-01T01:00:00Z,web,12.5,foo,
            B,x,2026-01-01T02:00:00Z,store,3,7,
            C,x,2026-01-01T03:00:00Z,,,bar,
            D,x,2026-01-01T04:00:00Z,"a,b",1,,

            """
        let path = ws.root.appendingPathComponent("mixed.csv")
        try Data(csv.utf8).write(to: path)
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(path: path.path, options: ImportOptions())
        let built = try store.loadCaseView(eventDetails: false, textsAsCodes: true)  // no cache yet
        let whole = try store.loadCaseView()
        let cached = try store.loadCaseView(eventDetails: false, textsAsCodes: true)
        let texts = whole.caseAttributes.keys.filter { name in
            whole.caseAttributes[name]!.allSatisfy { $0 == nil || $0?.text != nil && $0?.number == nil }
        }
        #expect(Set(texts).isSuperset(of: ["channel"]) && !texts.contains("value") && !texts.contains("mixed"))
        for log in [built, cached] {
            log.checkInvariants()
            #expect(Set(log.codedCaseAttributes.keys) == Set(texts))
            for name in texts {
                #expect(log.codedCaseAttributes[name] == whole.textCodes(name) && log.textCodes(name) == whole.textCodes(name))
            }
            let others = whole.caseAttributes.filter { !texts.contains($0.key) }
            #expect(Set(log.caseAttributes.keys).union(log.packedCaseAttributes.keys) == Set(others.keys))
            for (name, values) in others {
                let column = try #require(log.caseAttributeColumn(name))
                #expect(column.count == values.count && (0..<column.count).map { column[$0] } == values)
                #expect(column.firstValue == values.lazy.compactMap { $0 }.first)
                let cases = (0..<Int32(values.count)).reversed().map { $0 }
                let numbers = column.numbers(ofCases: cases).map(\.bitPattern)
                #expect(numbers == cases.map { (values[Int($0)]?.number ?? .nan).bitPattern })
            }
            #expect(log.caseAttributeNames == whole.caseAttributes.keys.sorted())
            #expect(log.hasCaseAttribute("channel") && log.hasCaseAttribute("value") && !log.hasCaseAttribute("nope"))
            #expect(log.caseIDs == whole.caseIDs && log.timestamps == whole.timestamps)
            // Cases 3, 0 and 2 kept, in that order: values and codes as the whole view's.
            var cut = log
            cut.keepCaseAttributes(ofCases: [3, 0, 2])
            var wholeCut = whole
            wholeCut.keepCaseAttributes(ofCases: [3, 0, 2])
            #expect(cut.packedCaseAttributes.isEmpty)
            #expect(cut.caseAttributes == others.mapValues { v in [v[3], v[0], v[2]] })
            #expect(wholeCut.caseAttributes == whole.caseAttributes.mapValues { v in [v[3], v[0], v[2]] })
            for name in texts { #expect(cut.codedCaseAttributes[name] == wholeCut.textCodes(name)) }
        }
        #expect(cached.caseAttributes.isEmpty && Set(cached.packedCaseAttributes.keys) == ["value", "mixed"])
        #expect(built.packedCaseAttributes.isEmpty)
    }

    /// An entry split into many parts reads back whole (each part into its place in one buffer).
    @Test func anEntryInManyPartsReadsBackWhole() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("cache-parts").path)
        let store = try ws.openStore()
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(
            path: Fixtures.path("receipt.xes.gz"), options: ImportOptions())
        let built = try store.buildCaseView(try store.resolveCaseType(nil))
        store.storeCaseView(built, partBytes: 97)
        #expect(try store.db.scalarInt("SELECT count(*) FROM case_view_cache") ?? 0 > 10)
        #expect(Self.same(built, try #require(try store.cachedCaseView(built.caseType))))
    }

    /// A head longer than the first read (64 KiB of activity names) is read on, and an entry
    /// whose bytes are not a case view is no cache hit.
    @Test func aLongHeadReadsOnAndCorruptBytesMiss() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("cache-head").path)
        let store = try ws.openStore()
        var csv = "case_id,activity,timestamp\n"
        for i in 0..<300 {
            let name = "activity \(i) " + String(repeating: "x", count: 300)
            let minute = (i / 60 < 10 ? "0" : "") + "\(i / 60)"
            let second = (i % 60 < 10 ? "0" : "") + "\(i % 60)"
            csv += "C\(i % 7),\(name),2026-01-01T00:\(minute):\(second)Z\n"
        }
        let path = Fixtures.write(csv, to: "long.csv", in: Fixtures.temporaryDirectory("cache-head-in"))
        _ = try Ingestor(store: store, rejectsPath: ws.rejectsPath).ingest(path: path, options: ImportOptions())
        let built = try store.buildCaseView(try store.resolveCaseType(nil))
        #expect(built.activityNames.reduce(0) { $0 + $1.utf8.count } > 1 << 16)
        store.storeCaseView(built, partBytes: 40_000)
        #expect(Self.same(built, try #require(try store.cachedCaseView(built.caseType))))
        try store.db.execute("UPDATE case_view_cache SET data = zeroblob(length(data)) WHERE part = 0")
        #expect(try store.cachedCaseView(built.caseType) == nil)
        #expect(Self.same(built, try store.loadCaseView()))
    }

    @Test func anImportMakesTheCacheStale() throws {
        let ws = try Workspace(path: Fixtures.temporaryDirectory("cache").path)
        let store = try ws.openStore()
        let ingestor = Ingestor(store: store, rejectsPath: ws.rejectsPath)
        let csv = Fixtures.write(
            "case_id,activity,timestamp,channel,score\nA,x,2026-01-01T00:00:00Z,web,1.5\nA,y,2026-01-01T01:00:00Z,web,1.5\n",
            to: "a.csv", in: Fixtures.temporaryDirectory("cache-in"))
        _ = try ingestor.ingest(path: csv, options: ImportOptions())
        let before = try store.loadCaseView()
        #expect(before.eventCount == 2)
        let more = Fixtures.write(
            "case_id,activity,timestamp\nB,x,2026-01-02T00:00:00Z\n", to: "b.csv", in: Fixtures.temporaryDirectory("cache-in"))
        _ = try ingestor.ingest(path: more, options: ImportOptions())
        #expect(try store.cachedCaseView(before.caseType) == nil)
        let after = try store.loadCaseView()
        #expect(after.eventCount == 3 && after.caseCount == 2)
        #expect(Self.same(after, try #require(try store.cachedCaseView(after.caseType))))
    }

    @Test func corruptBytesAreNotALog() {
        let log = ColumnarLog(
            caseType: "c", activityNames: ["a"], activities: [0], timestamps: [5], startTimestamps: [.min], eventIDs: [1],
            caseOffsets: [0, 1], caseIDs: ["x"], caseAttributes: ["k": [.double(2.5)], "s": [.id("u")]])
        let bytes = log.binary()
        #expect(bytes.withUnsafeBytes { ColumnarLog.fromBinary($0) }.map { Self.same($0, log) } == true)
        #expect(Array(bytes.dropLast()).withUnsafeBytes { ColumnarLog.fromBinary($0) } == nil)
        var wrong = bytes
        wrong[0] ^= 0xFF
        #expect(wrong.withUnsafeBytes { ColumnarLog.fromBinary($0) } == nil)
    }

    /// A cached log's text codes are those of hashing every case's text: for columns of texts
    /// (strings and ids mixed, missing values), and none are kept for a column that also holds
    /// numbers, whose codes are then made by hashing.
    @Test func textCodesOfACachedLogEqualHashingTheTexts() throws {
        let attributes: [String: [AttributeValue?]] = [
            "channel": [.string("web"), nil, .string("b2b"), .id("web"), .string("pickup"), .string("b2b")],
            "mixed": [.string("7"), .int(7), nil, .double(2.5), .string("x"), .bool(true)],
            "empty": [nil, nil, nil, nil, nil, nil],
        ]
        let log = ColumnarLog(
            caseType: "orders", activityNames: ["a"], activities: [0, 0, 0, 0, 0, 0], timestamps: [1, 2, 3, 4, 5, 6],
            startTimestamps: Array(repeating: .min, count: 6), eventIDs: [1, 2, 3, 4, 5, 6],
            caseOffsets: [0, 1, 2, 3, 4, 5, 6], caseIDs: ["o1", "o2", "o3", "o4", "o5", "o6"],
            caseAttributes: attributes)
        let cached = try #require(log.binary().withUnsafeBytes { ColumnarLog.fromBinary($0) })
        #expect(Set(cached.knownTextCodes.keys) == ["channel", "empty"])
        for name in attributes.keys {
            let reference = ColumnarLog.textCodes(of: attributes[name]!)
            #expect(cached.textCodes(name) == reference, "\(name)")
            #expect(log.textCodes(name) == reference, "\(name)")
        }
        #expect(cached.textCodes("channel")?.levels == ["web", "b2b", "pickup"])
        #expect(cached.textCodes("channel")?.codes == [0, -1, 1, 0, 2, 1])
        #expect(cached.textCodes("missing") == nil)
        // Changing the attributes forgets the loaded codes.
        var changed = cached
        changed.caseAttributes["channel"]![0] = .string("marketplace")
        #expect(changed.knownTextCodes.isEmpty)
        #expect(changed.textCodes("channel")?.levels == ["marketplace", "b2b", "web", "pickup"])
    }
}

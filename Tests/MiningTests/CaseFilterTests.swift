import Storage
import Testing

@testable import Mining

@Suite struct CaseFilterTests {
    /// Four cases; times in seconds. Case attributes: channel, and a numeric value.
    static let log = MiningFixtures.log(
        [
            [
                .init(activity: "create", time: 0), .init(activity: "ship", time: 3_600),
                .init(activity: "deliver", time: 7_200),
            ],
            [.init(activity: "create", time: 86_400), .init(activity: "cancel", time: 90_000)],
            [
                .init(activity: "create", time: 172_800), .init(activity: "ship", time: 176_400),
                .init(activity: "deliver", time: 400_000),
            ],
            [
                .init(activity: "create", time: 259_200), .init(activity: "ship", time: 262_800),
                .init(activity: "deliver", time: 266_400),
            ],
        ],
        attributes: [
            "channel": [.string("web"), .string("store"), .string("web"), .string("marketplace")],
            "value": [.double(35), .int(10), nil, .double(35)],
        ])

    static func ids(_ log: ColumnarLog) -> [String] { log.caseIDs }

    @Test func windowOfCasesStartingInIt() throws {
        var filter = CaseFilter()
        filter.from = 86_400_000_000
        filter.to = 259_200_000_000
        let out = try filter.apply(to: Self.log)
        #expect(Self.ids(out) == ["c2", "c3"])
        #expect(out.eventCount == 5)  // whole cases, including c3's event after the window
        #expect(out.caseAttributes["channel"]! == [.string("store"), .string("web")])
    }

    @Test func windowOfEventsTrimsCases() throws {
        var filter = CaseFilter()
        filter.windowMode = .events
        filter.from = 3_600_000_000
        filter.to = 176_400_000_000
        let out = try filter.apply(to: Self.log)
        #expect(Self.ids(out) == ["c1", "c2", "c3"])
        #expect(out.caseOffsets == [0, 2, 4, 5])
        #expect(out.activities.map { out.activityNames[Int($0)] } == ["ship", "deliver", "create", "cancel", "create"])
        // Start activities are judged inside the window.
        filter.startActivities = ["ship"]
        #expect(Self.ids(try filter.apply(to: Self.log)) == ["c1"])
    }

    @Test func attributesActivitiesAndThroughput() throws {
        var filter = CaseFilter()
        filter.attributes = [try .init(parsing: "channel=web")]
        #expect(Self.ids(try filter.apply(to: Self.log)) == ["c1", "c3"])
        filter.attributes.append(try .init(parsing: "value=35"))  // matches the float 35.0
        #expect(Self.ids(try filter.apply(to: Self.log)) == ["c1"])

        var ends = CaseFilter()
        ends.endActivities = ["deliver"]
        ends.maxThroughputSeconds = 7_200
        #expect(Self.ids(try ends.apply(to: Self.log)) == ["c1", "c4"])
        ends.minThroughputSeconds = 7_201
        ends.maxThroughputSeconds = nil
        #expect(Self.ids(try ends.apply(to: Self.log)) == ["c3"])
    }

    @Test func variantsTopAndCoverage() throws {
        var filter = CaseFilter()
        filter.variants = .top(1)
        #expect(Self.ids(try filter.apply(to: Self.log)) == ["c1", "c3", "c4"])
        filter.variants = .coverage(0.8)
        #expect(Self.ids(try filter.apply(to: Self.log)) == ["c1", "c2", "c3", "c4"])
        filter.variants = .coverage(0.75)
        #expect(Self.ids(try filter.apply(to: Self.log)) == ["c1", "c3", "c4"])
        // Variants are ranked on what the earlier steps kept.
        filter.variants = .top(1)
        filter.attributes = [.init(key: "channel", value: "store")]
        #expect(Self.ids(try filter.apply(to: Self.log)) == ["c2"])
    }

    @Test func emptyFilterKeepsTheLogAndFilteredLogsAnalyseLikeAnyOther() throws {
        #expect(CaseFilter().keepsEverything)
        #expect(try CaseFilter().apply(to: Self.log).caseIDs == Self.log.caseIDs)
        var filter = CaseFilter()
        filter.attributes = [.init(key: "channel", value: "web")]
        let out = try filter.apply(to: Self.log)
        out.checkInvariants()
        let dfg = DirectlyFollowsGraph(log: out)
        #expect(dfg.edge(from: "ship", to: "deliver")?.frequency == 2)
        #expect(dfg.edge(from: "create", to: "cancel") == nil)
    }

    @Test func mistakesAreErrorsNamingWhatExists() throws {
        func error(_ configure: (inout CaseFilter) throws -> Void) -> MiningError? {
            do {
                var filter = CaseFilter()
                try configure(&filter)
                _ = try filter.apply(to: Self.log)
                return nil
            } catch let error as MiningError {
                return error
            } catch {
                return nil
            }
        }
        let attribute = error { $0.attributes = [.init(key: "chanel", value: "web")] }
        #expect(attribute?.code == .unknownAttribute && attribute!.message.contains("channel, value"))
        let value = error { $0.attributes = [.init(key: "channel", value: "wbe")] }
        #expect(value?.code == .unknownValue && value!.message.contains("marketplace, store, web"))
        let activity = error { $0.endActivities = ["Delivered"] }
        #expect(activity?.code == .unknownActivity && activity!.location == "--end-activity")
        #expect(
            error {
                $0.from = 10
                $0.to = 10
            }?.code == .invalidOption)
        #expect(error { $0.variants = .top(0) }?.code == .invalidOption)
        #expect(error { $0.variants = .coverage(1.5) }?.code == .invalidOption)
        #expect(
            error {
                $0.minThroughputSeconds = 10
                $0.maxThroughputSeconds = 5
            }?.code == .invalidOption)
        #expect(error { $0.attributes = [try .init(parsing: "=web")] }?.code == .invalidOption)
        #expect(throws: MiningError.self) { try CaseFilter.parseInstant("yesterday", option: "--from") }
        #expect(try CaseFilter.parseInstant("1970-01-02", option: "--from") == 86_400_000_000)
        #expect(try CaseFilter.parseInstant("1970-01-01T01:00:00+01:00", option: "--from") == 0)
    }
}

import Configuration
import Mining
import SLARisk
import Testing

@Suite struct WorkspaceConfigTests {
    @Test func templateParsesToTheDefaults() throws {
        let config = try WorkspaceConfig.parse(WorkspaceConfig.template)
        #expect(config.sla == .retailDefault)
        #expect(config.caseType == "orders")
    }

    @Test func emptyFileGivesDefaults() throws {
        #expect(try WorkspaceConfig.parse("") == WorkspaceConfig())
        #expect(try WorkspaceConfig.load(path: "/nonexistent/waybill.yaml") == WorkspaceConfig())
    }

    @Test func promiseHoursPerChannel() throws {
        let config = try WorkspaceConfig.parse(
            """
            sla:
              promise_hours: {default: 72, store_pickup: 24.5}
              milestone: Shipped
              milestone_by_channel: {}
              cancellation_activities: [Cancelled, Voided]
            """)
        #expect(config.sla.promise == .hoursAfterCreation(default: 72, byChannel: ["store_pickup": 24.5]))
        #expect(config.sla.milestone == "Shipped")
        #expect(config.sla.milestoneByChannel.isEmpty)
        #expect(config.sla.cancellationActivities == ["Cancelled", "Voided"])
    }

    /// The template's commented `training` section, uncommented, states the trainer's defaults.
    @Test func templateTrainingSectionIsTheTrainersDefaults() throws {
        let lines = WorkspaceConfig.template.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "# training:"))
        let block = lines[start...].prefix { $0.hasPrefix("#") }.map { $0.dropFirst(2) }.joined(separator: "\n")
        let t = try WorkspaceConfig.parse(String(block)).training
        let defaults = RiskTrainer.Options()
        #expect(t.algorithm == defaults.algorithm.rawValue && t.seed == defaults.seed)
        #expect(t.inverseRegularization == defaults.inverseRegularization)
        let p = defaults.trees
        #expect(t.rounds == p.rounds && t.leaves == p.maxLeaves && t.maxDepth == p.maxDepth)
        #expect(t.learningRate == p.learningRate && t.minDataInLeaf == p.minDataInLeaf && t.lambdaL2 == p.lambdaL2)
        #expect(t.featureFraction == p.featureFraction && t.baggingFraction == p.baggingFraction)
        #expect(t.baggingFrequency == p.baggingFrequency && t.earlyStoppingRounds == p.earlyStoppingRounds)
    }

    @Test func trainingSection() throws {
        let config = try WorkspaceConfig.parse(
            """
            training:
              algorithm: logistic
              logistic: {c: 0.25}
              trees: {rounds: 40, leaves: 15, learning_rate: 0.1, bagging_frequency: 0}
            """)
        var expected = TrainingSettings()
        expected.algorithm = "logistic"
        expected.inverseRegularization = 0.25
        (expected.rounds, expected.leaves, expected.learningRate, expected.baggingFrequency) = (40, 15, 0.1, 0)
        #expect(config.training == expected)
        #expect(config.sla == .retailDefault)
    }

    @Test(arguments: [
        ("training:\n  algorithm: forest\n", "training.algorithm"),
        ("training:\n  trees: {leafs: 3}\n", "training.trees.leafs"),
        ("training:\n  trees: {leaves: 1}\n", "at least 2"),
        ("training:\n  trees: {rounds: 2.5}\n", "training.trees.rounds"),
        ("training:\n  trees: {learning_rate: 0}\n", "above 0"),
        ("training:\n  trees: {feature_fraction: 1.5}\n", "(0, 1]"),
        ("training:\n  logistic: {c: -1}\n", "training.logistic.c"),
        ("training:\n  seed: -4\n", "training.seed"),
        ("sla:\n  milestne: Delivered\n", "sla.milestne"),
        ("case_typ: orders\n", "case_typ"),
        ("sla:\n  promise_hours: {default: -3}\n", "sla.promise_hours.default"),
        ("sla:\n  promise_attribute: promised_at\n  promise_hours: {default: 3}\n", "not both"),
        ("sla:\n  cancellation_activities: Cancelled\n", "expected a list"),
        ("sla: [1, 2]\n", "expected a mapping"),
        ("sla:\n  milestone: [a\n", "not valid YAML"),
    ])
    func mistakesAreNamed(text: String, expected: String) {
        do {
            _ = try WorkspaceConfig.parse(text, file: "ws/waybill.yaml")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".hasPrefix("ws/waybill.yaml"))
        }
    }
}

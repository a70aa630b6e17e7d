import Configuration
import Mining
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

    @Test(arguments: [
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

import Foundation
import Testing
import Yams

@testable import Simulation

/// The mapping parses as YAML into the structure the extract stage reads.
@Suite struct MappingYAMLTests {
    @Test func parsesIntoNameCaseTypeAttributesAndEntries() throws {
        let document = try #require(try Yams.load(yaml: MappingFile.text) as? [String: Any])
        #expect(document["name"] as? String == "retailer-sim")
        #expect(document["case_type"] as? String == "orders")
        let attributes = try #require(document["case_attributes"] as? [String: Any])
        #expect(attributes["query"] as? String == MappingFile.caseAttributes)
        let entries = try #require(document["entries"] as? [[String: Any]])
        #expect(entries.count == MappingFile.entries.count)
        for (parsed, entry) in zip(entries, MappingFile.entries) {
            #expect(parsed["name"] as? String == entry.name)
            #expect(parsed["activity"] as? String == entry.activity)
            #expect(parsed["query"] as? String == entry.query)
        }
    }
}

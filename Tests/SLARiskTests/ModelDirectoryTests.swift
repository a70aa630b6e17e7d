import Foundation
import Learning
import SLARisk
import Testing
import _TestSupport

@Suite struct ModelDirectoryTests {
    static let files = ["model.json": Data(#"{"a":1}"#.utf8), "card.md": Data("# card\n".utf8)]

    @Test func roundTripWithManifest() throws {
        let dir = Fixtures.temporaryDirectory("model").appendingPathComponent("m1")
        try ModelDirectory.write(Self.files, to: dir)
        #expect(try ModelDirectory.read(dir) == Self.files)
        let manifest = try String(contentsOf: dir.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        #expect(manifest.split(separator: "\n").count == 2)
        #expect(manifest.contains("  model.json"))
    }

    @Test func tamperingIsRefused() throws {
        let dir = Fixtures.temporaryDirectory("model").appendingPathComponent("m2")
        try ModelDirectory.write(Self.files, to: dir)
        try Data(#"{"a":2}"#.utf8).write(to: dir.appendingPathComponent("model.json"))
        #expect(throws: LearningError.self) { try ModelDirectory.read(dir) }
        do {
            _ = try ModelDirectory.read(dir)
        } catch {
            #expect("\(error)".contains("model.json does not match its SHA-256"))
        }
        try ModelDirectory.write(Self.files, to: dir)
        try Data("x".utf8).write(to: dir.appendingPathComponent("extra.txt"))
        #expect(throws: LearningError.self) { try ModelDirectory.read(dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("SHA256SUMS"))
        #expect(throws: LearningError.self) { try ModelDirectory.read(dir) }
    }
}

import Foundation
import Testing
import _WaybillSupport

@testable import Simulation

@Suite struct GeneratorTests {
    @Test func splitMixMatchesTheReferenceOutput() {
        // First outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
        var mixer = SplitMix64(state: 0)
        #expect(mixer.next() == 0xE220_A839_7B1D_CDAF)
        #expect(mixer.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func streamsAreReproducibleAndDistinct() {
        var a = SeededGenerator(seed: 42, stream: 7, lane: 1)
        var b = SeededGenerator(seed: 42, stream: 7, lane: 1)
        var c = SeededGenerator(seed: 42, stream: 8, lane: 1)
        var d = SeededGenerator(seed: 42, stream: 7, lane: 2)
        let xa = (0..<8).map { _ in a.next() }
        #expect(xa == (0..<8).map { _ in b.next() })
        #expect(xa != (0..<8).map { _ in c.next() })
        #expect(xa != (0..<8).map { _ in d.next() })
    }

    @Test func distributionsHaveTheirParameters() {
        var rng = SeededGenerator(seed: 1)
        let n = 20_000
        let uniforms = (0..<n).map { _ in rng.uniform() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(uniforms.reduce(0, +) / Double(n) - 0.5) < 0.01)
        let normals = (0..<n).map { _ in rng.normal() }
        let mean = normals.reduce(0, +) / Double(n)
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
        let durations = (0..<n).map { _ in rng.logNormal(median: 100, sigma: 0.5) }
        #expect(abs(median(durations) - 100) < 3)
        let ints = (0..<n).map { _ in rng.int(below: 5) }
        #expect(Set(ints) == [0, 1, 2, 3, 4])
    }

    @Test func timestampsMatchTheSupportFormatter() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<5_000 {
            let ms = Int64(rng.int(below: 4_000_000_000_000))
            #expect(TextFormat.iso(ms) == Timestamp.format(ms * 1000))
        }
        #expect(TextFormat.iso(0) == "1970-01-01T00:00:00.000Z")
        #expect(TextFormat.identifier("O-", 42, width: 7) == "O-0000042")
        #expect(TextFormat.identifier("O-", 12_345_678, width: 7) == "O-12345678")
    }

    @Test func openingHoursAlignToTheNextOpenMinute() {
        let monday = Int64(Timestamp.daysFromCivil(year: 2026, month: 1, day: 5)) * Clock.day
        let hours = Retailer.dcHours  // Mon-Sat 06-22
        #expect(hours.align(monday + 7 * Clock.hour) == monday + 7 * Clock.hour)
        #expect(hours.align(monday + 3 * Clock.hour) == monday + 6 * Clock.hour)
        #expect(hours.align(monday + 23 * Clock.hour) == monday + Clock.day + 6 * Clock.hour)
        // Saturday night waits for Monday morning.
        let saturday = monday + 5 * Clock.day
        #expect(hours.align(saturday + 22 * Clock.hour) == monday + 7 * Clock.day + 6 * Clock.hour)
        #expect(Retailer.dcCollections.next(atOrAfter: monday + 15 * Clock.hour) == monday + 18 * Clock.hour)
    }
}

import Foundation
import Testing
import _TestSupport
import _WaybillSupport

/// Waybill's BLAKE3 against hashes made by the reference implementation
/// (`Tests/Goldens/blake3/make_blake3_goldens.py`), and its vector loop against its portable one.
@Suite struct Blake3HasherTests {
    struct Goldens: Decodable {
        var lengths: [String: String]
        var fixtures: [String: String]
    }

    static let goldens: Goldens = {
        let url = Fixtures.goldens.appendingPathComponent("blake3/blake3.json")
        return try! JSONDecoder().decode(Goldens.self, from: Data(contentsOf: url))
    }()

    /// The first `n` bytes of 0, 1, ..., 250, 0, 1, ... (the reference test vectors' input).
    static func sequence(_ n: Int) -> [UInt8] { (0..<n).map { UInt8($0 % 251) } }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The hash of `bytes` fed in pieces of random lengths up to `largest` (whole when 0).
    static func hash(_ bytes: [UInt8], kernel: Blake3Hasher.Kernel, largest: Int, random: inout SplitMix) -> String {
        var hasher = Blake3Hasher(kernel: kernel)
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let take = largest == 0 ? all.count : min(all.count - offset, Int(random.next() % UInt64(largest)) + 1)
                hasher.update(UnsafeRawBufferPointer(rebasing: all[offset..<offset + take]))
                offset += take
            }
        }
        return hex(hasher.finalize())
    }

    /// The loops this CPU runs (`fastestLoopIsTheCPUsBest` checks the CPU is asked right).
    static let supported = Blake3Hasher.Kernel.allCases.filter(\.isSupported)

    @Test(arguments: supported)
    func everyReferenceLengthWholeAndInPieces(kernel: Blake3Hasher.Kernel) throws {
        var random = SplitMix(seed: 3)
        #expect(Self.goldens.lengths.count > 40)
        // In order of length, so the random pieces are the same on every run.
        for (length, expected) in Self.goldens.lengths.sorted(by: { Int($0.key)! < Int($1.key)! }) {
            let bytes = Self.sequence(Int(length)!)
            for largest in [0, 1, 100, 1024, 70_000, 600_000] where largest < 100 ? bytes.count < 20_000 : true {
                #expect(
                    Self.hash(bytes, kernel: kernel, largest: largest, random: &random) == expected,
                    "length \(length), pieces up to \(largest)")
            }
        }
    }

    @Test func fixtureFilesHashAsTheReferenceDoes() throws {
        #expect(Self.goldens.fixtures.count >= 10)
        for (name, expected) in Self.goldens.fixtures {
            let path = Fixtures.directory.appendingPathComponent(name).path
            #expect(try FileDigest.contentHash(path: path) == FileDigest.contentHashPrefix + expected, "\(name)")
        }
    }

    /// Random lengths split at random: each vector loop gives the portable loop's hash.
    @Test(arguments: supported.filter { $0 != .portable })
    func vectorLoopAgreesWithPortableLoop(kernel: Blake3Hasher.Kernel) throws {
        var random = SplitMix(seed: 11)
        for _ in 0..<12 {
            let count = Int(random.next() % 1_500_000)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let largest = [0, 4096, 524_288, 1_000_000][Int(random.next() % 4)]
            var a = random, b = random
            #expect(
                Self.hash(bytes, kernel: kernel, largest: largest, random: &a)
                    == Self.hash(bytes, kernel: .portable, largest: largest, random: &b), "\(count) bytes")
        }
    }

    /// On Linux, the loop chosen is the best the CPU's flags in /proc/cpuinfo allow.
    @Test func fastestLoopIsTheCPUsBest() throws {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return }
        let flags = Set(line.split(separator: " ").map(String.init))
        #if arch(x86_64)
            let best: Blake3Hasher.Kernel = flags.contains("avx512f") ? .avx512 : flags.contains("avx2") ? .avx2 : .portable
        #else
            let best = Blake3Hasher.Kernel.portable
        #endif
        #expect(Blake3Hasher.Kernel.fastest == best)
        #expect(Self.supported.contains(best))
    }

    @Test func differentBytesHashDifferently() {
        var one = Blake3Hasher(), two = Blake3Hasher()
        let bytes = Self.sequence(5000)
        var changed = bytes
        changed[4321] ^= 1
        bytes.withUnsafeBytes { one.update($0) }
        changed.withUnsafeBytes { two.update($0) }
        #expect(one.finalize() != two.finalize())
    }
}

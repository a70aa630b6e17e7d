import Testing
import _TestSupport
@testable import _WaybillSupport

/// The byte interner against `Dictionary`, and its cache against the interner alone.
@Suite struct ByteInternerTests {
    /// Names of every length from 0 to 40 that differ from each other in one byte, at the start,
    /// the middle or the end (so that the cache's words, which overlap, each decide a case), far
    /// more than the cache's 64 entries.
    static func names(seed: UInt64) -> [[UInt8]] {
        var random = SplitMix(seed: seed)
        var pool: [[UInt8]] = []
        for length in 0...40 {
            let stem = (0..<length).map { _ in UInt8(0x61 + random.next() % 3) }
            pool.append(stem)
            for position in [0, length / 2, length - 1] where length > 0 {
                var other = stem
                other[position] ^= 0x20
                pool.append(other)
            }
        }
        return (0..<20_000).map { _ in pool[Int(random.next() % UInt64(pool.count))] }
    }

    @Test(arguments: [1, 2])
    func idsAreFirstSeenOrderAndTheCacheChangesNone(seed: UInt64) {
        var plain = ByteInterner(capacity: 4)
        var behindCache = ByteInterner(capacity: 4)
        let cache = InternCache()
        var reference: [[UInt8]: Int] = [:]
        for name in Self.names(seed: seed) {
            let expectedID = reference[name] ?? reference.count
            let expectedNew = reference[name] == nil
            reference[name] = expectedID
            name.withUnsafeBufferPointer { bytes in
                let direct = plain.intern(bytes)
                let cached = cache.intern(bytes, in: &behindCache)
                #expect(direct.id == expectedID && direct.isNew == expectedNew)
                #expect(cached.id == expectedID && cached.isNew == expectedNew, "\(name)")
            }
        }
        for (name, id) in reference { #expect(behindCache.string(id) == String(decoding: name, as: UTF8.self)) }
    }
}

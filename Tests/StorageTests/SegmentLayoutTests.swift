import Foundation
import Testing
import _TestSupport

@testable import Storage

/// The segment layouts: `WBS2` leaves out the optional columns that hold nothing and reads them
/// back as "none"; `WBS1` segments (every column, written before schema version 3) still read.
@Suite struct SegmentLayoutTests {
    /// A random segment of `n` events, each optional column filled only if its bit is in `filled`.
    static func segment(_ n: Int, filled: EventSegment.Layout, seed: UInt64) -> EventSegment {
        var random = SplitMix(seed: seed)
        var s = EventSegment()
        for i in 0..<n {
            s.identity.append(Int64(bitPattern: random.next()))
            s.activity.append(Int32(random.next() % 20))
            s.time.append(Int64(random.next() % 1_000_000_000))
            s.startTime.append(filled.contains(.startTime) && i % 3 == 0 ? Int64(i) : Int64.min)
            s.resource.append(filled.contains(.resource) && i % 2 == 0 ? Int32(1 + i % 5) : 0)
            s.lifecycle.append(filled.contains(.lifecycle) && i == n - 1 ? 2 : 0)
            s.externalIDs.append(filled.contains(.externalIDs) && i % 4 == 1 ? "e\(i)" : nil)
            s.attributes.append(filled.contains(.attributes) && i % 2 == 1 ? "{\"k\":\(i)}" : nil)
            // One link per event (the flat case), plus a second one on some events when the
            // link events are to be stored.
            s.linkEvent.append(Int32(i))
            s.linkObject.append(Int64(i / 3))
            s.linkQualifier.append(filled.contains(.linkQualifier) && i % 5 == 0 ? 3 : 0)
            if filled.contains(.linkEvent) && i % 7 == 0 {
                s.linkEvent.append(Int32(i))
                s.linkObject.append(99)
                s.linkQualifier.append(0)
            }
        }
        return s
    }

    /// The `WBS1` bytes of a segment, spelled out column by column (the simple reference for
    /// stores written before schema version 3).
    static func legacyBytes(_ s: EventSegment) -> [UInt8] {
        var out = Array("WBS1".utf8)
        func put<T: FixedWidthInteger>(_ values: [T]) {
            for v in values { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        }
        put([UInt32(s.count), UInt32(s.linkCount)])
        put(s.identity)
        put(s.activity)
        put(s.time)
        put(s.startTime)
        put(s.resource)
        put(s.lifecycle)
        put(s.externalIDs.offsets)
        out += s.externalIDs.bytes
        put(s.attributes.offsets)
        out += s.attributes.bytes
        put(s.linkEvent)
        put(s.linkObject)
        put(s.linkQualifier)
        return out
    }

    @Test func everyLayoutRoundTripsAndLeavesOutWhatIsEmpty() throws {
        let optional: [EventSegment.Layout] = [
            .startTime, .resource, .lifecycle, .externalIDs, .attributes, .linkEvent, .linkQualifier,
        ]
        for mask in 0..<(1 << optional.count) {
            let filled = EventSegment.Layout(optional.indices.filter { mask & (1 << $0) != 0 }.map { optional[$0] })
            for n in [0, 2, 50] {
                let s = Self.segment(n, filled: filled, seed: UInt64(mask * 100 + n))
                let bytes = s.encoded()
                let stored =
                    bytes.count >= 16
                    ? EventSegment.Layout(rawValue: bytes[12..<16].reversed().reduce(0) { $0 << 8 | UInt32($1) }) : []
                // A column is stored exactly when it holds something other than "none".
                #expect(stored == (n == 0 ? [] : filled), "mask \(mask), n \(n)")
                let decoded = try bytes.withUnsafeBytes { try EventSegment.decode($0) }
                #expect(decoded == s, "mask \(mask), n \(n)")
                #expect(try bytes.withUnsafeBytes { try EventSegment.identities($0) } == s.identity)
                // Each left-out column saves its bytes against the full layout.
                #expect(bytes.count <= Self.legacyBytes(s).count + 4)
            }
        }
        // A flat log's segment: identity, activity, time, resource, attributes and link objects.
        let flat = Self.segment(1_000, filled: [.resource, .attributes], seed: 1)
        #expect(Self.legacyBytes(flat).count - flat.encoded().count == 1_000 * 20 + 4 * 1_001 - 4)
    }

    @Test func legacySegmentsRead() throws {
        for filled in [EventSegment.Layout.all, [], [.attributes, .linkEvent]] {
            let s = Self.segment(40, filled: filled, seed: UInt64(filled.rawValue))
            let bytes = Self.legacyBytes(s)
            #expect(try bytes.withUnsafeBytes { try EventSegment.decode($0) } == s)
            #expect(try bytes.withUnsafeBytes { try EventSegment.identities($0) } == s.identity)
        }
        let damaged = Array("WBS2".utf8) + [UInt8](repeating: 0, count: 8) + [0, 0, 0, 0x80]
        #expect(throws: StoreError.self) { try damaged.withUnsafeBytes { try EventSegment.decode($0) } }
    }

    /// A store of schema version 2 (its segments in `WBS1`) opens, is brought to the current
    /// version, and reads the same events; new imports into it write `WBS2` beside the old.
    @Test func aVersion2StoreMigratesAndReadsItsOldSegments() throws {
        let path = Fixtures.temporaryDirectory("segment-layout").appendingPathComponent("waybill.sqlite").path
        func add(_ store: EventStore, _ name: String, count: Int) throws {
            try store.ingest(source: name, format: "test", contentHash: nil) { session in
                for i in 0..<count {
                    let outcome = try session.addEvent(
                        identity: Int64(name.utf8.count) << 20 + Int64(i), externalID: nil, activity: "A\(i % 3)",
                        time: Int64(i) * 1_000, startTime: nil, lifecycle: nil, resource: i % 2 == 0 ? "r" : nil,
                        attributes: "{\"i\":\(i)}", allowRepeats: true)
                    if case .added(let id) = outcome {
                        try session.link(event: id, object: try session.object("\(name)-\(i / 4)", type: "order").id)
                    }
                }
            }
        }
        let before: StoredEventTable
        do {
            let store = try EventStore(path: path)
            try add(store, "first", count: 300)
            // Rewrite the segments and the import record as an older build wrote them, and mark the
            // store version 2.
            let rows = try store.db.prepare("SELECT id, data FROM event_segment")
            var legacy: [(Int64, [UInt8])] = []
            while try rows.step() {
                legacy.append((rows.int64(0), Self.legacyBytes(try rows.withBlob(1) { try EventSegment.decode($0) })))
            }
            let update = try store.db.prepare("UPDATE event_segment SET data = ? WHERE id = ?")
            for (id, bytes) in legacy {
                update.bind(id, at: 2)
                try bytes.withUnsafeBytes { try update.run(bindingBlob: $0, at: 1) }
            }
            try store.db.execute("ALTER TABLE import_record RENAME COLUMN content_hash TO sha256")
            try store.db.execute("PRAGMA user_version = 2")
            before = try store.eventTable()
        }
        let store = try EventStore(path: path)
        #expect(try store.db.scalarInt("PRAGMA user_version") == Int64(EventStore.schemaVersion))
        let after = try store.eventTable()
        #expect(after.ids == before.ids && after.identity == before.identity && after.activity == before.activity)
        #expect(after.time == before.time && after.resource == before.resource && after.attributes == before.attributes)
        #expect(
            try store.db.scalarInt("SELECT count(*) FROM event_segment WHERE substr(data, 1, 4) = CAST('WBS1' AS BLOB)")
                == 1)
        try add(store, "second", count: 10)
        #expect(
            try store.db.scalarInt("SELECT count(*) FROM event_segment WHERE substr(data, 1, 4) = CAST('WBS2' AS BLOB)")
                == 1)
        #expect(try store.eventCount() == 310)
    }
}

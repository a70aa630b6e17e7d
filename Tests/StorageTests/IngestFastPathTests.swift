import Testing
import _TestSupport
import _WaybillSupport
@testable import Storage

/// The ingest hot path's replacements checked against the simple code they replaced.
@Suite struct IdentitySetTests {
    /// Random inserts and look-ups agree with `Set<Int64>`, including the identity 0 (the empty
    /// marker) and keys that share their low bits (long probe runs, growth).
    @Test(arguments: [1, 2, 3])
    func agreesWithSet(seed: UInt64) {
        var random = SplitMix(seed: seed)
        var fast = IdentitySet(capacity: 4)
        var reference: Set<Int64> = []
        for step in 0..<50_000 {
            let r = random.next()
            let key: Int64
            switch r % 4 {
            case 0: key = 0
            case 1: key = Int64(bitPattern: (r >> 8) << 20)  // low 20 bits zero: one probe run
            case 2: key = Int64(bitPattern: r >> 50)  // a small range: many repeats
            default: key = Int64(bitPattern: r)
            }
            if step % 3 == 0 {
                #expect(fast.contains(key) == reference.contains(key))
            } else {
                #expect(fast.insert(key) == reference.insert(key).inserted)
            }
            #expect(fast.count == reference.count)
        }
        for key in reference { #expect(fast.contains(key)) }
    }
}

@Suite struct AttributeJSONBytesTests {
    /// The `String` encoder this module had before the byte encoder: the reference.
    static func reference(_ list: AttributeList) -> String? {
        guard !list.isEmpty else { return nil }
        func appendString(_ s: String, to out: inout String) {
            out += "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            out += "\""
        }
        var out = "{"
        for (i, item) in list.enumerated() {
            if i > 0 { out += "," }
            appendString(item.key, to: &out)
            out += ":"
            switch item.value {
            case .string(let s): appendString(s, to: &out)
            case .int(let v): out += String(v)
            case .double(let v):
                if v.isFinite { out += AttributeValue.format(v) } else { out += "{\"$float\":\"\(AttributeValue.format(v))\"}" }
            case .bool(let b): out += b ? "true" : "false"
            case .date(let t): out += "{\"$date\":\"\(Timestamp.format(t))\"}"
            case .id(let s):
                out += "{\"$id\":"
                appendString(s, to: &out)
                out += "}"
            }
        }
        return out + "}"
    }

    static let strings = [
        "", "plain", "with \"quotes\"", "back\\slash", "line\nbreak", "cr\rlf", "tab\t", "\u{01}ctl\u{1F}", "\u{7F}del",
        "é ü 漢字 🚚", "=formula", "{\"$date\":\"x\"}",
    ]

    @Test func agreesWithTheStringEncoder() {
        var random = SplitMix(seed: 7)
        for _ in 0..<2_000 {
            var list: AttributeList = []
            for k in 0..<Int(random.next() % 5) {
                let s = Self.strings[Int(random.next() % UInt64(Self.strings.count))]
                let value: AttributeValue
                switch random.next() % 8 {
                case 0: value = .string(s)
                case 1: value = .int([0, -1, 42, Int64.min, Int64.max, Int64(bitPattern: random.next())][Int(random.next() % 6)])
                case 2: value = .double([0, -0.0, 1.5, -2.25, 1e300, .leastNonzeroMagnitude, .nan, .infinity, -.infinity, random.normal()][Int(random.next() % 10)])
                case 3: value = .bool(random.next() % 2 == 0)
                case 4: value = .date(Int64(bitPattern: random.next() >> 12) - (1 << 50))
                case 5: value = .id(s)
                default: value = .string(String(random.next()))
                }
                list.append((k % 2 == 0 ? s : "key\(k)", value))
            }
            #expect(AttributeJSON.encode(list) == Self.reference(list))
            var bytes: [UInt8] = [0x58]
            AttributeJSON.encode(list, into: &bytes)
            #expect(String(decoding: bytes.dropFirst(), as: UTF8.self) == (Self.reference(list) ?? ""))
        }
    }
}

/// The session's deferred identity check (a fresh store, repeats allowed: checked a segment at a
/// time in `resolvePending`) against the simple sequential check it replaces: every identity
/// looked up in a `Set` as it arrives, a repeat replaced by the hash of it and its occurrence.
@Suite struct DeferredIdentityTests {
    /// The identities a sequential check stores for `raw`.
    static func reference(_ raw: [Int64]) -> [Int64] {
        var seen: Set<Int64> = []
        return raw.map { identity in
            var candidate = identity
            var occurrence: Int64 = 0
            while !seen.insert(candidate).inserted {
                occurrence += 1
                var next = StableHash()
                next.combine(identity)
                next.combine(occurrence)
                candidate = next.value
            }
            return candidate
        }
    }

    /// Identities with many repeats (and the value 0), over more than two segments; with
    /// `interleave`, every 997th event is offered without repeats allowed, which checks the
    /// deferred ones first.
    @Test(arguments: [false, true])
    func storedIdentitiesMatchTheSequentialCheck(interleave: Bool) throws {
        let dir = Fixtures.temporaryDirectory("deferred")
        let store = try EventStore(path: dir.appendingPathComponent("waybill.sqlite").path)
        var random = SplitMix(seed: interleave ? 5 : 4)
        var raw: [Int64] = []
        for k in 0..<150_000 {
            let r = random.next()
            let strict = interleave && k % 997 == 0
            // Each repeat probes every earlier occurrence number, so repeats are kept to a few per
            // identity (about three here, and eight of the value 0).
            raw.append(strict ? Int64(bitPattern: r | 1) : (r % 20_000 == 0 ? 0 : Int64(bitPattern: r % 50_000)))
        }
        try store.ingest(source: "test", format: "test", contentHash: nil) { session in
            for (k, identity) in raw.enumerated() {
                let outcome = try session.addEvent(
                    identity: identity, externalID: nil, activityID: try session.activityID("a"), time: Int64(k),
                    startTime: nil, lifecycleID: nil, resourceID: nil, attributes: nil,
                    allowRepeats: !(interleave && k % 997 == 0))
                #expect(outcome == .added(Int64(k + 1)))
            }
        }
        var stored: [Int64] = []
        let segments = try store.db.prepare("SELECT data FROM event_segment ORDER BY first_event")
        while try segments.step() { stored += try segments.withBlob(0) { try EventSegment.identities($0) } }
        #expect(stored == Self.reference(raw))
    }
}

/// The session's pointer-backed segment against `EventSegment` (the simple reference): the same
/// events and links give the same bytes, through growth of the byte and link columns and after
/// being emptied.
@Suite struct SegmentBufferTests {
    @Test func encodesAsEventSegmentDoes() {
        var random = SplitMix(seed: 11)
        let buffer = SegmentBuffer()
        for round in 0..<3 {
            var reference = EventSegment()
            let n = [0, 1, 3000][round]
            for i in 0..<n {
                let identity = Int64(bitPattern: random.next())
                let activity = Int32(random.next() % 40), time = Int64(random.next() % 1_000_000)
                let start = random.next() % 3 == 0 ? Int64.min : time - 5
                let resource = Int32(random.next() % 5), lifecycle = Int32(random.next() % 2)
                let external: String? = random.next() % 2 == 0 ? nil : "e\(i)"
                let attributes: [UInt8] = random.next() % 3 == 0 ? [] : Array("{\"k\":\(i)}".utf8)
                reference.identity.append(identity)
                reference.activity.append(activity)
                reference.time.append(time)
                reference.startTime.append(start)
                reference.resource.append(resource)
                reference.lifecycle.append(lifecycle)
                reference.externalIDs.append(external)
                attributes.withUnsafeBufferPointer { reference.attributes.append(bytes: $0.isEmpty ? nil : $0) }
                var text = external
                let append = { (id: UnsafeBufferPointer<UInt8>?) in
                    attributes.withUnsafeBufferPointer {
                        buffer.append(
                            identity: identity, activity: activity, time: time, startTime: start, resource: resource,
                            lifecycle: lifecycle, externalID: id, attributes: $0.isEmpty ? nil : $0)
                    }
                }
                if text != nil { text!.withUTF8 { append($0) } } else { append(nil) }
                for _ in 0..<Int(random.next() % 3) {
                    let object = Int64(random.next() % 100), qualifier = Int32(random.next() % 3)
                    reference.linkEvent.append(Int32(i))
                    reference.linkObject.append(object)
                    reference.linkQualifier.append(qualifier)
                    buffer.appendLink(event: Int32(i), object: object, qualifier: qualifier)
                }
            }
            var bytes: [UInt8] = []
            buffer.encode(into: &bytes)
            #expect(bytes == reference.encoded(), "round \(round)")
            #expect(buffer.count == n && buffer.linkCount == reference.linkCount)
            #expect(buffer.timeRange.map { [$0.min, $0.max] } == (n == 0 ? nil : [reference.time.min()!, reference.time.max()!]))
            buffer.removeAll()
        }
    }
}

/// Objects created from bytes get their ids at once and their rows in batches: the ids handed
/// out are the rows' ids, also across a batch boundary and with another way of creating objects
/// in between, and a store that already had objects of the type takes the one-at-a-time path.
@Suite struct QueuedObjectTests {
    @Test func idsHandedOutAreTheRowsIds() throws {
        let dir = Fixtures.temporaryDirectory("queued-objects")
        let store = try EventStore(path: dir.appendingPathComponent("waybill.sqlite").path)
        var handedOut: [String: Int64] = [:]
        func new(_ session: IngestSession, _ name: String, type: String = "orders") throws {
            var json = Array("{\"n\":\"\(name)\"}".utf8)
            var bytes = Array(name.utf8)
            let id = try bytes.withUnsafeMutableBufferPointer { b in
                try json.withUnsafeMutableBufferPointer { j in
                    try session.newObject(UnsafeBufferPointer(b), type: type, newAttributeJSON: UnsafeBufferPointer(j)) { [] }
                }
            }
            handedOut[name] = id
        }
        try store.ingest(source: "a", format: "test", contentHash: nil) { session in
            for i in 0..<(IngestSession.objectBatch + 10) { try new(session, "o\(i)") }
            handedOut["other"] = try session.object("other", type: "items").id
            for i in 0..<3 { try new(session, "p\(i)") }
        }
        try store.ingest(source: "b", format: "test", contentHash: nil) { session in
            // The type has objects now: found or inserted one at a time, never twice.
            try new(session, "o1")
            try new(session, "q1")
        }
        let rows = try store.db.rows("SELECT ext_id, id, attrs FROM object")
        #expect(rows.count == IngestSession.objectBatch + 10 + 1 + 3 + 1)
        for row in rows {
            let name = row[0].text!
            #expect(handedOut[name] == row[1].integer, "\(name)")
            if name != "other" { #expect(row[2].text == "{\"n\":\"\(name)\"}") }
        }
    }

    /// The batched insert is `INSERT OR FAIL` (no statement journal): a clash inside a batch
    /// still fails the import, and the import's transaction takes back every row of it.
    @Test func aClashInABatchFailsTheWholeImport() throws {
        let dir = Fixtures.temporaryDirectory("queued-objects-clash")
        let store = try EventStore(path: dir.appendingPathComponent("waybill.sqlite").path)
        func new(_ session: IngestSession, _ name: String) throws {
            var bytes = Array(name.utf8)
            _ = try bytes.withUnsafeMutableBufferPointer { b in
                try session.newObject(UnsafeBufferPointer(b), type: "orders", newAttributeJSON: nil) { [] }
            }
        }
        try store.ingest(source: "a", format: "test", contentHash: nil) { session in try new(session, "kept") }
        #expect(throws: StoreError.self) {
            try store.ingest(source: "b", format: "test", contentHash: nil) { session in
                // "kept" is in the store, so the type takes the one-at-a-time path: use a new type's
                // batch, where asking twice for one id breaks `newObject`'s contract.
                for i in 0..<10 { try new(session, "x\(i)") }
                var twice = Array("x3".utf8)
                _ = try twice.withUnsafeMutableBufferPointer { b in
                    try session.newObject(UnsafeBufferPointer(b), type: "parcels", newAttributeJSON: nil) { [] }
                }
                _ = try twice.withUnsafeMutableBufferPointer { b in
                    try session.newObject(UnsafeBufferPointer(b), type: "parcels", newAttributeJSON: nil) { [] }
                }
            }
        }
        let names = try store.db.rows("SELECT ext_id FROM object ORDER BY id").map { $0[0].text! }
        #expect(names == ["kept"])
        #expect(try store.db.scalarInt("SELECT count(*) FROM import_record") == 1)
    }
}

/// A flat import into an empty store puts its repeat checks off to the end of the import; the
/// identities it stores are the ones the check event by event gives, also when repeats reach
/// back into written segments and when an event needing the check at once ends the deferral
/// midway.
@Suite struct DeferredRepeatCheckTests {
    /// The in-order check: the `IngestSession.addEvent` rule written with `Set`.
    static func reference(_ identities: [Int64]) -> [Int64] {
        var seen: Set<Int64> = []
        return identities.map { identity in
            var candidate = identity
            var occurrence: Int64 = 0
            while !seen.insert(candidate).inserted {
                occurrence += 1
                candidate = IngestSession.repeatIdentity(identity, occurrence: occurrence)
            }
            return candidate
        }
    }

    /// Identities for `n` events, three segments' worth: unique random ones, with repeats of
    /// earlier ones (near and a segment or more back) when `repeats`, and the identity 0.
    static func identities(_ n: Int, repeats: Bool, seed: UInt64) -> [Int64] {
        var random = SplitMix(seed: seed)
        var out: [Int64] = []
        for i in 0..<n {
            if repeats && i > 0 && i % 997 == 0 {
                out.append(out[Int(random.next() % UInt64(i))])
            } else if i == 5 || (repeats && i == 80_000) {
                out.append(0)
            } else {
                out.append(Int64(bitPattern: random.next()))
            }
        }
        return out
    }

    func storedIdentities(_ store: EventStore) throws -> [Int64] {
        var out: [Int64] = []
        let segments = try store.db.prepare("SELECT data FROM event_segment WHERE event_count > 0 ORDER BY first_event")
        while try segments.step() { try segments.withBlob(0) { out += try EventSegment.identities($0) } }
        return out
    }

    /// - Parameter strictAt: the index of an event offered with `allowRepeats: false` (it needs
    ///   its check at once), or nil.
    @Test(arguments: [(false, nil), (true, nil), (true, 70_000), (true, 100)] as [(Bool, Int?)])
    func storesTheIdentitiesOfTheInOrderCheck(repeats: Bool, strictAt: Int?) throws {
        let dir = Fixtures.temporaryDirectory("deferred-repeats")
        let store = try EventStore(path: dir.appendingPathComponent("waybill.sqlite").path)
        var ids = Self.identities(2 * EventSegment.capacity + 5_000, repeats: repeats, seed: 7)
        if let strictAt { ids[strictAt] = 12_345 }  // unique, so it is added
        func offer(_ session: IngestSession) throws -> Int {
            var added = 0
            for (i, identity) in ids.enumerated() {
                let outcome = try session.addEvent(
                    identity: identity, externalID: nil, activityID: 1, time: Int64(i), startTime: nil, lifecycleID: nil,
                    resourceID: nil, attributes: nil, allowRepeats: i != strictAt)
                if case .added = outcome { added += 1 }
            }
            return added
        }
        try store.ingest(source: "a", format: "test", contentHash: nil) { session in
            _ = try session.activityID("A")
            #expect(try offer(session) == ids.count)
        }
        #expect(try storedIdentities(store) == Self.reference(ids))
        // The same events again: every one is found stored.
        let again = try store.ingest(source: "b", format: "test", contentHash: nil) { session in try offer(session) }
        #expect(again == 0)
    }

    /// `IdentityRuns.containsRepeat` agrees with `Set` on small and large inputs added in
    /// chunks, on values that share their top byte (one long run) and with the identity 0.
    @Test(arguments: [10, 70_000, 300_000])
    func containsRepeatAgreesWithSet(n: Int) {
        var random = SplitMix(seed: UInt64(n))
        for variant in 0..<4 {
            var values: [Int64] = (0..<n).map { _ in
                let r = random.next()
                return Int64(bitPattern: variant == 1 ? r >> 8 : r)  // variant 1: one top byte
            }
            switch variant {
            case 2: values[n / 2] = values[n - 1]  // one repeat, far apart
            case 3:
                values[0] = 0
                values[n - 1] = 0
            default: break
            }
            let expected = Set(values).count < values.count
            let runs = IdentityRuns(capacity: variant == 0 ? n : 0)
            values.withUnsafeBufferPointer { all in
                for start in stride(from: 0, to: n, by: 1000) {
                    runs.append(UnsafeBufferPointer(rebasing: all[start..<min(start + 1000, n)]))
                }
            }
            #expect(runs.count == n)
            #expect(runs.containsRepeat() == expected, "variant \(variant)")
        }
    }
}

/// `addEvent(…, object:)`, the flat importer's one call per event, against `addEvent` then
/// `link(event:object:)`: the same events and links, over a first import (with repeats, across
/// several segments) and a second one into the same store (some events already stored).
@Suite struct LinkedEventTests {
    @Test func oneCallEqualsAddThenLink() throws {
        func build(oneCall: Bool) throws -> StoredEventTable {
            let path = Fixtures.temporaryDirectory("linked-event").appendingPathComponent("waybill.sqlite").path
            let store = try EventStore(path: path)
            for (round, count) in [(0, EventSegment.capacity + 3_000), (1, 5_000)] {
                try store.ingest(source: "r\(round)", format: "test", contentHash: nil) { session in
                    let activity = try session.activityID("A")
                    var objects: [Int64] = []
                    for o in 0..<50 { objects.append(try session.object("o\(o)", type: "order").id) }
                    for i in 0..<count {
                        // Identities repeat every 7,000 events; the second round meets the first's.
                        let identity = Int64(i % 7_000) &* 2_654_435_761
                        let object = objects[i % 50]
                        if oneCall {
                            _ = try session.addEvent(
                                identity: identity, activityID: activity, time: Int64(i), startTime: nil, lifecycleID: nil,
                                resourceID: nil, attributes: nil, allowRepeats: round == 0, object: object)
                        } else if case .added(let event) = try session.addEvent(
                            identity: identity, externalID: nil, activityID: activity, time: Int64(i), startTime: nil,
                            lifecycleID: nil, resourceID: nil, attributes: nil, allowRepeats: round == 0)
                        {
                            try session.link(event: event, object: object)
                        }
                    }
                }
            }
            return try store.eventTable()
        }
        let one = try build(oneCall: true), two = try build(oneCall: false)
        #expect(one.ids == two.ids && one.identity == two.identity && one.time == two.time)
        #expect(one.links.map { [$0.event, $0.object] } == two.links.map { [$0.event, $0.object] })
        #expect(one.links.count == one.ids.count && one.ids.count == EventSegment.capacity + 3_000)
    }
}

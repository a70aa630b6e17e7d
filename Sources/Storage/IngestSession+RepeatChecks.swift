import _WaybillSupport

/// The repeat checks of an ingest session: an event's identity is checked against the
/// identities this import has met (`seenIdentities`), and a repeat is given its occurrence's
/// identity. The checks run a segment at a time (`resolvePending()`) or, while the session is
/// `deferring`, once at its end (see `IngestSession.addEvent` and `IdentityRuns`).
extension IngestSession {
    /// The identity of the `occurrence`-th repeat (1, 2...) of an identity within one import.
    @inline(__always)
    static func repeatIdentity(_ identity: Int64, occurrence: Int64) -> Int64 {
        var next = StableHash()
        next.combine(identity)
        next.combine(occurrence)
        return next.value
    }

    /// Checks the deferred identities of `pending` against `seenIdentities` in order, as
    /// `addEvent` checks one, replacing each repeat by its occurrence's identity.
    ///
    /// The loop loads the table slot of the identity 16 events ahead, so up to that many cache
    /// misses are in flight at once; one insert per parsed row missed one at a time.
    ///
    /// - Complexity: expected O(*k*) for *k* deferred events.
    func resolvePending() {
        let n = pending.count
        guard unresolved < n else { return }
        var changed: [Int] = []
        checkInOrder(pending.identity, unresolved..<n, changed: &changed)
        unresolved = n
    }

    /// Checks `ids[range]` against `seenIdentities` in order, as `addEvent` checks one: each is
    /// inserted, and a repeat is replaced by its occurrence's identity, its index appended to
    /// `changed`.
    ///
    /// The loop loads the table slot of the identity 16 ahead, so up to that many cache misses
    /// are in flight at once; one insert per parsed row missed one at a time.
    ///
    /// - Complexity: expected O(*k*) for *k* identities.
    private func checkInOrder(_ ids: UnsafeMutablePointer<Int64>, _ range: Range<Int>, changed: inout [Int]) {
        seenIdentities.reserve(seenIdentities.count + range.count)
        let ahead = 16
        var sink: Int64 = 0
        for i in range {
            if i + ahead < range.upperBound { sink &+= seenIdentities.touch(ids[i + ahead]) }
            let identity = ids[i]
            var candidate = identity
            var occurrence: Int64 = 0
            while !seenIdentities.insert(candidate) {
                occurrence += 1
                candidate = IngestSession.repeatIdentity(identity, occurrence: occurrence)
            }
            if occurrence > 0 {
                ids[i] = candidate
                changed.append(i)
            }
        }
        touched &+= sink
    }

    /// Ends the deferral of repeat checks (see `deferring`): the identities of the written
    /// segments are checked in order, and a segment holding a repeat gets its identity column
    /// rewritten with the occurrences' identities; the pending events are left to
    /// `resolvePending()`.
    ///
    /// - Complexity: expected O(*n*) for *n* deferred identities, plus rewriting the segments
    ///   that hold repeats.
    func stopDeferring() throws {
        guard deferring else { return }
        deferring = false
        guard deferred.count > 0 else { return }
        deferred.removeAll()
        // The identities in order, from the segments (event `deferredFirstEvent + i` is
        // `identities[i]`), and each segment's row id and first index.
        var identities: [Int64] = []
        var segments: [(id: Int64, lower: Int)] = []
        let read = try db.prepare(
            "SELECT id, data FROM event_segment WHERE import_id = ? AND event_count > 0 AND first_event >= ? ORDER BY first_event"
        )
        try read.bind([.integer(importID), .integer(deferredFirstEvent)])
        while try read.step() {
            segments.append((read.int64(0), identities.count))
            try read.withBlob(1) { identities += try EventSegment.identities($0) }
        }
        var changed: [Int] = []
        let count = identities.count
        identities.withUnsafeMutableBufferPointer { checkInOrder($0.baseAddress!, 0..<count, changed: &changed) }
        if !changed.isEmpty { try rewriteIdentities(changed, identities, segments) }
    }

    /// Writes `identities[i]` for each index `i` in `changed` (ascending) into the written
    /// segments that hold those events; `segments` are their row ids and first indices, in order.
    ///
    /// - Complexity: O(bytes of the segments holding them).
    private func rewriteIdentities(
        _ changed: [Int], _ identities: [Int64], _ segments: [(id: Int64, lower: Int)]
    ) throws {
        let read = try db.prepare("SELECT data FROM event_segment WHERE id = ?")
        let write = try db.prepare("UPDATE event_segment SET data = ? WHERE id = ?")
        var next = 0
        for (n, segment) in segments.enumerated() where next < changed.count {
            let id = segment.id
            let lower = segment.lower
            let upper = n + 1 < segments.count ? segments[n + 1].lower : identities.count
            guard changed[next] < upper else { continue }
            read.bind(id, at: 1)
            guard try read.step() else {
                throw StoreError(.notFound, "event segment \(id) vanished during its own import")
            }
            var data = read.withBlob(0) { Array($0) }
            read.reset()
            while next < changed.count && changed[next] < upper {
                let i = changed[next]
                let offset = EventSegment.identityOffset + (i - lower) * 8
                withUnsafeBytes(of: identities[i].littleEndian) { bytes in
                    for (k, byte) in bytes.enumerated() { data[offset + k] = byte }
                }
                next += 1
            }
            write.bind(id, at: 2)
            try data.withUnsafeBytes { try write.run(bindingBlob: $0, at: 1) }
        }
    }
}

import Foundation
import Storage
import _WaybillSupport

/// Writes a store's case view as a CSV event log that PM4Py, ProM and Disco read.
///
/// Columns: `case:concept:name`, `concept:name`, `time:timestamp`, then `start_timestamp`,
/// `org:resource`, `lifecycle:transition` where any event has them, the event attributes in
/// first-seen order, then the case attributes as `case:<name>`. Timestamps are RFC 3339 UTC
/// with milliseconds (microseconds where needed). Cells starting with `=`, `+`, `-` or `@`
/// (other than numbers) are neutralised with a leading `'` unless `raw` is set, for exchange
/// with tools that need the exact text.
public struct CSVExporter {
    let store: EventStore
    let objectType: String?
    let raw: Bool

    public init(store: EventStore, objectType: String? = nil, raw: Bool = false) {
        self.store = store
        self.objectType = objectType
        self.raw = raw
    }

    /// Writes the file; returns the number of events written.
    ///
    /// - Complexity: O(*E*).
    @discardableResult
    public func write(to path: String) throws -> Int {
        let log = try store.loadCaseView(objectType: objectType)
        let events = try StoredEvents(store: store)
        let rows = log.eventIDs.map { events.row(of: $0) }
        var eventKeys = OrderedKeys()
        for row in rows { for (k, _) in row.flatMap({ events.attributes[$0] }) ?? [] { eventKeys.add(k) } }
        let caseKeys = log.caseAttributes.keys.sorted()
        let hasStart = log.hasStartTimestamps
        let (hasResource, hasLifecycle) = (events.hasResource, events.hasLifecycle)
        let raw = self.raw
        // Cells appended as bytes: a `String` per cell and a joined line per event made the export
        // of a million orders take minutes.
        func cell(_ text: String, to out: inout [UInt8]) {
            if raw { out.append(contentsOf: CSVCell.quote(text).utf8) } else { CSVCell.append(text, to: &out) }
        }
        var header = ["case:concept:name", "concept:name", "time:timestamp"]
        if hasStart { header.append("start_timestamp") }
        if hasResource { header.append("org:resource") }
        if hasLifecycle { header.append("lifecycle:transition") }
        header += eventKeys.keys
        header += caseKeys.map { "case:" + $0 }
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw ExportError(file: path, message: "cannot create the file")
        }
        defer { try? out.close() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 21)
        for (k, name) in header.enumerated() {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            cell(name, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
        let keyIndex = Dictionary(uniqueKeysWithValues: eventKeys.keys.enumerated().map { ($1, $0) })
        var values = [AttributeValue?](repeating: nil, count: eventKeys.keys.count)
        var caseCells: [UInt8] = []
        for c in 0..<log.caseCount {
            // The case's own cells, the same on each of its events.
            caseCells.removeAll(keepingCapacity: true)
            for key in caseKeys {
                caseCells.append(UInt8(ascii: ","))
                if let v = log.caseAttributes[key]![c] { cell(v.text, to: &caseCells) }
            }
            for i in log.events(ofCase: c) {
                let row = rows[i]
                cell(log.caseIDs[c], to: &bytes)
                bytes.append(UInt8(ascii: ","))
                cell(log.activityNames[Int(log.activities[i])], to: &bytes)
                bytes.append(UInt8(ascii: ","))
                Timestamp.append(log.timestamps[i], to: &bytes)
                if hasStart {
                    bytes.append(UInt8(ascii: ","))
                    if log.startTimestamps[i] != Int64.min { Timestamp.append(log.startTimestamps[i], to: &bytes) }
                }
                if hasResource {
                    bytes.append(UInt8(ascii: ","))
                    if let r = row.flatMap({ events.resource[$0] }) { cell(r, to: &bytes) }
                }
                if hasLifecycle {
                    bytes.append(UInt8(ascii: ","))
                    if let l = row.flatMap({ events.lifecycle[$0] }) { cell(l, to: &bytes) }
                }
                if !values.isEmpty {
                    // An event's value of each key (the first, should a key repeat), in column order.
                    for k in values.indices { values[k] = nil }
                    for (key, value) in (row.flatMap { events.attributes[$0] } ?? []).reversed() {
                        values[keyIndex[key]!] = value
                    }
                    for value in values {
                        bytes.append(UInt8(ascii: ","))
                        if let value { cell(value.text, to: &bytes) }
                    }
                }
                bytes += caseCells
                bytes.append(UInt8(ascii: "\n"))
            }
            if bytes.count > 1 << 20 {
                out.write(Data(bytes))
                bytes.removeAll(keepingCapacity: true)
            }
        }
        out.write(Data(bytes))
        return log.eventCount
    }
}

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
        var eventKeys = OrderedKeys()
        for id in log.eventIDs { for (k, _) in events.attributes[id] ?? [] { eventKeys.add(k) } }
        let caseKeys = log.caseAttributes.keys.sorted()
        let hasStart = log.hasStartTimestamps
        let hasResource = !events.resource.isEmpty
        let hasLifecycle = !events.lifecycle.isEmpty
        let raw = self.raw
        let cell: (String) -> String = { raw ? CSVCell.quote($0) : CSVCell.escape($0) }
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
        var text = header.map(cell).joined(separator: ",") + "\n"
        for c in 0..<log.caseCount {
            let caseCells = caseKeys.map { log.caseAttributes[$0]![c].map { cell($0.text) } ?? "" }
            for i in log.events(ofCase: c) {
                let id = log.eventIDs[i]
                var row = [cell(log.caseIDs[c]), cell(log.activityNames[Int(log.activities[i])]), Timestamp.format(log.timestamps[i])]
                if hasStart { row.append(log.startTimestamps[i] == Int64.min ? "" : Timestamp.format(log.startTimestamps[i])) }
                if hasResource { row.append(events.resource[id].map(cell) ?? "") }
                if hasLifecycle { row.append(events.lifecycle[id].map(cell) ?? "") }
                let attributes = events.attributes[id] ?? []
                for key in eventKeys.keys { row.append(attributes.first { $0.key == key }.map { cell($0.value.text) } ?? "") }
                row += caseCells
                text += row.joined(separator: ",") + "\n"
            }
            if text.utf8.count > 1 << 20 {
                out.write(Data(text.utf8))
                text = ""
            }
        }
        out.write(Data(text.utf8))
        return log.eventCount
    }
}

import Foundation
import Storage
import _WaybillSupport

/// Writes a store's case view as an XES (IEEE 1849) log.
///
/// Declares the Concept, Time, Organizational and Lifecycle extensions; each case is a trace
/// with `concept:name` and its case attributes, each event carries its typed attributes
/// (`string`, `date`, `int`, `float`, `boolean`, `id`). A start timestamp is written as the
/// `date` attribute `start_timestamp`, the key PM4Py's interval logs use.
public struct XESExporter {
    let store: EventStore
    let objectType: String?

    public init(store: EventStore, objectType: String? = nil) {
        self.store = store
        self.objectType = objectType
    }

    /// Writes the file; returns the number of events written.
    ///
    /// - Complexity: O(*E*).
    @discardableResult
    public func write(to path: String) throws -> Int {
        let log = try store.loadCaseView(objectType: objectType)
        let events = try StoredEvents(store: store)
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw ExportError(file: path, message: "cannot create the file")
        }
        defer { try? out.close() }
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <log xes.version="1.0" xes.features="" xmlns="http://www.xes-standard.org/">
            \t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
            \t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
            \t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
            \t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
            \t<string key="source" value="Waybill"/>

            """
        func attribute(_ key: String, _ value: AttributeValue, indent: String) -> String {
            "\(indent)<\(value.xesType) key=\"\(xmlEscape(key))\" value=\"\(xmlEscape(value.text))\"/>\n"
        }
        let caseKeys = log.caseAttributes.keys.sorted()
        for c in 0..<log.caseCount {
            text += "\t<trace>\n"
            text += attribute("concept:name", .string(log.caseIDs[c]), indent: "\t\t")
            for key in caseKeys { if let v = log.caseAttributes[key]![c] { text += attribute(key, v, indent: "\t\t") } }
            for i in log.events(ofCase: c) {
                let id = log.eventIDs[i]
                text += "\t\t<event>\n"
                text += attribute("concept:name", .string(log.activityNames[Int(log.activities[i])]), indent: "\t\t\t")
                text += attribute("time:timestamp", .date(log.timestamps[i]), indent: "\t\t\t")
                if log.startTimestamps[i] != Int64.min { text += attribute("start_timestamp", .date(log.startTimestamps[i]), indent: "\t\t\t") }
                if let row = events.row(of: id) {
                    if let r = events.resource[row] { text += attribute("org:resource", .string(r), indent: "\t\t\t") }
                    if let l = events.lifecycle[row] {
                        text += attribute("lifecycle:transition", .string(l), indent: "\t\t\t")
                    }
                    for (k, v) in events.attributes[row] ?? [] { text += attribute(k, v, indent: "\t\t\t") }
                }
                text += "\t\t</event>\n"
            }
            text += "\t</trace>\n"
            if text.utf8.count > 1 << 20 {
                out.write(Data(text.utf8))
                text = ""
            }
        }
        text += "</log>\n"
        out.write(Data(text.utf8))
        return log.eventCount
    }
}

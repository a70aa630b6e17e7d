import Foundation
import Mining
import Yams

/// A workspace's `waybill.yaml`: the settings every stage reads, such as the object type cases
/// are and the SLA rule that labels them.
///
/// Every key is optional; a missing file or section gives the defaults (`SLARule.retailDefault`).
/// Unknown keys are errors naming the key and the keys allowed there, so a typo never silently
/// falls back to a default. `WorkspaceConfig.template` is the commented file `waybill init`
/// writes.
public struct WorkspaceConfig: Sendable, Equatable {
    /// The object type the case view flattens onto (nil: `orders`, or the only type with events).
    public var caseType: String?
    /// How orders are labelled met or missed.
    public var sla: SLARule

    public init(caseType: String? = nil, sla: SLARule = .retailDefault) {
        self.caseType = caseType
        self.sla = sla
    }

    /// Reads `path`; a file that does not exist gives the defaults.
    ///
    /// - Throws: `ConfigurationError` naming the file, the key and what is wrong.
    public static func load(path: String) throws -> WorkspaceConfig {
        guard FileManager.default.fileExists(atPath: path) else { return WorkspaceConfig() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the file", file: path)
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses the text of a config file (`file` names it in errors).
    ///
    /// - Throws: `ConfigurationError`.
    public static func parse(_ text: String, file: String = "waybill.yaml") throws -> WorkspaceConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError("not valid YAML: \(error)", file: file)
        }
        var config = WorkspaceConfig()
        guard let root else { return config }
        let top = try Section(root, path: "", file: file)
        try top.allow(["case_type", "sla"])
        config.caseType = try top.string("case_type")
        if let slaNode = top.node("sla") {
            let sla = try Section(slaNode, path: "sla", file: file)
            try sla.allow([
                "promise_attribute", "promise_hours", "channel_attribute", "milestone", "milestone_by_channel",
                "cancellation_activities",
            ])
            var rule = SLARule.retailDefault
            let attribute = try sla.string("promise_attribute")
            if let hoursNode = sla.node("promise_hours") {
                if attribute != nil {
                    throw ConfigurationError(
                        "give promise_attribute or promise_hours, not both", file: file, key: "sla")
                }
                let hours = try Section(hoursNode, path: "sla.promise_hours", file: file)
                var byChannel: [String: Double] = [:]
                for key in hours.keys where key != "default" { byChannel[key] = try hours.positiveNumber(key) }
                rule.promise = .hoursAfterCreation(default: try hours.positiveNumber("default"), byChannel: byChannel)
            } else if let attribute {
                rule.promise = .attribute(attribute)
            }
            rule.channelAttribute = try sla.string("channel_attribute") ?? rule.channelAttribute
            rule.milestone = try sla.string("milestone") ?? rule.milestone
            if let byChannelNode = sla.node("milestone_by_channel") {
                let byChannel = try Section(byChannelNode, path: "sla.milestone_by_channel", file: file)
                rule.milestoneByChannel = [:]
                for key in byChannel.keys { rule.milestoneByChannel[key] = try byChannel.string(key) }
            }
            rule.cancellationActivities = try sla.strings("cancellation_activities") ?? rule.cancellationActivities
            config.sla = rule
        }
        return config
    }
}

/// A YAML mapping being read, with the path of keys that led to it for error messages.
private struct Section {
    let pairs: [(String, Node)]
    let path: String
    let file: String

    init(_ node: Node, path: String, file: String) throws {
        guard let mapping = node.mapping else {
            throw ConfigurationError("expected a mapping of keys to values", file: file, key: path.isEmpty ? nil : path)
        }
        var pairs: [(String, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ConfigurationError("keys must be text", file: file, key: path.isEmpty ? nil : path)
            }
            pairs.append((name, value))
        }
        self.pairs = pairs
        self.path = path
        self.file = file
    }

    var keys: [String] { pairs.map(\.0) }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func node(_ key: String) -> Node? { pairs.first { $0.0 == key }?.1 }

    func allow(_ allowed: [String]) throws {
        for key in keys where !allowed.contains(key) {
            throw ConfigurationError(
                "unknown key; allowed here: \(allowed.joined(separator: ", "))", file: file, key: qualified(key))
        }
    }

    func string(_ key: String) throws -> String? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, !text.isEmpty else {
            throw ConfigurationError("expected a non-empty text value", file: file, key: qualified(key))
        }
        return text
    }

    func strings(_ key: String) throws -> [String]? {
        guard let node = node(key) else { return nil }
        guard let items = node.sequence else {
            throw ConfigurationError("expected a list, such as [Order Cancelled]", file: file, key: qualified(key))
        }
        return try items.map {
            guard let text = $0.scalar?.string, !text.isEmpty else {
                throw ConfigurationError("expected text items", file: file, key: qualified(key))
            }
            return text
        }
    }

    func positiveNumber(_ key: String) throws -> Double? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite, value > 0 else {
            throw ConfigurationError("expected a positive number of hours", file: file, key: qualified(key))
        }
        return value
    }
}

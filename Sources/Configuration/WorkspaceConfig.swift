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
    /// Hyperparameters of `waybill train sla` (none set: the command's defaults).
    public var training: TrainingSettings

    public init(
        caseType: String? = nil, sla: SLARule = .retailDefault, training: TrainingSettings = TrainingSettings()
    ) {
        self.caseType = caseType
        self.sla = sla
        self.training = training
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
        try top.allow(["case_type", "sla", "training"])
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
        if let trainingNode = top.node("training") {
            config.training = try parseTraining(trainingNode, file: file)
        }
        return config
    }

    /// The `training` section.
    ///
    /// - Throws: `ConfigurationError` naming the key and the allowed range.
    static func parseTraining(_ node: Node, file: String) throws -> TrainingSettings {
        let section = try Section(node, path: "training", file: file)
        try section.allow(TrainingSettings.keys)
        var t = TrainingSettings()
        if let algorithm = try section.string("algorithm") {
            guard ["gbt", "logistic"].contains(algorithm) else {
                throw ConfigurationError("expected gbt or logistic", file: file, key: "training.algorithm")
            }
            t.algorithm = algorithm
        }
        t.seed = try section.integer("seed", atLeast: 0).map { UInt64($0) }
        if let logisticNode = section.node("logistic") {
            let logistic = try Section(logisticNode, path: "training.logistic", file: file)
            try logistic.allow(TrainingSettings.logisticKeys)
            t.inverseRegularization = try logistic.number("c", greaterThan: 0)
        }
        if let treesNode = section.node("trees") {
            let trees = try Section(treesNode, path: "training.trees", file: file)
            try trees.allow(TrainingSettings.treeKeys)
            t.rounds = try trees.integer("rounds", atLeast: 1)
            t.leaves = try trees.integer("leaves", atLeast: 2)
            t.maxDepth = try trees.integer("max_depth", atLeast: 0)
            t.learningRate = try trees.number("learning_rate", greaterThan: 0)
            t.minDataInLeaf = try trees.integer("min_data_in_leaf", atLeast: 1)
            t.lambdaL2 = try trees.number("lambda_l2", atLeast: 0)
            t.featureFraction = try trees.fraction("feature_fraction")
            t.baggingFraction = try trees.fraction("bagging_fraction")
            t.baggingFrequency = try trees.integer("bagging_frequency", atLeast: 0)
            t.earlyStoppingRounds = try trees.integer("early_stopping_rounds", atLeast: 0)
        }
        return t
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

    /// An integer ≥ `minimum`.
    func integer(_ key: String, atLeast minimum: Int) throws -> Int? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Int(text), value >= minimum else {
            throw ConfigurationError("expected a whole number of at least \(minimum)", file: file, key: qualified(key))
        }
        return value
    }

    /// A finite number above `bound` (or at least `atLeast`).
    func number(_ key: String, greaterThan bound: Double? = nil, atLeast minimum: Double? = nil) throws -> Double? {
        guard let node = node(key) else { return nil }
        func show(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
        let range = bound.map { "above \(show($0))" } ?? "of at least \(show(minimum ?? 0))"
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite,
            bound.map({ value > $0 }) ?? true, minimum.map({ value >= $0 }) ?? true
        else {
            throw ConfigurationError("expected a number \(range)", file: file, key: qualified(key))
        }
        return value
    }

    /// A number in (0, 1].
    func fraction(_ key: String) throws -> Double? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Double(text), value > 0, value <= 1 else {
            throw ConfigurationError("expected a fraction in (0, 1]", file: file, key: qualified(key))
        }
        return value
    }

    func positiveNumber(_ key: String) throws -> Double? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite, value > 0 else {
            throw ConfigurationError("expected a positive number of hours", file: file, key: qualified(key))
        }
        return value
    }
}

import Foundation

extension GradientBoostedTrees {
    /// The model as JSON (`model.json`): keys sorted, no whitespace, numbers in their shortest
    /// round-tripping form, so the same model always gives the same bytes.
    ///
    /// Top level: `format` (`waybill-gradient-boosted-trees/1`), `features` (name, kind, levels,
    /// description), `parameters`, `init_scores`, `trees` (each tree's parallel arrays, see
    /// `RegressionTree`), `validation_log_loss`.
    ///
    /// - Complexity: O(nodes).
    public func jsonBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return [UInt8](try encoder.encode(self))
        } catch {
            throw LearningError(.cannotWrite, "cannot encode the model: \(error)", location: "model.json")
        }
    }

    /// Loads a model saved by `jsonBytes()` and checks it (`validate()`).
    ///
    /// - Throws: `LearningError.invalidModel` naming what is wrong.
    /// - Complexity: O(nodes).
    public init(jsonBytes: [UInt8]) throws {
        do {
            self = try JSONDecoder().decode(GradientBoostedTrees.self, from: Data(jsonBytes))
        } catch let error as LearningError {
            throw error
        } catch {
            throw LearningError(.invalidModel, "not a boosted-trees model: \(error)", location: "model.json")
        }
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decode(String.self, forKey: .format)
        guard format == Self.format else {
            throw LearningError(
                .invalidModel, "format '\(format)' is not '\(Self.format)' (written by another version?)",
                location: "model.json")
        }
        self.init(
            features: try c.decode([FeatureMatrix.Feature].self, forKey: .features),
            parameters: try c.decode(GradientBoostingParameters.self, forKey: .parameters),
            initScores: try c.decode([Double].self, forKey: .initScores),
            trees: try c.decode([RegressionTree].self, forKey: .trees),
            validationLogLoss: try c.decode([Double].self, forKey: .validationLogLoss))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.format, forKey: .format)
        try c.encode(features, forKey: .features)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(initScores, forKey: .initScores)
        try c.encode(trees, forKey: .trees)
        try c.encode(validationLogLoss, forKey: .validationLogLoss)
    }
}

import Foundation
import Learning

/// Reading and writing a model's folder `Models/<model-id>/`: `model.json`, `metrics.json`,
/// `card.md` and `SHA256SUMS` (see `ModelDirectory`).
public enum RiskArtifacts {
    /// Deterministic JSON: sorted keys, no escaped slashes, a final newline.
    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// Writes a trained model's folder, replacing one with the same id.
    ///
    /// - Throws: `LearningError.cannotWrite`.
    public static func write(_ result: RiskTrainer.Result, to directory: URL) throws {
        let files = [
            "model.json": try json(result.model),
            "metrics.json": try json(result.metrics),
            "card.md": Data(ModelCard(model: result.model, metrics: result.metrics).markdown.utf8),
        ]
        try ModelDirectory.write(files, to: directory)
    }

    /// Loads a model folder: verifies every file's SHA-256, decodes `model.json` and checks it.
    ///
    /// - Throws: `LearningError.invalidModel` naming the folder and what is wrong.
    public static func load(_ directory: URL) throws -> RiskModel {
        let files = try ModelDirectory.read(directory)
        guard let data = files["model.json"] else {
            throw LearningError(.invalidModel, "has no model.json", location: directory.path)
        }
        let model: RiskModel
        do {
            model = try JSONDecoder().decode(RiskModel.self, from: data)
        } catch {
            throw LearningError(
                .invalidModel, "model.json is not a Waybill SLA risk model: \(error)", location: directory.path)
        }
        do {
            try model.validate()
        } catch let error as LearningError {
            throw LearningError(error.code, error.message, location: directory.path)
        }
        return model
    }
}

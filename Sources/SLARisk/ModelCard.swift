import Features
import Foundation
import Learning

/// The model card (`card.md`): what the model is for and not for, what it was trained on, how
/// well it does overall and by segment, how calibrated it is, and its caveats. For governance
/// reviewers; every figure comes from `metrics.json`.
public struct ModelCard: Sendable {
    public var model: RiskModel
    public var metrics: RiskMetrics

    public init(model: RiskModel, metrics: RiskMetrics) {
        self.model = model
        self.metrics = metrics
    }

    static func f(_ x: Double?, _ digits: Int = 3) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }

    /// Escapes Markdown table cells (pipes and line breaks) in values from the data.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "<", with: "&lt;")
    }

    public var markdown: String {
        let t = model.training
        let rule = model.slaRule
        let promise: String =
            switch rule.promise {
            case .attribute(let name): "the case attribute `\(name)`"
            case .hoursAfterCreation(let fallback, let byChannel):
                "hours after the first event (default \(fallback.map { "\($0)" } ?? "none"); "
                    + byChannel.keys.sorted().map { "\($0): \(byChannel[$0]!)" }.joined(separator: ", ") + ")"
            }
        let algorithm =
            model.algorithm == .logistic
            ? "L2-regularised logistic regression (Newton/IRLS, C = \(model.logistic!.inverseRegularization))"
            : "gradient-boosted trees (\(model.trees!.trees.count) trees, \(model.trees!.parameters.maxLeaves) leaves max, learning rate \(model.trees!.parameters.learningRate))"
        var md = """
            # Model card: \(model.modelID)

            ## Intended use
            Ranks in-flight \(model.caseType) by their probability of missing the SLA, so that operations
            can act on the riskiest first (reroute, expedite, notify the customer). The probability is
            calibrated on a later window than the one the model learned from.

            **Not for:** decisions about individual customers or employees; orders of another process,
            SLA rule or product mix than the training data without a backtest on them; explaining causes
            (the reasons listed with each score are associations the model learned, not causes).

            ## What it predicts
            An order misses when its milestone (`\(rule.milestone)`\(rule.milestoneByChannel.isEmpty ? "" : "; " + rule.milestoneByChannel.keys.sorted().map { "`\($0)`: `\(rule.milestoneByChannel[$0]!)`" }.joined(separator: ", "))) completes after
            its promise (\(promise)), when it is cancelled (\(rule.cancellationActivities.map { "`\($0)`" }.joined(separator: ", "))) first, or when it is
            still open after the promise.

            ## Model
            - Algorithm: \(algorithm).
            - Features: \(model.schema.features.count), each computed only from what was known at the prefix time
              (prefixes: \(Self.describe(model.prefixMode))).
            - Calibration: \(metrics.calibration), fitted on the validation window.
            - Seed: \(t.seed).

            ## Training data
            - Data fingerprint (SHA-256 of the feature matrices, labels and weights): `\(t.dataFingerprint)`.
            - Labelled as of \(t.labelledAsOf).
            - Split by the orders' first event, never at random:

            | window | orders from | orders | missed | prefix rows |
            |---|---|---|---|---|
            | training | \(t.trainingFrom) | \(t.cases[0]) | \(t.missedCases[0]) | \(t.rows[0]) |
            | validation | \(t.validationFrom) | \(t.cases[1]) | \(t.missedCases[1]) | \(t.rows[1]) |
            | test | \(t.testFrom) | \(t.cases[2]) | \(t.missedCases[2]) | \(t.rows[2]) |

            Last order start: \(t.lastCaseStart). Each order's prefix rows are weighted so the order counts once.

            ## Performance (calibrated risk, weighted by order)

            | window | ROC-AUC | PR-AUC | Brier | log loss |
            |---|---|---|---|---|
            | validation | \(Self.f(metrics.validation.overall.rocAUC)) | \(Self.f(metrics.validation.overall.averagePrecision)) | \(Self.f(metrics.validation.overall.brierScore, 4)) | \(Self.f(metrics.validation.overall.logLoss, 4)) |
            | test | \(Self.f(metrics.test.overall.rocAUC)) | \(Self.f(metrics.test.overall.averagePrecision)) | \(Self.f(metrics.test.overall.brierScore, 4)) | \(Self.f(metrics.test.overall.logLoss, 4)) |

            Test ROC-AUC before calibration: \(Self.f(metrics.testRocAUCUncalibrated)).

            Precision and recall at the top of the test list:

            | top | precision | recall |
            |---|---|---|

            """
        for top in metrics.test.overall.topFractions {
            md += "| \(Self.f(top.percent, 1))% | \(Self.f(top.precision)) | \(Self.f(top.recall)) |\n"
        }
        md += "\n### By segment (test window)\n\n| segment | rows | ROC-AUC | PR-AUC | Brier |\n|---|---|---|---|---|\n"
        for breakdown in metrics.test.breakdowns {
            for segment in breakdown.segments {
                let m = segment.metrics
                md +=
                    "| \(Self.cell(breakdown.name))=\(Self.cell(segment.key.isEmpty ? "(none)" : segment.key)) | \(m.rows) | \(Self.f(m.rocAUC)) | \(Self.f(m.averagePrecision)) | \(Self.f(m.brierScore, 4)) |\n"
            }
        }
        md += "\n## Calibration (test window)\n\n| predicted (mean) | observed | rows |\n|---|---|---|\n"
        for bin in metrics.reliabilityTest.bins {
            md += "| \(Self.f(bin.meanPredicted)) | \(Self.f(bin.observedRate)) | \(bin.count) |\n"
        }
        md += "\n## Most important features\n\n| feature | importance | description |\n|---|---|---|\n"
        let descriptions = Dictionary(model.schema.features.map { ($0.name, $0.description) }, uniquingKeysWith: { a, _ in a })
        for item in metrics.featureImportance.prefix(15) {
            md += "| \(Self.cell(item.feature)) | \(Self.f(item.importance, 4)) | \(Self.cell(descriptions[item.feature] ?? "")) |\n"
        }
        md += """

            ## Caveats
            - The figures hold for data like the training window's. Check the drift log and backtest the
              model on newer weeks before relying on it after a process change.
            - Segments with few orders have noisy figures; rows give their size.
            - Case attributes with rare values are grouped as `(other)`; ids are not used.
            - Orders without a promise are never labelled and cannot be scored meaningfully.

            """
        return md
    }

    static func describe(_ mode: PrefixRows.Mode) -> String {
        switch mode {
        case .everyEvent: "after every event"
        case .snapshots(let hours): "a snapshot every \(hours) hours"
        }
    }
}

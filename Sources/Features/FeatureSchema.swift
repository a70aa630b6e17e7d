import Learning

/// What a model's inputs are and how to compute them from a log: fitted on training data, saved
/// in `model.json`, and applied unchanged when scoring any workspace.
///
/// Everything that depends on the training data is here: which case attributes are used and
/// their kept levels (rare ones grouped as `(other)`), which activities are counted, which
/// milestones are timed. Activities and levels are kept by name, so a log with other activity
/// codes (another workspace) encodes the same way.
public struct FeatureSchema: Sendable, Equatable, Codable {
    /// A case attribute used as a feature.
    public struct CaseAttribute: Sendable, Equatable, Codable {
        /// The attribute's name in the store.
        public var attribute: String
        /// True for a number; false for a categorical with `levels`.
        public var numeric: Bool
        /// Kept levels; the last is `(other)` when rare levels were grouped.
        public var levels: [String]
    }

    /// The level name rare and unseen categories map to.
    public static let otherLevel = "(other)"

    /// Case attributes, in feature order.
    public var caseAttributes: [CaseAttribute]
    /// Activities counted in the prefix (`count_...` features), by name.
    public var countedActivities: [String]
    /// Activities whose first occurrence is timed from the case's start (`hours_to_...`).
    public var timedActivities: [String]
    /// The activity names `last_activity` knows (others are `(other)`).
    public var lastActivityLevels: [String]
    /// The process-context settings.
    public var context: ProcessContext.Options
    /// Which context features are present (those the training log supported).
    public var contextFeatures: [String]
    /// The features in matrix order, with names, kinds, levels and descriptions.
    public var features: [FeatureMatrix.Feature]

    /// Checks the schema: feature names unique, levels non-empty for categoricals.
    public func checkInvariants() {
        precondition(Set(features.map(\.name)).count == features.count)
        for f in features where f.kind == .categorical { precondition(!f.levels.isEmpty) }
    }
}

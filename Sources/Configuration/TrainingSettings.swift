/// The `training` section of `waybill.yaml`: hyperparameters of `waybill train sla`, each nil
/// when the file leaves it out (then the command's flag or its default applies; a flag given on
/// the command line overrides the file).
public struct TrainingSettings: Sendable, Equatable {
    /// `gbt` or `logistic`.
    public var algorithm: String?
    /// The seed of every random draw.
    public var seed: UInt64?
    /// Logistic regression: the inverse L2 strength (scikit-learn's `C`), > 0.
    public var inverseRegularization: Double?
    /// Boosted trees: most rounds (≥ 1), most leaves per tree (≥ 2), most depth (0: no limit),
    /// shrinkage (> 0), fewest rows per leaf (≥ 1), L2 on leaf values (≥ 0).
    public var rounds: Int?
    public var leaves: Int?
    public var maxDepth: Int?
    public var learningRate: Double?
    public var minDataInLeaf: Int?
    public var lambdaL2: Double?
    /// Boosted trees: the fraction of features drawn per tree and of rows drawn every
    /// `baggingFrequency` rounds (both in (0, 1]; frequency 0: no row sampling).
    public var featureFraction: Double?
    public var baggingFraction: Double?
    public var baggingFrequency: Int?
    /// Boosted trees: stop when the validation loss has not improved for this many rounds (0: never).
    public var earlyStoppingRounds: Int?

    public init() {}

    /// The keys of the section and of its `trees` and `logistic` parts.
    static let keys = ["algorithm", "seed", "logistic", "trees"]
    static let logisticKeys = ["c"]
    static let treeKeys = [
        "rounds", "leaves", "max_depth", "learning_rate", "min_data_in_leaf", "lambda_l2", "feature_fraction",
        "bagging_fraction", "bagging_frequency", "early_stopping_rounds",
    ]
}

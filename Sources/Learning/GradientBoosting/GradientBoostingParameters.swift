/// The hyperparameters of the gradient-boosted trees learner.
///
/// The names and defaults follow LightGBM's (`num_leaves`, `learning_rate`, `min_data_in_leaf`,
/// `min_sum_hessian_in_leaf`, `lambda_l2`, `min_gain_to_split`, `max_bin`, `feature_fraction`,
/// `bagging_fraction`, `bagging_freq`, `cat_smooth`, `cat_l2`, `max_cat_threshold`,
/// `min_data_per_group`, `max_cat_to_onehot`), so a model trained with the same values here and in
/// LightGBM grows the same kind of trees. The thread count is not a hyperparameter: the model does
/// not depend on it (see `GradientBoostedTrees.train`).
public struct GradientBoostingParameters: Sendable, Codable, Hashable {
    /// The loss being minimised.
    public enum Objective: String, Sendable, Codable, Hashable {
        /// Binary log loss; one tree per round; labels 0 and 1.
        case binary
        /// Softmax (multinomial) log loss; one tree per class per round; labels 0..<`classCount`.
        case multiclass
    }

    public var objective: Objective = .binary
    /// The number of classes for `.multiclass` (at least 3); 2 for `.binary`.
    public var classCount: Int = 2
    /// Boosting rounds (`num_iterations`); with early stopping, the most that are tried.
    public var rounds: Int = 100
    /// Shrinkage applied to every leaf value (`learning_rate`).
    public var learningRate: Double = 0.1
    /// The most leaves per tree (`num_leaves`); trees grow leaf-wise, best gain first.
    public var maxLeaves: Int = 31
    /// The deepest a leaf may be (root = depth 0); 0 means no limit (LightGBM's `max_depth <= 0`).
    public var maxDepth: Int = 0
    /// The fewest training rows in a leaf (`min_data_in_leaf`).
    public var minDataInLeaf: Int = 20
    /// The least hessian sum in a leaf, i.e. the minimum child weight (`min_sum_hessian_in_leaf`).
    public var minSumHessianInLeaf: Double = 1e-3
    /// L2 penalty on leaf values (`lambda_l2`).
    public var lambdaL2: Double = 0
    /// The least gain for a split to be made (`min_gain_to_split`).
    public var minGainToSplit: Double = 0
    /// The most bins per feature, the missing-value bin included (`max_bin`, at most 255).
    public var maxBin: Int = 255
    /// Rows sampled to find a numeric feature's bin boundaries (`bin_construct_sample_cnt`).
    public var binSampleCount: Int = 200_000
    /// The share of features each tree may use (`feature_fraction`), drawn anew per tree.
    public var featureFraction: Double = 1
    /// The share of rows each tree is grown on (`bagging_fraction`); used when `baggingFrequency > 0`.
    public var baggingFraction: Double = 1
    /// Redraw the bag every this many rounds (`bagging_freq`); 0 switches bagging off.
    public var baggingFrequency: Int = 0
    /// Stop when the validation log loss has not improved for this many rounds; 0 switches it off.
    public var earlyStoppingRounds: Int = 0
    /// Categorical splits: prior added to the hessian when ordering levels (`cat_smooth`); levels
    /// with fewer rows than this in a node are not candidates for the left side.
    public var catSmooth: Double = 10
    /// Categorical splits: extra L2 penalty (`cat_l2`).
    public var catL2: Double = 10
    /// Categorical splits: the most levels on the left side (`max_cat_threshold`).
    public var maxCatThreshold: Int = 32
    /// Categorical splits: the fewest rows per group of levels scanned (`min_data_per_group`).
    public var minDataPerGroup: Int = 100
    /// Categorical features with at most this many bins are split one level against the rest
    /// (`max_cat_to_onehot`).
    public var maxCatToOneHot: Int = 4
    /// The seed of every random draw (bagging, feature sampling); see `SplitMix64`.
    public var seed: UInt64 = 0

    public init() {}

    /// The number of scores (and trees per round) the objective needs: 1 for binary, `classCount`
    /// for multiclass.
    public var treesPerRound: Int { objective == .binary ? 1 : classCount }

    /// Throws `LearningError.invalidOption` naming the first hyperparameter out of range.
    ///
    /// - Complexity: O(1).
    public func validate() throws {
        func fail(_ name: String, _ reason: String) -> LearningError {
            LearningError(.invalidOption, "\(name) \(reason)", location: "gradient boosting")
        }
        if objective == .multiclass && classCount < 3 { throw fail("classCount", "must be at least 3 for multiclass") }
        if objective == .binary && classCount != 2 { throw fail("classCount", "must be 2 for binary") }
        if rounds < 1 { throw fail("rounds", "must be at least 1 (got \(rounds))") }
        if !(learningRate > 0 && learningRate.isFinite) { throw fail("learningRate", "must be > 0 (got \(learningRate))") }
        if maxLeaves < 2 { throw fail("maxLeaves", "must be at least 2 (got \(maxLeaves))") }
        if maxDepth < 0 { throw fail("maxDepth", "must be >= 0, 0 = no limit (got \(maxDepth))") }
        if minDataInLeaf < 1 { throw fail("minDataInLeaf", "must be at least 1 (got \(minDataInLeaf))") }
        if !(minSumHessianInLeaf >= 0) { throw fail("minSumHessianInLeaf", "must be >= 0") }
        if !(lambdaL2 >= 0 && lambdaL2.isFinite) { throw fail("lambdaL2", "must be >= 0 (got \(lambdaL2))") }
        if !(minGainToSplit >= 0) { throw fail("minGainToSplit", "must be >= 0") }
        if maxBin < 3 || maxBin > 255 { throw fail("maxBin", "must be in 3...255 (got \(maxBin))") }
        if binSampleCount < 1 { throw fail("binSampleCount", "must be at least 1") }
        if !(featureFraction > 0 && featureFraction <= 1) { throw fail("featureFraction", "must be in (0, 1]") }
        if !(baggingFraction > 0 && baggingFraction <= 1) { throw fail("baggingFraction", "must be in (0, 1]") }
        if baggingFrequency < 0 { throw fail("baggingFrequency", "must be >= 0") }
        if earlyStoppingRounds < 0 { throw fail("earlyStoppingRounds", "must be >= 0") }
        if !(catSmooth >= 0) || !(catL2 >= 0) { throw fail("catSmooth and catL2", "must be >= 0") }
        if maxCatThreshold < 1 { throw fail("maxCatThreshold", "must be at least 1") }
        if minDataPerGroup < 1 { throw fail("minDataPerGroup", "must be at least 1") }
        if maxCatToOneHot < 1 { throw fail("maxCatToOneHot", "must be at least 1") }
    }
}

extension GradientBoostedTrees {
    /// How much one feature is used by the model.
    public struct FeatureImportance: Sendable, Hashable {
        public var feature: String
        /// The total gain of the splits on the feature (LightGBM's `importance_type="gain"`).
        public var gain: Double
        /// The number of splits on the feature (`importance_type="split"`).
        public var splits: Int
    }

    /// The gain and split importance of every feature, in the model's feature order.
    ///
    /// - Complexity: O(nodes).
    public func featureImportance() -> [FeatureImportance] {
        var gain = [Double](repeating: 0, count: features.count)
        var splits = [Int](repeating: 0, count: features.count)
        for tree in trees {
            for i in 0..<tree.nodeCount where tree.childrenLeft[i] >= 0 {
                gain[tree.feature[i]] += tree.gain[i]
                splits[tree.feature[i]] += 1
            }
        }
        return features.indices.map { FeatureImportance(feature: features[$0].name, gain: gain[$0], splits: splits[$0]) }
    }
}

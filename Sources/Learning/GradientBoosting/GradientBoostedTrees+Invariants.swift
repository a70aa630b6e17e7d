extension GradientBoostedTrees {
    /// Checks a model (typically one just loaded): valid hyperparameters, one initial score per
    /// class, whole rounds of trees, each a well-formed tree over the model's features whose
    /// categorical splits name existing levels of categorical features.
    ///
    /// - Throws: `LearningError.invalidModel` naming the first problem.
    /// - Complexity: O(nodes).
    public func validate() throws {
        func bad(_ message: String) -> LearningError { LearningError(.invalidModel, message, location: "model.json") }
        do { try parameters.validate() } catch let error as LearningError { throw bad(error.message) }
        let k = treesPerRound
        guard initScores.count == k, initScores.allSatisfy(\.isFinite) else {
            throw bad("init_scores must hold \(k) finite numbers")
        }
        guard trees.count % k == 0 else { throw bad("\(trees.count) trees is not a whole number of rounds of \(k)") }
        for (t, tree) in trees.enumerated() {
            let n = tree.nodeCount
            let lengths = [
                tree.childrenRight.count, tree.feature.count, tree.threshold.count, tree.defaultLeft.count,
                tree.value.count, tree.cover.count, tree.count.count, tree.gain.count, tree.categoriesLeft.count,
            ]
            guard n >= 1, lengths.allSatisfy({ $0 == n }) else { throw bad("tree \(t): arrays of unequal length") }
            var parents = [Int](repeating: 0, count: n)
            for i in 0..<n {
                guard tree.value[i].isFinite, tree.threshold[i].isFinite else {
                    throw bad("tree \(t) node \(i): a non-finite number")
                }
                let (l, r) = (tree.childrenLeft[i], tree.childrenRight[i])
                if l < 0 {
                    guard r < 0 else { throw bad("tree \(t) node \(i): one child only") }
                    continue
                }
                guard l > i, r > i, l < n, r < n, l != r else { throw bad("tree \(t) node \(i): bad children") }
                parents[l] += 1
                parents[r] += 1
                let f = tree.feature[i]
                guard f >= 0, f < features.count else { throw bad("tree \(t) node \(i): feature \(f) out of range") }
                let cats = tree.categoriesLeft[i]
                if features[f].kind == .categorical {
                    guard !cats.isEmpty, cats.allSatisfy({ $0 >= 0 && $0 < features[f].levels.count }) else {
                        throw bad("tree \(t) node \(i): categories_left must name levels of '\(features[f].name)'")
                    }
                } else if !cats.isEmpty {
                    throw bad("tree \(t) node \(i): categories_left on numeric feature '\(features[f].name)'")
                }
            }
            guard parents[0] == 0, parents.dropFirst().allSatisfy({ $0 == 1 }) else {
                throw bad("tree \(t): nodes do not form one tree")
            }
        }
    }

    /// Checks the invariants with preconditions (debug builds and tests): `validate()` passes and
    /// every tree's covers and counts add up (`RegressionTree.checkInvariants`).
    ///
    /// - Complexity: O(nodes).
    public func checkInvariants() {
        do { try validate() } catch { preconditionFailure("\(error)") }
        for tree in trees { tree.checkInvariants(featureCount: features.count) }
    }
}

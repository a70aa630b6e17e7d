/// One fitted tree as parallel node arrays, in the layout scikit-learn, SHAP and ONNX readers use.
///
/// Node 0 is the root. For node `i`:
/// - `childrenLeft[i]`, `childrenRight[i]`: child node indices; both −1 for a leaf.
/// - `feature[i]`: the column split on; −1 for a leaf.
/// - `threshold[i]`: numeric split: a row goes left when `x <= threshold[i]` (raw units, always a
///   finite number); 0 for a categorical split and for a leaf.
/// - `categoriesLeft[i]`: categorical split: the level indices that go left, ascending (every other
///   level, unseen levels included, goes right); empty for a numeric split and for a leaf.
/// - `defaultLeft[i]`: where a missing value (NaN) goes.
/// - `value[i]`: the node's output, −G/(H+λ) × learning rate: the leaf value for a leaf, and for an
///   inner node the value it would have as a leaf (what SHAP's path-dependent algorithm needs).
/// - `cover[i]`: the sum of the training hessians (weights) reaching the node: LightGBM's
///   `internal_weight`/`leaf_weight`, the cover SHAP's `TreeExplainer` uses for LightGBM models.
/// - `count[i]`: the number of training rows reaching the node (LightGBM's `internal_count`).
/// - `gain[i]`: the split's gain (0 for a leaf), summed into the feature importance.
///
/// With bagging, cover and count are those of the rows the tree was grown on.
public struct RegressionTree: Sendable, Codable, Hashable {
    public var childrenLeft: [Int]
    public var childrenRight: [Int]
    public var feature: [Int]
    public var threshold: [Double]
    public var defaultLeft: [Bool]
    public var value: [Double]
    public var cover: [Double]
    public var count: [Int]
    public var gain: [Double]
    public var categoriesLeft: [[Int]]

    enum CodingKeys: String, CodingKey {
        case childrenLeft = "children_left"
        case childrenRight = "children_right"
        case feature
        case threshold
        case defaultLeft = "default_left"
        case value
        case cover
        case count
        case gain
        case categoriesLeft = "categories_left"
    }

    /// A tree of a single leaf.
    init(leafValue: Double, cover: Double, count: Int) {
        childrenLeft = [-1]
        childrenRight = [-1]
        feature = [-1]
        threshold = [0]
        defaultLeft = [false]
        value = [leafValue]
        self.cover = [cover]
        self.count = [count]
        gain = [0]
        categoriesLeft = [[]]
    }

    /// The number of nodes.
    public var nodeCount: Int { childrenLeft.count }

    /// The number of leaves.
    public var leafCount: Int { childrenLeft.lazy.filter { $0 < 0 }.count }

    /// True when node `i` is a leaf.
    public func isLeaf(_ i: Int) -> Bool { childrenLeft[i] < 0 }

    /// The leaf that row `row` of `matrix` lands in.
    ///
    /// - Complexity: O(depth), plus O(levels) per categorical split.
    public func leaf(for matrix: FeatureMatrix, row: Int) -> Int {
        var i = 0
        while childrenLeft[i] >= 0 { i = leafStep(from: i, matrix: matrix, row: row) }
        return i
    }

    /// The depth of the deepest leaf (a single leaf has depth 0).
    ///
    /// - Complexity: O(nodes).
    public var depth: Int {
        var deepest = 0
        var stack = [(0, 0)]
        while let (node, d) = stack.popLast() {
            if childrenLeft[node] < 0 {
                deepest = max(deepest, d)
            } else {
                stack.append((childrenLeft[node], d + 1))
                stack.append((childrenRight[node], d + 1))
            }
        }
        return deepest
    }

    /// Checks the invariants: arrays of equal length; every node but the root has exactly one
    /// parent, and a child's index is greater than its parent's; leaves have no feature, inner
    /// nodes a valid one; cover and count add up from children to parents; numbers are finite.
    ///
    /// - Complexity: O(nodes + categories).
    public func checkInvariants(featureCount: Int) {
        let n = nodeCount
        precondition(n >= 1)
        for array in [
            childrenRight.count, feature.count, threshold.count, defaultLeft.count, value.count,
            cover.count, count.count, gain.count, categoriesLeft.count,
        ] {
            precondition(array == n, "parallel arrays of equal length")
        }
        var parents = [Int](repeating: 0, count: n)
        for i in 0..<n {
            precondition(value[i].isFinite && threshold[i].isFinite && cover[i].isFinite && gain[i].isFinite)
            if childrenLeft[i] < 0 {
                precondition(childrenRight[i] < 0 && feature[i] == -1 && categoriesLeft[i].isEmpty, "a leaf")
                continue
            }
            let (l, r) = (childrenLeft[i], childrenRight[i])
            precondition(l > i && r > i && l < n && r < n && l != r, "children after their parent")
            precondition(feature[i] >= 0 && feature[i] < featureCount, "a split feature in range")
            parents[l] += 1
            parents[r] += 1
            precondition(count[i] == count[l] + count[r], "counts add up")
            precondition(abs(cover[i] - cover[l] - cover[r]) <= 1e-6 * max(1, abs(cover[i])), "covers add up")
            precondition(categoriesLeft[i] == categoriesLeft[i].sorted(), "categories ascending")
        }
        precondition(parents[0] == 0 && parents.dropFirst().allSatisfy { $0 == 1 }, "a tree")
    }
}

extension RegressionTree {
    /// A numeric split's threshold as prediction compares with it (`x <= t` goes left): the
    /// largest finite number, the last bin's upper bound (`FeatureBinner`), stands for +∞. The
    /// binner puts +∞ in that last bin, so a split that sends every number left (and only the
    /// missing values right) sends +∞ left in training; prediction must too. Saved thresholds
    /// stay finite; the +∞ is only compared with.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    static func comparableThreshold(_ t: Double) -> Double { t == .greatestFiniteMagnitude ? .infinity : t }

    /// The child of inner node `i` that row `row` goes to (one step of `leaf(for:row:)`).
    ///
    /// - Complexity: O(1), or O(levels) for a categorical split.
    func leafStep(from i: Int, matrix: FeatureMatrix, row: Int) -> Int {
        let x = matrix[row, feature[i]]
        let left: Bool
        if x.isNaN {
            left = defaultLeft[i]
        } else if categoriesLeft[i].isEmpty {
            left = x <= Self.comparableThreshold(threshold[i])
        } else {
            left = Int(exactly: x).map { categoriesLeft[i].contains($0) } ?? false
        }
        return left ? childrenLeft[i] : childrenRight[i]
    }
}

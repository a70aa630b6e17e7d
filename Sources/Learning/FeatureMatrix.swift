/// A table of model inputs: rows are examples (order prefixes), columns are named features.
///
/// Values are stored column-major in one contiguous buffer (`values[column * rowCount + row]`),
/// which is what both learners want: the tree learner bins one column at a time, and the
/// logistic learner hands the buffer to BLAS and LAPACK as a Fortran-order matrix. A missing value
/// is `NaN`. A categorical feature stores the level's index (0, 1, ...) as a `Double`, with its
/// level names in `Feature.levels`; a level unseen in training is `NaN` at scoring time.
public struct FeatureMatrix: Sendable, Equatable {
    /// How a feature's values are read.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// A number; order matters.
        case numeric
        /// A level index into `Feature.levels`; order does not matter.
        case categorical
    }

    /// One column's description.
    public struct Feature: Sendable, Codable, Hashable {
        /// The name a person reads (`hours_since_creation`, `carrier`).
        public var name: String
        public var kind: Kind
        /// For a categorical feature, the level names by index; empty for a numeric one.
        public var levels: [String]
        /// One sentence saying what the feature is, for the data dictionary and the model card.
        public var description: String

        public init(name: String, kind: Kind, levels: [String] = [], description: String = "") {
            self.name = name
            self.kind = kind
            self.levels = levels
            self.description = description
        }
    }

    /// The columns, in order.
    public private(set) var features: [Feature]
    /// The number of rows.
    public private(set) var rowCount: Int
    /// All values, column-major: column `j` is `values[j * rowCount ..< (j + 1) * rowCount]`.
    public private(set) var values: [Double]

    /// A matrix from its columns; every column must have `rowCount` values.
    ///
    /// - Complexity: O(rows × columns).
    public init(features: [Feature], columns: [[Double]]) {
        precondition(features.count == columns.count, "one column per feature")
        let rows = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == rows }, "columns of equal length")
        self.features = features
        self.rowCount = rows
        var values: [Double] = []
        values.reserveCapacity(rows * columns.count)
        for column in columns { values.append(contentsOf: column) }
        self.values = values
    }

    /// A matrix over an existing column-major buffer.
    ///
    /// - Complexity: O(1) beyond the checks.
    public init(features: [Feature], rowCount: Int, values: [Double]) {
        precondition(values.count == rowCount * features.count, "values must be rowCount × features")
        self.features = features
        self.rowCount = rowCount
        self.values = values
    }

    /// The number of columns.
    public var columnCount: Int { features.count }

    /// The value at `row`, `column`.
    @inline(__always)
    public subscript(row: Int, column: Int) -> Double { values[column * rowCount + row] }

    /// Column `j` as a slice of the buffer.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public func column(_ j: Int) -> ArraySlice<Double> { values[(j * rowCount)..<((j + 1) * rowCount)] }

    /// The index of the feature named `name`, if any.
    ///
    /// - Complexity: O(columns).
    public func columnIndex(named name: String) -> Int? { features.firstIndex { $0.name == name } }

    /// The rows at `indices`, in that order (a training, validation or test window).
    ///
    /// - Complexity: O(indices × columns).
    public func rows(_ indices: some Collection<Int>) -> FeatureMatrix {
        var out: [Double] = []
        out.reserveCapacity(indices.count * columnCount)
        for j in 0..<columnCount {
            let base = j * rowCount
            for i in indices { out.append(values[base + i]) }
        }
        return FeatureMatrix(features: features, rowCount: indices.count, values: out)
    }

    /// Checks the invariants: the buffer is rows × columns, categorical values are level indices
    /// or NaN, feature names are unique. Runs in debug builds and tests.
    ///
    /// - Complexity: O(rows × columns).
    public func checkInvariants() {
        precondition(values.count == rowCount * columnCount)
        precondition(Set(features.map(\.name)).count == features.count, "feature names must be unique")
        for (j, feature) in features.enumerated() where feature.kind == .categorical {
            for v in column(j) where !v.isNaN {
                precondition(v >= 0 && v < Double(feature.levels.count) && v == v.rounded(), "bad level index")
            }
        }
    }
}

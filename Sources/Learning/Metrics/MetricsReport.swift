import _WaybillSupport

/// The metrics of a set of scores overall and broken down by segments (channel, node), in the form
/// written to `metrics.json`.
public struct MetricsReport: Sendable, Codable, Equatable {
    /// The metrics of one segment value.
    public struct Segment: Sendable, Codable, Equatable {
        /// The segment's key (`web`, `DC-Leipzig`); an empty key stands for rows without one.
        public var key: String
        public var metrics: BinaryMetrics
    }

    /// One way of splitting the rows.
    public struct Breakdown: Sendable, Codable, Equatable {
        /// What the keys are (`channel`, `node`).
        public var name: String
        /// The segments, sorted by key (byte order); a segment whose rows all weigh zero has no
        /// metrics to give and is left out.
        public var segments: [Segment]
    }

    /// All rows together.
    public var overall: BinaryMetrics
    /// The breakdowns, in the order given.
    public var breakdowns: [Breakdown]

    /// One way of splitting the rows, as codes: row *i* is in the segment keyed `levels[codes[i]]`.
    public struct CodedSegmentation: Sendable {
        public var name: String
        /// Distinct keys (a level no row has makes no segment).
        public var levels: [String]
        public var codes: [Int32]

        public init(name: String, levels: [String], codes: [Int32]) {
            self.name = name
            self.levels = levels
            self.codes = codes
        }

        /// Codes one key per row, by hashing them.
        ///
        /// - Complexity: O(rows) string hashes.
        public init(name: String, keys: [String]) {
            var index: [String: Int32] = [:]
            var levels: [String] = []
            let codes = keys.map { key -> Int32 in
                if let k = index[key] { return k }
                index[key] = Int32(levels.count)
                levels.append(key)
                return Int32(levels.count - 1)
            }
            self.init(name: name, levels: levels, codes: codes)
        }
    }

    /// Computes the overall metrics and each breakdown's, a segment's rows kept in input order.
    ///
    /// - Parameter segmentations: per breakdown, its name and one key per row.
    /// - Throws: what `BinaryMetrics.init` throws, for the whole set or a segment (a segment
    ///   whose rows all weigh zero is left out, not an error).
    /// - Complexity: O(n log n + b · n) for b breakdowns of n rows (one ranking, filtered per segment).
    public init(
        scores: [Double], labels: [Bool], weights: [Double]? = nil,
        segmentations: [(name: String, keys: [String])] = [],
        topPercents: [Double] = BinaryMetrics.defaultTopPercents
    ) throws {
        try self.init(
            scores: scores, labels: labels, weights: weights,
            coded: segmentations.map { CodedSegmentation(name: $0.name, keys: $0.keys) }, topPercents: topPercents)
    }

    /// `init(scores:labels:weights:segmentations:topPercents:)` with the keys coded already, so a
    /// caller holding codes (a case attribute's `TextCodes`) hashes no string per row.
    ///
    /// - Precondition: each segmentation has one code per row, each a valid index into its
    ///   distinct `levels`.
    /// - Complexity: O(n log n + b · n).
    public init(
        scores: [Double], labels: [Bool], weights: [Double]? = nil, coded: [CodedSegmentation],
        topPercents: [Double] = BinaryMetrics.defaultTopPercents
    ) throws {
        // One ranking of all rows; a segment's ranking is that order filtered to the segment,
        // which is the segment's own ranking (ties by row index, and rows keep their order).
        let order = BinaryMetrics.ranking(scores)
        @Sendable func breakdown(_ segmentation: CodedSegmentation) throws -> Breakdown {
            precondition(segmentation.codes.count == scores.count, "one segment code per row")
            precondition(Set(segmentation.levels).count == segmentation.levels.count, "distinct segment keys")
            var rowsOf = [[Int]](repeating: [], count: segmentation.levels.count)
            var local = [Int](repeating: 0, count: scores.count)
            for (i, code) in segmentation.codes.enumerated() {
                precondition(code >= 0 && Int(code) < rowsOf.count, "a segment code out of range")
                local[i] = rowsOf[Int(code)].count
                rowsOf[Int(code)].append(i)
            }
            var ordersOf = rowsOf.map { rows -> [Int] in
                var order: [Int] = []
                order.reserveCapacity(rows.count)
                return order
            }
            for i in order { ordersOf[Int(segmentation.codes[i])].append(local[i]) }
            let levels = segmentation.levels
            // Segments with rows of some weight: one whose rows all weigh zero has no metrics
            // (the whole set's zero weight is an error, thrown by the overall job).
            let present = levels.indices.filter { s in
                !rowsOf[s].isEmpty && (weights.map { w in rowsOf[s].contains { w[$0] != 0 } } ?? true)
            }
            .sorted { levels[$0].utf8.lexicographicallyPrecedes(levels[$1].utf8) }
            let segments = try present.map { s in
                let rows = rowsOf[s]
                let metrics = try BinaryMetrics(
                    scores: rows.map { scores[$0] }, labels: rows.map { labels[$0] },
                    weights: weights.map { w in rows.map { w[$0] } }, topPercents: topPercents, order: ordersOf[s])
                return Segment(key: levels[s], metrics: metrics)
            }
            return Breakdown(name: segmentation.name, segments: segments)
        }
        // The overall metrics and each breakdown as independent jobs; the first error in that
        // order is thrown, as a sequential run would.
        enum Part: Sendable {
            case overall(BinaryMetrics)
            case breakdown(Breakdown)
        }
        let parts = Concurrently.map(1 + coded.count) { job in
            Result<Part, any Error> {
                if job == 0 {
                    return .overall(
                        try BinaryMetrics(
                            scores: scores, labels: labels, weights: weights, topPercents: topPercents, order: order))
                }
                return .breakdown(try breakdown(coded[job - 1]))
            }
        }
        guard case .overall(let overall) = try parts[0].get() else { preconditionFailure("job 0 is the overall") }
        self.overall = overall
        breakdowns = try parts.dropFirst().map {
            guard case .breakdown(let b) = try $0.get() else { preconditionFailure("the other jobs are breakdowns") }
            return b
        }
    }
}

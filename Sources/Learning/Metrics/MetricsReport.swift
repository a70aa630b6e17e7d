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
        /// The segments, sorted by key (byte order).
        public var segments: [Segment]
    }

    /// All rows together.
    public var overall: BinaryMetrics
    /// The breakdowns, in the order given.
    public var breakdowns: [Breakdown]

    /// Computes the overall metrics and each breakdown's, a segment's rows kept in input order.
    ///
    /// - Parameter segmentations: per breakdown, its name and one key per row.
    /// - Throws: what `BinaryMetrics.init` throws, for the whole set or a segment.
    /// - Complexity: O(b · n log n) for b breakdowns of n rows.
    public init(
        scores: [Double], labels: [Bool], weights: [Double]? = nil,
        segmentations: [(name: String, keys: [String])] = [],
        topPercents: [Double] = BinaryMetrics.defaultTopPercents
    ) throws {
        overall = try BinaryMetrics(scores: scores, labels: labels, weights: weights, topPercents: topPercents)
        breakdowns = try segmentations.map { segmentation in
            precondition(segmentation.keys.count == scores.count, "one segment key per row")
            var rowsByKey: [String: [Int]] = [:]
            for (i, key) in segmentation.keys.enumerated() { rowsByKey[key, default: []].append(i) }
            let keys = rowsByKey.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let segments = try keys.map { key in
                let rows = rowsByKey[key]!
                let metrics = try BinaryMetrics(
                    scores: rows.map { scores[$0] }, labels: rows.map { labels[$0] },
                    weights: weights.map { w in rows.map { w[$0] } }, topPercents: topPercents)
                return Segment(key: key, metrics: metrics)
            }
            return Breakdown(name: segmentation.name, segments: segments)
        }
    }
}

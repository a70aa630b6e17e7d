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
    /// - Complexity: O(n log n + b · n) for b breakdowns of n rows (one ranking, filtered per segment).
    public init(
        scores: [Double], labels: [Bool], weights: [Double]? = nil,
        segmentations: [(name: String, keys: [String])] = [],
        topPercents: [Double] = BinaryMetrics.defaultTopPercents
    ) throws {
        // One ranking of all rows; a segment's ranking is that order filtered to the segment,
        // which is the segment's own ranking (ties by row index, and rows keep their order).
        let order = BinaryMetrics.ranking(scores)
        overall = try BinaryMetrics(
            scores: scores, labels: labels, weights: weights, topPercents: topPercents, order: order)
        breakdowns = try segmentations.map { segmentation in
            precondition(segmentation.keys.count == scores.count, "one segment key per row")
            var segmentOf: [String: Int] = [:]
            var rowsOf: [[Int]] = []
            var local = [Int](repeating: 0, count: scores.count)
            var code = [Int](repeating: 0, count: scores.count)
            for (i, key) in segmentation.keys.enumerated() {
                let s = segmentOf[key] ?? {
                    segmentOf[key] = rowsOf.count
                    rowsOf.append([])
                    return rowsOf.count - 1
                }()
                code[i] = s
                local[i] = rowsOf[s].count
                rowsOf[s].append(i)
            }
            var ordersOf = rowsOf.map { rows -> [Int] in
                var order: [Int] = []
                order.reserveCapacity(rows.count)
                return order
            }
            for i in order { ordersOf[code[i]].append(local[i]) }
            let keys = segmentOf.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let segments = try keys.map { key in
                let s = segmentOf[key]!
                let rows = rowsOf[s]
                let metrics = try BinaryMetrics(
                    scores: rows.map { scores[$0] }, labels: rows.map { labels[$0] },
                    weights: weights.map { w in rows.map { w[$0] } }, topPercents: topPercents, order: ordersOf[s])
                return Segment(key: key, metrics: metrics)
            }
            return Breakdown(name: segmentation.name, segments: segments)
        }
    }
}

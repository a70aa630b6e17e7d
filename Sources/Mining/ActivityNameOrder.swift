/// Ranks of activity names in code-point order, so outputs sort by name without comparing strings
/// in hot loops.
///
/// Names compare by their UTF-8 bytes, which is Unicode code-point order: the order of Python's
/// `sorted` on `str`, which the PM4Py golden files use to break ties.
enum ActivityNameOrder {
    /// `ranks[code]` is the position of `names[code]` among all names in code-point order.
    ///
    /// - Complexity: O(*a* log *a*) for *a* names.
    static func ranks(_ names: [String]) -> [Int] {
        let byName = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var ranks = [Int](repeating: 0, count: names.count)
        for (rank, code) in byName.enumerated() { ranks[code] = rank }
        return ranks
    }
}

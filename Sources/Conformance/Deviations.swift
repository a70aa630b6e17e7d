/// One row of the exception list: a case and one way it deviates from the model.
public struct Deviation: Sendable, Equatable {
    /// What kind of deviation a row is. The raw value is the `kind` column of `deviations.csv`.
    public enum Kind: String, Sendable, CaseIterable {
        /// Events of an activity that no transition of the net carries (skipped by the replay).
        case activityNotInModel = "activity_not_in_model"
        /// An activity whose transition was not enabled: it fired only after tokens were
        /// inserted.
        case activityNotEnabled = "activity_not_enabled"
        /// Tokens inserted into a place (to fire a transition, or because the final marking
        /// was not reached).
        case missingTokens = "missing_tokens"
        /// Tokens left in a place at the end, beyond the final marking.
        case remainingTokens = "remaining_tokens"
    }

    /// The case, by index in the log.
    public var caseIndex: Int
    public var kind: Kind
    /// The place name (token kinds) or activity name (activity kinds).
    public var subject: String
    /// Tokens (token kinds) or events (activity kinds).
    public var count: Int

    public init(caseIndex: Int, kind: Kind, subject: String, count: Int) {
        self.caseIndex = caseIndex
        self.kind = kind
        self.subject = subject
        self.count = count
    }
}

extension TokenReplay {
    /// The deviations of one variant, in the order of `Deviation.Kind`, then by name.
    ///
    /// - Complexity: O(*m* log *m*) for *m* deviations.
    func deviations(ofVariant v: Int) -> [(kind: Deviation.Kind, subject: String, count: Int)] {
        let r = variants[v]
        var rows: [(kind: Deviation.Kind, subject: String, count: Int)] = []
        func sorted(_ items: [(String, Int)]) -> [(String, Int)] {
            items.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        }
        for (name, n) in sorted(unknownActivities[v].map { (activityNames[$0.index], $0.count) }) {
            rows.append((kind: .activityNotInModel, subject: name, count: n))
        }
        var forced: [String: Int] = [:]
        for f in r.forcedTransitions {
            let transition = net.transitions[f.index]
            forced[transition.label ?? transition.name, default: 0] += f.count
        }
        for (name, n) in sorted(forced.map { ($0.key, $0.value) }) {
            rows.append((kind: .activityNotEnabled, subject: name, count: n))
        }
        for (name, n) in sorted(r.missingTokens.map { (net.places[$0.index].name, $0.count) }) {
            rows.append((kind: .missingTokens, subject: name, count: n))
        }
        for (name, n) in sorted(r.remainingTokens.map { (net.places[$0.index].name, $0.count) }) {
            rows.append((kind: .remainingTokens, subject: name, count: n))
        }
        return rows
    }

    /// The exception list: one row per case and deviation, cases in log order, then kinds in
    /// the order of `Deviation.Kind`, then place or activity name (code-point order). Fitting
    /// cases with no unknown activity have no rows.
    ///
    /// - Complexity: O(*cases* + rows), with each variant's rows built once.
    public func deviations() -> [Deviation] {
        let perVariant = variants.indices.map { deviations(ofVariant: $0) }
        var result: [Deviation] = []
        for c in 0..<caseCount {
            for row in perVariant[Int(variantOfCase[c])] {
                result.append(Deviation(caseIndex: c, kind: row.kind, subject: row.subject, count: row.count))
            }
        }
        return result
    }
}

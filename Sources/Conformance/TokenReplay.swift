import Mining
import Storage

/// Token-based replay of a whole log on a Petri net: per-case results, the log's fitness as
/// PM4Py computes it, and totals per place and per activity for the deviation report.
///
/// Each distinct activity sequence (variant) is replayed once by `TokenReplayer` and its
/// result shared by its cases, as PM4Py does (`apply_log` groups traces by variant).
///
/// The log figures are PM4Py's `fitness_token_based_replay`:
/// - `logFitness` = ½(1 − Σmissing/Σconsumed) + ½(1 − Σremaining/Σproduced) over all cases;
/// - `averageTraceFitness`, the mean of the cases' fitness;
/// - `percentageOfFittingTraces`, 100 × fitting cases / cases.
/// All three are 0 when the log is empty or nothing was consumed or produced, as in PM4Py.
///
/// Activities that no transition carries are skipped by the replay (PM4Py's default,
/// `consider_activities_not_in_model_in_fitness` off) and listed in `unknownActivities`.
public struct TokenReplay: Sendable {
    /// The net replayed on.
    public var net: PetriNet
    /// The log's case type, activity names (by code) and case ids.
    public var caseType: String
    public var activityNames: [String]
    public var caseIDs: [String]
    /// Per case: the index of its variant in `variants`.
    public var variantOfCase: [Int32]
    /// Per variant (ranked as `Mining.VariantTable` ranks them): the replay of its sequence.
    public var variants: [TraceReplay]
    /// Per variant: the number of its cases.
    public var variantCases: [Int]
    /// Per variant: its activity codes, in order.
    public var variantSequences: [[Int32]]
    /// Per variant: activities not in the net, as (activity code, events), by code.
    public var unknownActivities: [[TraceReplay.Count]]
    /// True when the net's replay does not depend on PM4Py's set orders (see
    /// `TokenReplayer.isReplayDeterministic`).
    public var isReplayDeterministic: Bool

    public var consumed = 0
    public var produced = 0
    public var missing = 0
    public var remaining = 0
    public var fittingCases = 0
    public var logFitness = 0.0
    public var averageTraceFitness = 0.0
    public var percentageOfFittingTraces = 0.0

    /// Replays every case of `log` on `net`.
    ///
    /// - Complexity: O(*events*) to group the cases into variants (`VariantTable`), then one
    ///   `TokenReplayer.replay` per variant: O(*v* · *k* · *d*) for *v* variants of up to *k*
    ///   events on fitting paths with presets of size *d*; then O(*cases*) to total. A log of
    ///   100,000 orders has a few hundred variants, so grouping dominates.
    public init(log: ColumnarLog, net: PetriNet) {
        let replayer = TokenReplayer(net: net)
        let table = VariantTable(log: log)
        let labelOfActivity = log.activityNames.map { replayer.label(of: $0) ?? -1 }
        self.net = net
        caseType = log.caseType
        activityNames = log.activityNames
        caseIDs = log.caseIDs
        variantOfCase = table.variantOfCase
        variantCases = table.variants.map(\.cases)
        variantSequences = table.variants.map(\.activities)
        isReplayDeterministic = replayer.isReplayDeterministic
        variants = table.variants.map { v in replayer.replay(v.activities.lazy.map { labelOfActivity[Int($0)] }) }
        unknownActivities = table.variants.map { v in
            var counts: [Int: Int] = [:]
            for a in v.activities where labelOfActivity[Int(a)] < 0 { counts[Int(a), default: 0] += 1 }
            return counts.keys.sorted().map { TraceReplay.Count(index: $0, count: counts[$0]!) }
        }
        var fitnessSum = 0.0
        for (v, r) in variants.enumerated() {
            let n = variantCases[v]
            consumed += n * r.consumed
            produced += n * r.produced
            missing += n * r.missing
            remaining += n * r.remaining
            if r.isFit { fittingCases += n }
            fitnessSum += Double(n) * r.fitness
        }
        if caseIDs.count > 0 && consumed > 0 && produced > 0 {
            percentageOfFittingTraces = 100.0 * Double(fittingCases) / Double(caseIDs.count)
            averageTraceFitness = fitnessSum / Double(caseIDs.count)
            logFitness =
                0.5 * (1 - Double(missing) / Double(consumed)) + 0.5 * (1 - Double(remaining) / Double(produced))
        }
    }

    /// The replay of case `c`.
    public func result(ofCase c: Int) -> TraceReplay { variants[Int(variantOfCase[c])] }

    /// The number of cases.
    public var caseCount: Int { caseIDs.count }
}

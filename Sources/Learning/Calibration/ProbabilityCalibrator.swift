/// The calibration applied to a model's probabilities: Platt scaling, or isotonic regression when
/// the validation window is large enough to support it.
///
/// The rule (`choose`): isotonic when the validation window has at least `isotonicMinimumRows`
/// rows (1,000) with at least `isotonicMinimumPerClass` (50) positive rows and as many negative
/// rows; Platt scaling otherwise. Isotonic regression is free-form and overfits small windows
/// (scikit-learn's user guide warns below about 1,000 samples); the two-parameter sigmoid does not,
/// but it cannot bend. Counts are rows, not weights, since overfitting follows the rows.
public struct ProbabilityCalibrator: Sendable, Codable, Equatable {
    /// Which calibration is applied.
    public enum Method: String, Sendable, Codable, Equatable {
        case platt
        case isotonic
    }

    /// The fewest validation rows for isotonic regression.
    public static let isotonicMinimumRows = 1_000
    /// The fewest positive (and negative) validation rows for isotonic regression.
    public static let isotonicMinimumPerClass = 50

    /// The method in use.
    public var method: Method
    /// The sigmoid, when `method` is `.platt`.
    public var platt: PlattScaling?
    /// The step function, when `method` is `.isotonic`.
    public var isotonic: IsotonicCalibration?

    /// The method the rule picks for a validation window.
    ///
    /// - Complexity: O(n).
    public static func choose(labels: [Bool]) -> Method {
        let positives = labels.lazy.filter { $0 }.count
        let negatives = labels.count - positives
        return labels.count >= isotonicMinimumRows && positives >= isotonicMinimumPerClass
            && negatives >= isotonicMinimumPerClass ? .isotonic : .platt
    }

    /// Fits the calibration on the validation window's scores, with `method` or the rule's choice.
    ///
    /// - Throws: what `PlattScaling` or `IsotonicCalibration` throw.
    /// - Complexity: O(n log n).
    public init(fitting scores: [Double], labels: [Bool], weights: [Double]? = nil, method: Method? = nil) throws {
        let chosen = method ?? Self.choose(labels: labels)
        self.method = chosen
        switch chosen {
        case .platt: platt = try PlattScaling(fitting: scores, labels: labels, weights: weights)
        case .isotonic: isotonic = try IsotonicCalibration(fitting: scores, labels: labels, weights: weights)
        }
    }

    /// The calibrated probability of a score.
    ///
    /// - Complexity: O(1) for Platt, O(log thresholds) for isotonic.
    public func calibrate(_ score: Double) -> Double {
        switch method {
        case .platt: platt!.calibrate(score)
        case .isotonic: isotonic!.calibrate(score)
        }
    }

    /// Calibrated probabilities of many scores.
    ///
    /// - Complexity: O(n) calibrations.
    public func calibrate(_ scores: [Double]) -> [Double] { scores.map { calibrate($0) } }

    /// Checks the invariants: exactly the chosen method's parameters are present.
    ///
    /// - Complexity: O(thresholds).
    public func checkInvariants() {
        switch method {
        case .platt: precondition(platt != nil && isotonic == nil)
        case .isotonic:
            precondition(platt == nil && isotonic != nil)
            isotonic!.checkInvariants()
        }
    }
}

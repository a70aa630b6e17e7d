#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Platt scaling: a sigmoid of the score's log-odds, `p' = 1 / (1 + exp(a·logit(p) + b))`, fitted
/// on held-out rows.
///
/// Follows Platt (2000), "Probabilistic outputs for support vector machines", as scikit-learn's
/// `_sigmoid_calibration` does (the sign convention included): the targets are smoothed to
/// `(N₊ + 1)/(N₊ + 2)` for positives and `1/(N₋ + 2)` for negatives (N the weighted class
/// totals), the start is `a = 0, b = log((N₋ + 1)/(N₊ + 1))`, and the weighted cross-entropy is
/// minimised. The input is the logit of the probability, as `CalibratedClassifierCV` feeds a
/// classifier's decision function. Where scikit-learn stops L-BFGS at a gradient of 1e-6, this
/// runs Newton's method to a gradient of 1e-12 (relative to the total weight), so it reaches the
/// exact optimum; the two agree to about 1e-6 in probability.
public struct PlattScaling: Sendable, Codable, Equatable {
    /// The slope on the logit (negative when the scores rank correctly).
    public var a: Double
    /// The offset.
    public var b: Double

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// Fits `a` and `b` on validation scores.
    ///
    /// - Throws: `LearningError.invalidData` when a class has no weight or a score is outside
    ///   [0, 1]; `.numericalFailure` when Newton's method does not converge.
    /// - Complexity: O(n) a Newton iteration, a few dozen iterations at most.
    public init(fitting scores: [Double], labels: [Bool], weights: [Double]? = nil) throws {
        precondition(scores.count == labels.count && (weights?.count ?? scores.count) == scores.count)
        let w = weights ?? Array(repeating: 1, count: scores.count)
        var negative = 0.0, positive = 0.0
        for (i, s) in scores.enumerated() {
            guard s >= 0 && s <= 1, w[i].isFinite, w[i] >= 0 else {
                throw LearningError(.invalidData, "row \(i): a score outside [0, 1] or a bad weight")
            }
            if labels[i] { positive += w[i] } else { negative += w[i] }
        }
        guard positive > 0, negative > 0 else {
            throw LearningError(.invalidData, "Platt scaling needs both classes among the validation rows")
        }
        let f = scores.map(Self.logit)
        let high = (positive + 1) / (positive + 2), low = 1 / (negative + 2)
        let t = labels.map { $0 ? high : low }
        func loss(_ a: Double, _ b: Double) -> Double {
            var sum = 0.0
            for i in 0..<f.count where w[i] != 0 {
                let z = -(a * f[i] + b)  // the log-odds of the positive class
                let softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
                sum += w[i] * (softplus - t[i] * z)
            }
            return sum
        }
        var a = 0.0, b = log((negative + 1) / (positive + 1))
        var current = loss(a, b)
        let total = positive + negative
        for _ in 0..<100 {
            // Gradient and Hessian in (a, b) of the loss.
            var ga = 0.0, gb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0
            for i in 0..<f.count {
                let q = LogisticRegression.sigmoid(-(a * f[i] + b))
                let r = w[i] * (t[i] - q)  // d loss / d(a f + b)
                ga += r * f[i]
                gb += r
                let h = w[i] * q * (1 - q)
                haa += h * f[i] * f[i]
                hab += h * f[i]
                hbb += h
            }
            if max(abs(ga), abs(gb)) <= 1e-12 * total {
                self.a = a
                self.b = b
                return
            }
            let det = haa * hbb - hab * hab
            guard det > 0 else { break }
            let da = -(hbb * ga - hab * gb) / det
            let db = -(haa * gb - hab * ga) / det
            var step = 1.0
            var moved = false
            for _ in 0..<40 {
                let trial = loss(a + step * da, b + step * db)
                if trial <= current + 1e-4 * step * (ga * da + gb * db) + 1e-13 * abs(current) {
                    a += step * da
                    b += step * db
                    current = trial
                    moved = true
                    break
                }
                step *= 0.5
            }
            if !moved { break }
        }
        throw LearningError(.numericalFailure, "Platt scaling did not converge")
    }

    /// The calibrated probability of a score.
    ///
    /// - Complexity: O(1).
    public func calibrate(_ score: Double) -> Double {
        LogisticRegression.sigmoid(-(a * Self.logit(score) + b))
    }

    /// `log(p / (1 − p))`, p clipped to `[ε, 1 − ε]` (ε the machine epsilon) so 0 and 1 stay finite.
    static func logit(_ p: Double) -> Double {
        let c = min(max(p, Double.ulpOfOne), 1 - Double.ulpOfOne)
        return log(c / (1 - c))
    }
}

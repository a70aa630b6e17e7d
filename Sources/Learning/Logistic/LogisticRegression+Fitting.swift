import CBLAS
import CLAPACKE

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension LogisticRegression {
    /// How a logistic regression is fitted.
    public struct FitOptions: Sendable, Codable, Equatable {
        /// The inverse L2 strength, scikit-learn's `C`: the objective is
        /// `Σ wᵢ·logloss(yᵢ, ηᵢ) + ‖β‖² / (2C)` over the non-intercept coefficients `β`.
        public var inverseRegularization: Double
        /// Stop when every component of the gradient of the mean objective (the objective divided
        /// by the total weight, as scikit-learn scales it) is at most this in absolute value.
        public var tolerance: Double
        /// The most Newton steps to take.
        public var maxIterations: Int

        public init(inverseRegularization: Double = 1, tolerance: Double = 1e-10, maxIterations: Int = 100) {
            self.inverseRegularization = inverseRegularization
            self.tolerance = tolerance
            self.maxIterations = maxIterations
        }
    }

    /// Fits an L2-regularised logistic regression by Newton's method (iteratively reweighted
    /// least squares), to the optimum of scikit-learn's `LogisticRegression(solver="newton-cholesky")`.
    ///
    /// The encoder (standardisation, imputation, one-hot; see `LogisticEncoder`) is fitted on the
    /// rows first. Each Newton step forms the Hessian `Zᵀ diag(wᵢ pᵢ (1 − pᵢ)) Z + I/C` with BLAS
    /// `dsyrk` over blocks of rows, solves for the step with LAPACK's Cholesky solver `dposv`, and
    /// backtracks (Armijo) when the full step does not lower the objective. The intercept is the
    /// design's last column, left out of the penalty.
    ///
    /// - Throws: `LearningError.invalidData` (no rows, one class only, no positive weight, bad
    ///   values), `.invalidOption` (C or the tolerance not positive), `.numericalFailure` (the
    ///   Hessian is not positive definite).
    /// - Complexity: O(iterations × rows × columns²) for the Hessians, columns the design's width.
    public static func fit(_ table: TrainingTable, options: FitOptions = .init()) throws -> LogisticRegression {
        let c = options.inverseRegularization
        guard c.isFinite, c > 0 else {
            throw LearningError(.invalidOption, "C (the inverse regularisation) must be a positive number, not \(c)")
        }
        guard options.tolerance > 0, options.maxIterations >= 0 else {
            throw LearningError(.invalidOption, "the tolerance must be positive and the iterations at least 0")
        }
        guard table.matrix.rowCount > 0 else { throw LearningError(.invalidData, "no training rows") }
        guard table.weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw LearningError(.invalidData, "sample weights must be finite and at least 0")
        }
        var positive = 0.0, negative = 0.0
        for (y, w) in zip(table.labels, table.weights) {
            if y { positive += w } else { negative += w }
        }
        guard positive > 0, negative > 0 else {
            throw LearningError(.invalidData, "the training rows need both classes with a positive weight")
        }
        let encoder = try LogisticEncoder(fitting: table.matrix, weights: table.weights)
        let columns = encoder.width + 1
        let design = encoder.design(table.matrix)
        let solution = try newton(
            design: design, rows: table.matrix.rowCount, columns: columns, labels: table.labels,
            weights: table.weights, options: options)
        return LogisticRegression(
            features: table.matrix.features, encoder: encoder, coefficients: Array(solution.beta.dropLast()),
            intercept: solution.beta[columns - 1], inverseRegularization: c, iterations: solution.iterations,
            gradientNorm: solution.gradientNorm)
    }

    /// Newton's method on a column-major design `rows × columns` whose last column is the
    /// (unpenalised) intercept.
    ///
    /// - Complexity: O(iterations × rows × columns²).
    static func newton(
        design z: [Double], rows n: Int, columns q: Int, labels: [Bool], weights: [Double], options: FitOptions
    ) throws -> (beta: [Double], iterations: Int, gradientNorm: Double) {
        precondition(z.count == n * q && labels.count == n && weights.count == n)
        let lambda = 1 / options.inverseRegularization
        let totalWeight = weights.reduce(0, +)
        let y = labels.map { $0 ? 1.0 : 0.0 }
        var beta = [Double](repeating: 0, count: q)
        var eta = [Double](repeating: 0, count: n)
        var objective = Self.objective(eta: eta, beta: beta, y: y, weights: weights, lambda: lambda)
        var residual = [Double](repeating: 0, count: n)
        var curvature = [Double](repeating: 0, count: n)
        var gradient = [Double](repeating: 0, count: q)
        var hessian = [Double](repeating: 0, count: q * q)
        var step = [Double](repeating: 0, count: q)
        var direction = [Double](repeating: 0, count: n)
        var trialEta = [Double](repeating: 0, count: n)
        let blockRows = max(1, min(n, 4096))
        var block = [Double](repeating: 0, count: blockRows * q)
        var iterations = 0
        var gradientNorm = Double.infinity
        while true {
            for i in 0..<n {
                let p = sigmoid(eta[i])
                residual[i] = weights[i] * (p - y[i])
                curvature[i] = (weights[i] * p * (1 - p)).squareRoot()
            }
            z.withUnsafeBufferPointer { zp in
                cblas_dgemv(
                    CblasColMajor, CblasTrans, Int32(n), Int32(q), 1, zp.baseAddress, Int32(n), residual, 1, 0,
                    &gradient, 1)
            }
            for k in 0..<(q - 1) { gradient[k] += lambda * beta[k] }
            gradientNorm = gradient.reduce(0) { max($0, abs($1)) } / totalWeight
            if gradientNorm <= options.tolerance || iterations >= options.maxIterations { break }
            iterations += 1

            // The Hessian's upper triangle, accumulated block by block of √(wp(1−p))-scaled rows.
            for k in 0..<(q * q) { hessian[k] = 0 }
            z.withUnsafeBufferPointer { zp in
                var start = 0
                while start < n {
                    let b = min(blockRows, n - start)
                    for k in 0..<q {
                        let source = k * n + start
                        let target = k * b
                        for i in 0..<b { block[target + i] = curvature[start + i] * zp[source + i] }
                    }
                    cblas_dsyrk(
                        CblasColMajor, CblasUpper, CblasTrans, Int32(q), Int32(b), 1, block, Int32(b), 1, &hessian,
                        Int32(q))
                    start += b
                }
            }
            for k in 0..<(q - 1) { hessian[k * q + k] += lambda }
            for k in 0..<q { step[k] = -gradient[k] }
            let info = LAPACKE_dposv(
                LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(q), 1, &hessian, Int32(q), &step, Int32(q))
            guard info == 0 else {
                throw LearningError(
                    .numericalFailure,
                    "the Hessian is not positive definite (LAPACK dposv info \(info)); check for constant or duplicated features")
            }
            z.withUnsafeBufferPointer { zp in
                cblas_dgemv(
                    CblasColMajor, CblasNoTrans, Int32(n), Int32(q), 1, zp.baseAddress, Int32(n), step, 1, 0,
                    &direction, 1)
            }
            // Armijo backtracking; the slack absorbs rounding in the sum once the steps are tiny.
            var slope = 0.0
            for k in 0..<q { slope += gradient[k] * step[k] }
            let slack = 1e-12 * abs(objective)
            var t = 1.0
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { trialEta[i] = eta[i] + t * direction[i] }
                let trialBeta = zip(beta, step).map { $0 + t * $1 }
                let trial = Self.objective(eta: trialEta, beta: trialBeta, y: y, weights: weights, lambda: lambda)
                if trial <= objective + 1e-4 * t * slope + slack {
                    swap(&eta, &trialEta)
                    beta = trialBeta
                    objective = trial
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted { break }
        }
        return (beta, iterations, gradientNorm)
    }

    /// `Σ wᵢ (log(1 + e^ηᵢ) − yᵢ ηᵢ) + λ/2 ‖β without the intercept‖²`.
    ///
    /// - Complexity: O(rows + columns).
    static func objective(eta: [Double], beta: [Double], y: [Double], weights: [Double], lambda: Double) -> Double {
        var loss = 0.0
        for i in 0..<eta.count where weights[i] != 0 {
            let e = eta[i]
            let softplus = e > 0 ? e + log1p(exp(-e)) : log1p(exp(e))
            loss += weights[i] * (softplus - y[i] * e)
        }
        var penalty = 0.0
        for k in 0..<(beta.count - 1) { penalty += beta[k] * beta[k] }
        return loss + 0.5 * lambda * penalty
    }
}

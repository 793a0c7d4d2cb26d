import Foundation

/// A linear probe p(true | x) = σ(w·x + b), ITI's per-head classifier.
///
/// Fitted by Newton's method (IRLS) on the raw, unstandardised features, minimising
///     Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (l2 / 2)·‖w‖²,   zᵢ = w·xᵢ + b,
/// with the bias unpenalised. That is scikit-learn's `LogisticRegression(C = 1 / l2)`, which
/// ITI's released code uses on raw activations; keeping the same objective (not a
/// standardised one) keeps probe accuracies comparable with theirs. Newton in Double with a
/// Cholesky solve and Armijo backtracking is deterministic (no random init, no mini-batches)
/// and converges in a handful of steps for the ~64-value heads it is used on.
public struct LogisticProbe: Sendable, Codable, Equatable {
    public let weights: [Float]
    public let bias: Float
    public let l2: Float
    /// Newton steps taken before the gradient vanished or `iterations` ran out.
    public let steps: Int

    public init(weights: [Float], bias: Float, l2: Float = 0, steps: Int = 0) {
        self.weights = weights
        self.bias = bias
        self.l2 = l2
        self.steps = steps
    }

    public static func fit(features: [[Float]], labels: [Bool], l2: Float = 1, iterations: Int = 50) throws -> LogisticProbe {
        guard !features.isEmpty, features.count == labels.count else {
            throw FittingError.shapeMismatch(
                "a probe needs one label per example, got \(features.count) examples and \(labels.count) labels")
        }
        let d = features[0].count
        guard d > 0, features.allSatisfy({ $0.count == d }) else {
            throw FittingError.shapeMismatch("probe examples must all have the same positive number of features")
        }
        guard l2 >= 0, l2.isFinite else {
            throw FittingError.invalidArgument("the probe's L2 penalty is \(l2); choose a finite value ≥ 0")
        }
        guard iterations > 0 else {
            throw FittingError.invalidArgument("the probe needs at least one Newton iteration, got \(iterations)")
        }
        let x = features.map { $0.map(Double.init) }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let lambda = Double(l2)
        var theta = [Double](repeating: 0, count: d + 1)  // weights, then bias
        var loss = objective(theta, x, y, lambda)
        var steps = 0
        while steps < iterations {
            let (gradient, hessian) = derivatives(theta, x, y, lambda)
            // Converged: the gradient is at rounding level for sums of n terms.
            if gradient.map(abs).max()! <= 1e-10 * Double(x.count) { break }
            let direction = solve(hessian, gradient)
            let slope = zip(gradient, direction).reduce(0) { $0 + $1.0 * $1.1 }
            var t = 1.0
            var candidate = theta
            var candidateLoss = loss
            for _ in 0..<40 {
                candidate = zip(theta, direction).map { $0 - t * $1 }
                candidateLoss = objective(candidate, x, y, lambda)
                if candidateLoss <= loss - 1e-4 * t * slope { break }
                t /= 2
            }
            steps += 1
            guard candidateLoss < loss else { break }  // no further progress possible in Double
            theta = candidate
            loss = candidateLoss
        }
        return LogisticProbe(weights: theta.prefix(d).map { Float($0) }, bias: Float(theta[d]), l2: l2, steps: steps)
    }

    public func logit(_ features: [Float]) -> Float {
        var z = Double(bias)
        for (w, v) in zip(weights, features) { z += Double(w) * Double(v) }
        return Float(z)
    }

    /// Predicts "true" where p > 0.5 (a logit of exactly 0 counts as false, as scikit-learn's does).
    public func predict(_ features: [Float]) -> Bool { logit(features) > 0 }

    /// Fraction of examples classified correctly.
    public func accuracy(features: [[Float]], labels: [Bool]) throws -> Double {
        guard !features.isEmpty, features.count == labels.count else {
            throw FittingError.shapeMismatch(
                "accuracy needs one label per example, got \(features.count) examples and \(labels.count) labels")
        }
        guard features.allSatisfy({ $0.count == weights.count }) else {
            throw FittingError.shapeMismatch("the probe was fitted on \(weights.count) features; every example must have that many")
        }
        let correct = zip(features, labels).filter { predict($0) == $1 }.count
        return Double(correct) / Double(features.count)
    }

    // MARK: Newton internals (Double throughout)

    private static func logOnePlusExp(_ z: Double) -> Double {
        z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
    }

    private static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    private static func objective(_ theta: [Double], _ x: [[Double]], _ y: [Double], _ lambda: Double) -> Double {
        let d = theta.count - 1
        var total = 0.0
        for (row, label) in zip(x, y) {
            var z = theta[d]
            for j in 0..<d { z += theta[j] * row[j] }
            total += logOnePlusExp(z) - label * z
        }
        var norm = 0.0
        for j in 0..<d { norm += theta[j] * theta[j] }
        return total + lambda / 2 * norm
    }

    private static func derivatives(_ theta: [Double], _ x: [[Double]], _ y: [Double], _ lambda: Double)
        -> (gradient: [Double], hessian: [Double])
    {
        let d = theta.count - 1
        let m = d + 1
        var gradient = [Double](repeating: 0, count: m)
        var hessian = [Double](repeating: 0, count: m * m)
        var augmented = [Double](repeating: 1, count: m)
        for (row, label) in zip(x, y) {
            for j in 0..<d { augmented[j] = row[j] }
            var z = theta[d]
            for j in 0..<d { z += theta[j] * row[j] }
            let p = sigmoid(z)
            let weight = p * (1 - p)
            for a in 0..<m {
                gradient[a] += (p - label) * augmented[a]
                let wa = weight * augmented[a]
                for b in a..<m { hessian[a * m + b] += wa * augmented[b] }
            }
        }
        for j in 0..<d {
            gradient[j] += lambda * theta[j]
            hessian[j * m + j] += lambda
        }
        for a in 0..<m { for b in 0..<a { hessian[a * m + b] = hessian[b * m + a] } }
        return (gradient, hessian)
    }

    /// Solves H·s = g by Cholesky. Saturated probabilities (separable data, no penalty) make
    /// H singular; a growing ridge then keeps the step finite and the result deterministic.
    private static func solve(_ hessian: [Double], _ gradient: [Double]) -> [Double] {
        let m = gradient.count
        let scale = max((0..<m).map { hessian[$0 * m + $0] }.max() ?? 1, 1e-300)
        var ridge = 0.0
        while true {
            if let l = cholesky(hessian, m, ridge) {
                var z = gradient
                for i in 0..<m {
                    for k in 0..<i { z[i] -= l[i * m + k] * z[k] }
                    z[i] /= l[i * m + i]
                }
                for i in stride(from: m - 1, through: 0, by: -1) {
                    for k in (i + 1)..<m { z[i] -= l[k * m + i] * z[k] }
                    z[i] /= l[i * m + i]
                }
                return z
            }
            ridge = ridge == 0 ? scale * 1e-12 : ridge * 10
        }
    }

    private static func cholesky(_ a: [Double], _ m: Int, _ ridge: Double) -> [Double]? {
        var l = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0...i {
                var sum = a[i * m + j] + (i == j ? ridge : 0)
                for k in 0..<j { sum -= l[i * m + k] * l[j * m + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i * m + i] = sum.squareRoot()
                } else {
                    l[i * m + j] = sum / l[j * m + j]
                }
            }
        }
        return l
    }
}

import Foundation

/// Binary logistic regression with an L2 penalty, fitted by Newton's method (IRLS):
///
///     minimise  Σᵢ log(1 + exp(−yᵢ·(w·xᵢ + b))) + (λ/2)·‖w‖²        yᵢ ∈ {−1, +1}
///
/// The intercept b is not penalised. Each step solves (XᵀSX + λI)·Δ = gradient by Cholesky in
/// Double; the loss is convex, so the steps converge from w = 0 in a handful of iterations
/// and the result depends only on the data and λ (no random start, no learning rate).
public struct LogisticRegression: Sendable, Equatable {
    public let weights: [Double]
    public let bias: Double
    public let penalty: Double

    public init(weights: [Double], bias: Double, penalty: Double) {
        self.weights = weights
        self.bias = bias
        self.penalty = penalty
    }

    /// w·x + b.
    public func logit(_ x: [Float]) -> Double {
        var sum = bias
        for i in weights.indices { sum += weights[i] * Double(x[i]) }
        return sum
    }

    /// The probability of the positive class.
    public func probability(_ x: [Float]) -> Double { Self.sigmoid(logit(x)) }

    public static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }

    /// Fits on `features` (rows of equal width) with `labels` (true = positive). Refuses an
    /// empty set, rows of other widths, one class only and a penalty that is not positive.
    public static func fit(features: [[Float]], labels: [Bool], penalty: Double, iterations: Int = 50) throws -> LogisticRegression {
        guard !features.isEmpty, features.count == labels.count else {
            throw HarnessError.invalidInput(
                "logistic regression needs one label per feature row (got \(features.count) rows, \(labels.count) labels)")
        }
        guard labels.contains(true), labels.contains(false) else {
            throw HarnessError.invalidInput("logistic regression needs examples of both classes")
        }
        guard penalty > 0, penalty.isFinite else { throw HarnessError.invalidInput("the L2 penalty must be positive, got \(penalty)") }
        let d = features[0].count
        guard features.allSatisfy({ $0.count == d }) else { throw HarnessError.invalidInput("feature rows differ in width") }
        let n = d + 1  // the last coordinate is the bias
        var theta = [Double](repeating: 0, count: n)
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: n)
            var hessian = [Double](repeating: 0, count: n * n)
            var row = [Double](repeating: 1, count: n)
            for (x, y) in zip(features, labels) {
                for i in 0..<d { row[i] = Double(x[i]) }
                var z = theta[d]
                for i in 0..<d { z += theta[i] * row[i] }
                let p = sigmoid(z)
                let residual = p - (y ? 1 : 0)
                let weight = max(p * (1 - p), 1e-12)
                for i in 0..<n {
                    gradient[i] += residual * row[i]
                    let wi = weight * row[i]
                    // Lower triangle only; mirrored below.
                    for j in 0...i { hessian[i * n + j] += wi * row[j] }
                }
            }
            for i in 0..<d {
                gradient[i] += penalty * theta[i]
                hessian[i * n + i] += penalty
            }
            hessian[d * n + d] += 1e-9  // keeps the bias direction positive definite on separable data
            for i in 0..<n { for j in 0..<i { hessian[j * n + i] = hessian[i * n + j] } }
            let step = try CholeskySolver.solve(hessian, gradient, size: n)
            var largest = 0.0
            for i in 0..<n {
                theta[i] -= step[i]
                largest = max(largest, abs(step[i]))
            }
            if largest < 1e-10 { break }
        }
        guard theta.allSatisfy(\.isFinite) else {
            throw HarnessError.invalidInput("logistic regression diverged (penalty \(penalty)); use a larger penalty")
        }
        return LogisticRegression(weights: Array(theta[0..<d]), bias: theta[d], penalty: penalty)
    }
}

/// Solves A·x = b for a symmetric positive definite A (row-major, size × size) by Cholesky.
enum CholeskySolver {
    static func solve(_ a: [Double], _ b: [Double], size n: Int) throws -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else {
                        throw HarnessError.invalidInput("the Newton system is not positive definite; use a larger penalty")
                    }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}

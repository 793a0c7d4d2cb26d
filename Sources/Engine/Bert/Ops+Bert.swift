import Foundation

/// The element-wise pieces BERT adds to `Ops`.
extension Ops {
    /// In place exact GELU, ½x(1 + erf(x/√2)), over `rows` rows of `width` values (transformers'
    /// "gelu", PyTorch's default), with `VectorMath.erf` (within 6e-7 of erf).
    static func geluErf(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, threads: Int) {
        let xs = UncheckedSendable(x)
        let inverseRoot2 = Float(1 / 2.0.squareRoot())
        Parallel.forRanges(rows, threads: threads, grain: 4) { _, range in
            let row = xs.value + range.lowerBound * width
            for i in 0..<(range.count * width) {
                let v = row[i]
                row[i] = 0.5 * v * (1 + VectorMath.erf(v * inverseRoot2))
            }
        }
    }

    /// Softmax of each of `rows` score rows over the keys `visible` marks (1); the others get
    /// weight 0, as adding transformers' most negative float to their scores gives.
    static func softmax(
        _ scores: UnsafeMutablePointer<Float>, rows: Int, width: Int, visible: UnsafePointer<Int32>
    ) {
        for r in 0..<rows {
            let row = scores + r * width
            var maximum = -Float.infinity
            for j in 0..<width where visible[j] != 0 { maximum = max(maximum, row[j]) }
            var sum: Float = 0
            for j in 0..<width {
                let e = visible[j] != 0 ? VectorMath.exp(row[j] - maximum) : 0
                row[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0..<width { row[j] *= inverse }
        }
    }

    /// y[i] = tanh(y[i]) for `count` values (BERT's pooler).
    static func tanh(_ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = Foundation.tanh(y[i]) }
    }
}

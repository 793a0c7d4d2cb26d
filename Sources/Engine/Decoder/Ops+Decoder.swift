import Foundation

/// The element-wise pieces the LayerNorm-family decoders (GPT-2, BLOOM, Falcon) add to `Ops`.
extension Ops {
    /// y = (x − mean(x)) / sqrt(var(x) + eps) · weight + bias, row by row (may run in place).
    static func layerNorm(
        _ x: UnsafePointer<Float>, rows: Int, width: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        epsilon: Float, into y: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let xs = UncheckedSendable(x), ys = UncheckedSendable(y)
        let ws = UncheckedSendable(weight), bs = UncheckedSendable(bias)
        Parallel.forRanges(rows, threads: threads, grain: 32) { _, range in
            for r in range {
                let xr = xs.value + r * width, yr = ys.value + r * width
                var sum: Double = 0
                for i in 0..<width { sum += Double(xr[i]) }
                let mean = sum / Double(width)
                var squares: Double = 0
                for i in 0..<width {
                    let d = Double(xr[i]) - mean
                    squares += d * d
                }
                let scale = 1 / (squares / Double(width) + Double(epsilon)).squareRoot()
                for i in 0..<width {
                    yr[i] = Float((Double(xr[i]) - mean) * scale) * ws.value[i] + bs.value[i]
                }
            }
        }
    }

    /// In place GELU, tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (GPT-2's gelu_new, BLOOM's gelu).
    static func geluTanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let c = Float((2 / Double.pi).squareRoot())
        for i in 0..<count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v)))
        }
    }

    /// In place exact GELU: ½x(1 + erf(x/√2)) (PyTorch's default, Falcon's "gelu").
    static func geluErf(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = Double(x[i])
            x[i] = Float(0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot())))
        }
    }
}

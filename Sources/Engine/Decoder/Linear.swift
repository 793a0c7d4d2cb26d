/// y = x·Wᵀ + b: a linear layer with an optional bias.
struct Linear {
    let weight: WeightMatrix
    let bias: [Float]?

    var outputs: Int { weight.rows }

    /// Writes `rows` outputs to `y` (`outputs` floats a row).
    func callAsFunction(_ x: UnsafePointer<Float>, rows m: Int, into y: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
        let s = pass.scratch
        weight.multiply(x, m: m, into: y, scratch: s.weights, shared: s.sharedWeights, threads: pass.threads)
        if let bias {
            bias.withUnsafeBufferPointer { Ops.addBias($0.baseAddress!, to: y, rows: m, width: outputs, stride: outputs) }
        }
    }
}

/// LayerNorm with a weight and a bias.
struct LayerNorm {
    let weight: [Float]
    let bias: [Float]
    let epsilon: Float

    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                Ops.layerNorm(
                    x, rows: rows, width: weight.count, weight: w.baseAddress!, bias: b.baseAddress!, epsilon: epsilon, into: y,
                    threads: pass.threads)
            }
        }
    }
}

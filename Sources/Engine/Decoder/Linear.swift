/// y = x·Wᵀ + b: a linear layer with an optional bias.
struct Linear {
    let weight: WeightMatrix
    let bias: [Float]?

    var outputs: Int { weight.rows }

    /// Writes `rows` outputs to `y` (`outputs` floats a row).
    func callAsFunction(_ x: UnsafePointer<Float>, rows m: Int, into y: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
        self(
            x, rows: m, into: y, scratch: pass.scratch.weights, shared: pass.scratch.sharedWeights, quantized: pass.quantized,
            threads: pass.threads)
    }

    /// The same with the scratch buffers given (an encoder has no `ForwardPass`).
    func callAsFunction(
        _ x: UnsafePointer<Float>, rows m: Int, into y: UnsafeMutablePointer<Float>, scratch: [FloatBuffer], shared: FloatBuffer,
        quantized: FloatBuffer? = nil, threads: Int
    ) {
        weight.multiply(x, m: m, into: y, scratch: scratch, shared: shared, quantized: quantized, threads: threads)
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
        self(x, rows: rows, into: y, threads: pass.threads)
    }

    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, threads: Int) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                Ops.layerNorm(
                    x, rows: rows, width: weight.count, weight: w.baseAddress!, bias: b.baseAddress!, epsilon: epsilon, into: y,
                    threads: threads)
            }
        }
    }
}

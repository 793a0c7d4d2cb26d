/// The SwiGLU feed-forward block: down(SiLU(gate(x)) · up(x)).
struct LlamaMLP {
    let layer: Int
    let config: LlamaConfiguration
    let norm: [Float]
    /// gate and up stacked: rows 2·intermediateSize.
    let gateUp: WeightMatrix
    let down: WeightMatrix

    /// residual += MLP(RMSNorm(residual)) over `t` rows (the pass's tokens, or the rows the
    /// last layer keeps).
    func apply(_ residual: UnsafeMutablePointer<Float>, rows t: Int, _ pass: ForwardPass) {
        let c = config, s = pass.scratch, f = c.intermediateSize
        let normed = s.normed.reserve(t * c.hiddenSize)
        norm.withUnsafeBufferPointer {
            Ops.rmsNorm(
                residual, rows: t, width: c.hiddenSize, weight: $0.baseAddress!, epsilon: c.rmsNormEpsilon, into: normed,
                threads: pass.threads)
        }
        let gu = s.gateUp.reserve(t * 2 * f)
        gateUp.multiply(
            normed, m: t, into: gu, scratch: s.weights, shared: s.sharedWeights, quantized: pass.quantized, threads: pass.threads)
        // The activation is computed in place in the gate half, so down reads it at stride 2f.
        if pass.wants(.mlpGate(layer)) {
            Ops.silu(gu, rows: t, width: f, stride: 2 * f, threads: pass.threads)
            pass.hook(.mlpGate(layer), gu, width: f, stride: 2 * f)
            Ops.multiply(gu, by: gu + f, rows: t, width: f, stride: 2 * f, threads: pass.threads)
        } else {
            Ops.siluGate(gu, rows: t, width: f, stride: 2 * f, threads: pass.threads)
        }
        pass.hook(.mlpActivation(layer), gu, width: f, stride: 2 * f)

        // As in attention: without an editor at the output, sgemm accumulates into the residual.
        if pass.wants(.mlpOutput(layer)) {
            let projected = s.projected.reserve(t * c.hiddenSize)
            down.multiply(
                gu, m: t, lda: 2 * f, into: projected, scratch: s.weights, shared: s.sharedWeights, quantized: pass.quantized,
                threads: pass.threads)
            pass.hook(.mlpOutput(layer), projected, width: c.hiddenSize)
            Ops.add(projected, into: residual, count: t * c.hiddenSize)
        } else {
            down.multiply(
                gu, m: t, lda: 2 * f, into: residual, accumulate: true, scratch: s.weights,
                shared: s.sharedWeights, quantized: pass.quantized, threads: pass.threads)
        }
    }
}

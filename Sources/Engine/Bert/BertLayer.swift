/// One post-LayerNorm encoder block (the residual added before each norm, not inside it):
///
///     h  = LayerNorm₁(x + W_o·Attention(x) + b_o)
///     x' = LayerNorm₂(h + W₂·gelu(W₁·h + b₁) + b₂)
struct BertLayer {
    let attention: BertSelfAttention
    let attentionOutput: Linear
    let attentionNorm: LayerNorm
    let intermediate: Linear
    let output: Linear
    let outputNorm: LayerNorm

    /// Updates the hidden states `x` (`tokens × hidden`) in place.
    func apply(_ x: UnsafeMutablePointer<Float>, _ batch: EncoderBatch, scratch s: BertScratch, threads: Int) {
        let rows = batch.count * batch.length, d = attention.width
        let context = attention(x, batch, scratch: s, threads: threads)
        let projected = s.projected.reserve(rows * d)
        attentionOutput(context, rows: rows, into: projected, scratch: s.weights, shared: s.sharedWeights, threads: threads)
        Ops.add(x, into: projected, count: rows * d)
        attentionNorm(projected, rows: rows, into: x, threads: threads)

        let inner = s.intermediate.reserve(rows * intermediate.outputs)
        intermediate(x, rows: rows, into: inner, scratch: s.weights, shared: s.sharedWeights, threads: threads)
        Ops.geluErf(inner, rows: rows, width: intermediate.outputs, threads: threads)
        output(inner, rows: rows, into: projected, scratch: s.weights, shared: s.sharedWeights, threads: threads)
        Ops.add(x, into: projected, count: rows * d)
        outputNorm(projected, rows: rows, into: x, threads: threads)
    }
}

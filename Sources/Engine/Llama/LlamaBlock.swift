/// One decoder layer: x = x + Attention(RMSNorm(x)); x = x + MLP(RMSNorm(x)).
struct LlamaBlock {
    let layer: Int
    let attention: LlamaAttention
    let mlp: LlamaMLP

    init(layer l: Int, config c: LlamaConfiguration, weights gguf: any WeightSource) throws {
        layer = l
        let p = "blk.\(l)."
        var bias: [Float]? = nil
        if c.attentionBias {
            bias =
                try gguf.vector(p + "attn_q.bias", count: c.queryWidth)
                + gguf.vector(p + "attn_k.bias", count: c.kvWidth)
                + gguf.vector(p + "attn_v.bias", count: c.kvWidth)
        }
        attention = LlamaAttention(
            layer: l, config: c,
            norm: try gguf.vector(p + "attn_norm.weight", count: c.hiddenSize),
            qkv: try gguf.weightMatrix(
                [p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight"],
                columns: c.hiddenSize, rows: [c.queryWidth, c.kvWidth, c.kvWidth]),
            qkvBias: bias,
            output: try gguf.weightMatrix([p + "attn_output.weight"], columns: c.queryWidth, rows: [c.hiddenSize]))
        mlp = LlamaMLP(
            layer: l, config: c,
            norm: try gguf.vector(p + "ffn_norm.weight", count: c.hiddenSize),
            gateUp: try gguf.weightMatrix(
                [p + "ffn_gate.weight", p + "ffn_up.weight"],
                columns: c.hiddenSize, rows: [c.intermediateSize, c.intermediateSize]),
            down: try gguf.weightMatrix([p + "ffn_down.weight"], columns: c.intermediateSize, rows: [c.hiddenSize]))
    }

    func apply(_ residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
        attention.apply(residual, pass)
        mlp.apply(residual, rows: pass.tokenCount, pass)
        pass.hook(.residual(layer), residual, width: attention.config.hiddenSize)
    }

    /// Whether the editor reads a site after the attention heads, where every row must exist.
    func editorNeedsEveryRow(_ pass: ForwardPass) -> Bool {
        [.attentionOutput(layer), .mlpGate(layer), .mlpActivation(layer), .mlpOutput(layer), .residual(layer)]
            .contains { pass.wants($0) }
    }

    /// The block for the last layer when only some rows' outputs are needed (llama.cpp's
    /// "skip unused outputs"): keys and values still come from every row, but the output
    /// projection and the MLP (84% of a layer's products) run on `kept` rows only. Writes
    /// those rows' block outputs, in `kept` order, to `output` (kept.count × hidden).
    /// Only valid when `editorNeedsEveryRow` is false.
    func apply(
        _ residual: UnsafeMutablePointer<Float>, keeping kept: [Int], into output: UnsafeMutablePointer<Float>,
        _ pass: ForwardPass
    ) {
        let c = attention.config, d = c.hiddenSize, qW = c.queryWidth
        let heads = attention.attend(residual, pass)
        let keptHeads = pass.scratch.projected.reserve(max(kept.count, 1) * qW)
        for (i, row) in kept.enumerated() {
            (keptHeads + i * qW).update(from: heads + row * qW, count: qW)
            (output + i * d).update(from: residual + row * d, count: d)
        }
        attention.project(keptHeads, rows: kept.count, into: output, pass)
        mlp.apply(output, rows: kept.count, pass)
    }
}

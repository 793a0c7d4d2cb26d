/// GPT-2 (`model_type` gpt2) from a Hugging Face directory:
///
///     x₀ = wte[token] + wpe[position]
///     x += c_proj(Attention(c_attn(ln_1(x))))          q·kᵀ/√d, causal
///     x += mlp.c_proj(gelu_new(mlp.c_fc(ln_2(x))))
///     logits = ln_f(x) · wteᵀ
///
/// The Conv1D layers store their weights [in, out], the transpose of nn.Linear's.
public enum GPT2 {
    public struct Configuration: Sendable, Equatable {
        public var layerCount: Int
        public var hiddenSize: Int
        public var headCount: Int
        public var innerSize: Int
        public var vocabularySize: Int
        public var positions: Int
        public var epsilon: Float

        public var headDim: Int { hiddenSize / headCount }

        public init(_ config: HuggingFaceConfig) throws {
            func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: config.path, key: key, detail: detail) }
            if let act = try config.string("activation_function"), act != "gelu_new" {
                throw refuse("activation_function", "is \"\(act)\"; the engine implements only gelu_new (GELU, tanh form) for GPT-2")
            }
            if try config.bool("scale_attn_by_inverse_layer_idx") == true {
                throw refuse("scale_attn_by_inverse_layer_idx", "is true; the engine scales attention by 1/√head_dim only")
            }
            if try config.bool("reorder_and_upcast_attn") == true {
                throw refuse("reorder_and_upcast_attn", "is true; the engine does not implement it")
            }
            if try config.bool("scale_attn_weights") == false {
                throw refuse("scale_attn_weights", "is false; the engine always scales attention by 1/√head_dim")
            }
            if try config.bool("add_cross_attention") == true {
                throw refuse("add_cross_attention", "is true; the engine runs decoder-only models")
            }
            layerCount = try config.require(config.int("n_layer"), "n_layer")
            hiddenSize = try config.require(config.int("n_embd"), "n_embd")
            headCount = try config.require(config.int("n_head"), "n_head")
            innerSize = try config.int("n_inner") ?? 4 * hiddenSize
            vocabularySize = try config.require(config.int("vocab_size"), "vocab_size")
            positions = try config.require(config.int("n_positions"), "n_positions")
            epsilon = Float(try config.double("layer_norm_epsilon") ?? 1e-5)
            if try config.bool("tie_word_embeddings") == false {
                throw refuse("tie_word_embeddings", "is false; GPT-2's output is its token embeddings")
            }
            let checks: [(String, Bool)] = [
                ("n_layer", layerCount > 0 && layerCount < 1000), ("n_embd", hiddenSize > 0),
                ("n_head", headCount > 0 && hiddenSize % headCount == 0), ("n_inner", innerSize > 0),
                ("vocab_size", vocabularySize > 0), ("n_positions", positions > 0),
                ("layer_norm_epsilon", epsilon.isFinite && epsilon >= 0),
            ]
            for (key, ok) in checks where !ok {
                throw refuse(key, "is inconsistent with the other hyperparameters (sizes positive, n_embd divisible by n_head)")
            }
        }
    }

    struct Block: DecoderBlock {
        let layer: Int
        let ln1: LayerNorm
        let cAttn: Linear
        let attention: CausalAttention
        let cProj: Linear
        let ln2: LayerNorm
        let cFC: Linear
        let mlpProj: Linear

        func apply(_ residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
            let t = pass.tokenCount, s = pass.scratch, d = ln1.weight.count
            let normed = s.normed.reserve(max(t, 1) * d)
            ln1(residual, rows: t, into: normed, pass)
            let qkv = s.qkv.reserve(max(t, 1) * attention.stride)
            cAttn(normed, rows: t, into: qkv, pass)
            add(cProj, of: attention(qkv, pass), at: .attentionOutput(layer), to: residual, pass)
            ln2(residual, rows: t, into: normed, pass)
            feedForward(up: cFC, activation: Ops.geluTanh, down: mlpProj, of: normed, layer: layer, to: residual, pass)
            pass.hook(.residual(layer), residual, width: d)
        }
    }

    public static func model(
        directory: SafeTensorsDirectory, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32
    ) throws -> DecoderModel {
        let c = try Configuration(directory.config)
        let r = CheckpointReader(directory, prefix: "transformer.", probe: "wte.weight")
        let d = c.hiddenSize, eps = c.epsilon
        let blocks: [any DecoderBlock] = try (0..<c.layerCount).map { l in
            let p = "h.\(l)."
            return Block(
                layer: l,
                ln1: try r.layerNorm(p + "ln_1", width: d, epsilon: eps),
                cAttn: try r.conv1D(p + "attn.c_attn", inputs: d, outputs: 3 * d),
                attention: CausalAttention(
                    layer: l, headCount: c.headCount, kvHeadCount: c.headCount, headDim: c.headDim, alibiSlopes: nil),
                cProj: try r.conv1D(p + "attn.c_proj", inputs: d, outputs: d),
                ln2: try r.layerNorm(p + "ln_2", width: d, epsilon: eps),
                cFC: try r.conv1D(p + "mlp.c_fc", inputs: d, outputs: c.innerSize),
                mlpProj: try r.conv1D(p + "mlp.c_proj", inputs: c.innerSize, outputs: d))
        }
        let embedding = try r.matrix("wte.weight", rows: c.vocabularySize, columns: d)
        let parts = DecoderParts(
            architecture: "gpt2",
            shape: ModelShape(
                layerCount: c.layerCount, hiddenSize: d, headCount: c.headCount, headDim: c.headDim,
                intermediateSize: c.innerSize, vocabularySize: c.vocabularySize),
            contextLength: c.positions, kvWidth: d, tokenEmbedding: embedding,
            positionEmbedding: try r.matrix("wpe.weight", rows: c.positions, columns: d),
            blocks: blocks, finalNorm: try r.layerNorm("ln_f", width: d, epsilon: eps), output: embedding)
        // The causal-mask buffers older checkpoints saved (attn.bias, attn.masked_bias) hold no weights.
        try r.refuseUnread(modelType: "gpt2") {
            $0 == "lm_head.weight" || $0.hasSuffix(".attn.bias") || $0.hasSuffix(".attn.masked_bias")
        }
        return DecoderModel(parts, weights: directory, threads: threads, activations: activations)
    }
}

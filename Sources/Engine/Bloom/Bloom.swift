import Foundation

/// BLOOM (`model_type` bloom) from a Hugging Face directory:
///
///     x₀ = word_embeddings_layernorm(word_embeddings[token])
///     x += dense(Attention(query_key_value(input_layernorm(x))))   q·kᵀ/√d + ALiBi, causal
///     x += dense_4h_to_h(gelu(dense_h_to_4h(post_attention_layernorm(x))))
///     logits = ln_f(x) · word_embeddingsᵀ
///
/// query_key_value's rows are laid out per head, [head, (q, k, v), head_dim]; they are
/// reordered once to [q heads | k heads | v heads], as llama.cpp's converter stores them in a
/// GGUF file (`attn_qkv`), which is read as it is (Bloom+GGUF.swift). Both formats run the
/// one forward pass `build` assembles, asking for weights by their GGUF names.
public enum Bloom {
    public struct Configuration: Sendable, Equatable {
        public var layerCount: Int
        public var hiddenSize: Int
        public var headCount: Int
        public var vocabularySize: Int
        public var epsilon: Float
        public var contextLength: Int
        /// Whether the output projection is the token embeddings (always for a checkpoint;
        /// for a GGUF file, when it has no `output.weight`).
        public var tiedOutput = true

        public var headDim: Int { hiddenSize / headCount }
        /// BLOOM's MLP is 4 × hidden_size wide.
        public var innerSize: Int { 4 * hiddenSize }

        public init(_ config: HuggingFaceConfig) throws {
            func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: config.path, key: key, detail: detail) }
            if try config.bool("apply_residual_connection_post_layernorm") == true {
                throw refuse(
                    "apply_residual_connection_post_layernorm", "is true; the engine adds the residual before the layer norms only")
            }
            if let tp = try config.int("pretraining_tp"), tp > 1, try config.bool("slow_but_exact") == true {
                throw refuse("slow_but_exact", "is true with pretraining_tp \(tp); the engine does not implement it")
            }
            if try config.bool("tie_word_embeddings") == false {
                throw refuse("tie_word_embeddings", "is false; the engine runs BLOOM with its output tied to the embeddings")
            }
            layerCount = try config.require(config.int("n_layer") ?? config.int("num_hidden_layers"), "n_layer")
            hiddenSize = try config.require(config.int("hidden_size") ?? config.int("n_embed"), "hidden_size")
            headCount = try config.require(config.int("n_head") ?? config.int("num_attention_heads"), "n_head")
            vocabularySize = try config.require(config.int("vocab_size"), "vocab_size")
            epsilon = Float(try config.double("layer_norm_epsilon") ?? 1e-5)
            // ALiBi has no position table; BLOOM was trained on 2,048 tokens.
            contextLength = try config.int("seq_length") ?? 2048
            let checks: [(String, Bool)] = [
                ("n_layer", layerCount > 0 && layerCount < 1000), ("hidden_size", hiddenSize > 0),
                ("n_head", headCount > 0 && hiddenSize % headCount == 0), ("vocab_size", vocabularySize > 0),
                ("layer_norm_epsilon", epsilon.isFinite && epsilon >= 0), ("seq_length", contextLength > 0),
            ]
            for (key, ok) in checks where !ok {
                throw refuse(key, "is inconsistent with the other hyperparameters (sizes positive, hidden_size divisible by n_head)")
            }
        }
    }

    /// The ALiBi slopes of transformers' `build_alibi_tensor`: for the largest power of two
    /// n ≤ heads, base^1…base^n with base = 2^(−8/n); the remaining heads take the odd
    /// powers of the base for 2n.
    public static func alibiSlopes(heads: Int) -> [Float] {
        let closest = 1 << Int(log2(Double(heads)).rounded(.down))
        let base = pow(2, -pow(2, -(log2(Double(closest)) - 3)))
        var slopes = (1...closest).map { Float(pow(base, Double($0))) }
        if closest != heads {
            let extraBase = pow(2, -pow(2, -(log2(Double(2 * closest)) - 3)))
            let remaining = min(closest, heads - closest)
            slopes += stride(from: 1, to: 1 + 2 * remaining, by: 2).map { Float(pow(extraBase, Double($0))) }
        }
        return slopes
    }

    struct Block: DecoderBlock {
        let layer: Int
        let inputNorm: LayerNorm
        let queryKeyValue: Linear
        let attention: CausalAttention
        let dense: Linear
        let postAttentionNorm: LayerNorm
        let up: Linear
        let down: Linear

        func apply(_ residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
            let t = pass.tokenCount, s = pass.scratch, d = inputNorm.weight.count
            let normed = s.normed.reserve(max(t, 1) * d)
            inputNorm(residual, rows: t, into: normed, pass)
            let qkv = s.qkv.reserve(max(t, 1) * attention.stride)
            queryKeyValue(normed, rows: t, into: qkv, pass)
            add(dense, of: attention(qkv, pass), at: .attentionOutput(layer), to: residual, pass)
            postAttentionNorm(residual, rows: t, into: normed, pass)
            feedForward(up: up, activation: Ops.geluTanh, down: down, of: normed, layer: layer, to: residual, pass)
            pass.hook(.residual(layer), residual, width: d)
        }
    }

    /// Rows [head, part, i] (part q, k, v) → [part, head, i], for a weight (`columns` wide) or a bias.
    static func groupByPart(_ values: [Float], heads: Int, headDim: Int, columns: Int) -> [Float] {
        var out = values
        for h in 0..<heads {
            for part in 0..<3 {
                for i in 0..<headDim {
                    let from = ((h * 3 + part) * headDim + i) * columns, to = ((part * heads + h) * headDim + i) * columns
                    for c in 0..<columns { out[to + c] = values[from + c] }
                }
            }
        }
        return out
    }

    /// GGUF names and the checkpoint modules llama.cpp's converter maps to them.
    static let huggingFaceNames = TensorNameTable(
        global: ["token_embd": "word_embeddings", "token_embd_norm": "word_embeddings_layernorm", "output_norm": "ln_f"],
        blockPrefix: "h.",
        block: [
            "attn_norm": "input_layernorm", "attn_qkv": "self_attention.query_key_value", "attn_output": "self_attention.dense",
            "ffn_norm": "post_attention_layernorm", "ffn_up": "mlp.dense_h_to_4h", "ffn_down": "mlp.dense_4h_to_h",
        ])

    /// A checkpoint's fused q/k/v rows (per head) regrouped by part on the way in, as
    /// llama.cpp's converter regroups them into a GGUF file's `attn_qkv`.
    struct GroupedQKV: DecoderWeights {
        let base: any DecoderWeights
        let heads: Int
        let headDim: Int

        func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
            guard name.hasSuffix(".attn_qkv.weight") else { return try base.matrix(name, rows: rows, columns: columns) }
            let values = try base.floats(name, rows: rows, columns: columns)
            return .owning(groupByPart(values, heads: heads, headDim: headDim, columns: columns), rows: rows, columns: columns)
        }

        func vector(_ name: String, count: Int) throws -> [Float] {
            let values = try base.vector(name, count: count)
            return name.hasSuffix(".attn_qkv.bias") ? groupByPart(values, heads: heads, headDim: headDim, columns: 1) : values
        }
    }

    public static func model(
        directory: SafeTensorsDirectory, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32
    ) throws -> DecoderModel {
        let c = try Configuration(directory.config)
        let r = CheckpointReader(directory, prefix: "transformer.", probe: "word_embeddings.weight")
        let checkpoint = RenamedCheckpoint(reader: r, names: huggingFaceNames)
        let model = try build(
            c, weights: GroupedQKV(base: checkpoint, heads: c.headCount, headDim: c.headDim), storage: directory, threads: threads,
            activations: activations)
        try r.refuseUnread(modelType: "bloom") { $0 == "lm_head.weight" }
        return model
    }

    /// The network from weights asked for by GGUF names.
    static func build(
        _ c: Configuration, weights w: some DecoderWeights, storage: AnyObject, threads: Int, activations: ActivationPrecision
    ) throws -> DecoderModel {
        let d = c.hiddenSize, eps = c.epsilon, slopes = alibiSlopes(heads: c.headCount)
        let blocks: [any DecoderBlock] = try (0..<c.layerCount).map { l in
            let p = "blk.\(l)."
            return Block(
                layer: l,
                inputNorm: try w.layerNorm(p + "attn_norm", width: d, epsilon: eps),
                queryKeyValue: try w.linear(p + "attn_qkv", outputs: 3 * d, inputs: d, bias: true),
                attention: CausalAttention(
                    layer: l, headCount: c.headCount, kvHeadCount: c.headCount, headDim: c.headDim, alibiSlopes: slopes),
                dense: try w.linear(p + "attn_output", outputs: d, inputs: d, bias: true),
                postAttentionNorm: try w.layerNorm(p + "ffn_norm", width: d, epsilon: eps),
                up: try w.linear(p + "ffn_up", outputs: c.innerSize, inputs: d, bias: true),
                down: try w.linear(p + "ffn_down", outputs: d, inputs: c.innerSize, bias: true))
        }
        let embedding = try w.matrix("token_embd.weight", rows: c.vocabularySize, columns: d)
        let parts = DecoderParts(
            architecture: "bloom",
            shape: ModelShape(
                layerCount: c.layerCount, hiddenSize: d, headCount: c.headCount, headDim: c.headDim,
                intermediateSize: c.innerSize, vocabularySize: c.vocabularySize),
            contextLength: c.contextLength, kvWidth: d, tokenEmbedding: embedding,
            embeddingNorm: try w.layerNorm("token_embd_norm", width: d, epsilon: eps),
            blocks: blocks, finalNorm: try w.layerNorm("output_norm", width: d, epsilon: eps),
            output: c.tiedOutput ? embedding : try w.matrix("output.weight", rows: c.vocabularySize, columns: d))
        return DecoderModel(parts, weights: storage, threads: threads, activations: activations)
    }
}

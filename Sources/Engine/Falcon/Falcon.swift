/// Falcon (`model_type` falcon, the 7B layout: multi-query attention, parallel attention and
/// MLP, one LayerNorm, rotary positions on halves, no biases) from a Hugging Face directory:
///
///     x₀ = word_embeddings[token]
///     h = input_layernorm(x)
///     x += dense(Attention(RoPE(query_key_value(h)))) + dense_4h_to_h(gelu(dense_h_to_4h(h)))
///     logits = ln_f(x) · word_embeddingsᵀ
///
/// query_key_value's rows are [q heads | k | v] with one key-value head, as llama.cpp's
/// converter also stores them in a GGUF file's `attn_qkv` (Falcon+GGUF.swift); both formats
/// run the one forward pass `build` assembles, asking for weights by their GGUF names. Every
/// other variant (new_decoder_architecture, ALiBi, biases, sequential blocks) is refused by key.
public enum Falcon {
    public struct Configuration: Sendable, Equatable {
        public var layerCount: Int
        public var hiddenSize: Int
        public var headCount: Int
        public var innerSize: Int
        public var vocabularySize: Int
        public var epsilon: Float
        public var contextLength: Int
        public var ropeTheta: Float
        /// Whether the output projection is the token embeddings (always for a checkpoint;
        /// for a GGUF file, when it has no `output.weight`).
        public var tiedOutput = true

        public var headDim: Int { hiddenSize / headCount }

        public init(_ config: HuggingFaceConfig) throws {
            func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: config.path, key: key, detail: detail) }
            let unimplemented: [(key: String, value: Bool, default: Bool, what: String)] = [
                ("new_decoder_architecture", true, false, "the 40B/180B layout (grouped key-value heads, two layer norms)"),
                ("multi_query", false, true, "one key-value head per query head (the RW layout)"),
                ("parallel_attn", false, true, "sequential attention and MLP"),
                ("alibi", true, false, "ALiBi positions"),
                ("bias", true, false, "linear-layer biases"),
            ]
            for (key, value, fallback, what) in unimplemented where (try config.bool(key) ?? fallback) == value {
                throw refuse(key, "is \(value), which asks for \(what); the engine does not implement it for Falcon")
            }
            if let act = try config.string("activation"), act != "gelu" {
                throw refuse("activation", "is \"\(act)\"; the engine implements only exact GELU for Falcon")
            }
            if try config.bool("tie_word_embeddings") == false {
                throw refuse("tie_word_embeddings", "is false; the engine runs Falcon with its output tied to the embeddings")
            }
            let parameters = try config.object("rope_parameters")
            for (object, key) in [
                (parameters, "rope_type"), (parameters, "type"), (try config.object("rope_scaling"), "rope_type"),
                (try config.object("rope_scaling"), "type"),
            ] {
                guard let object, let type = try object.string(key), type != "default" else { continue }
                throw refuse(object.name(key), "is \"\(type)\", a rope scaling the engine does not implement (only \"default\")")
            }
            ropeTheta = Float(try parameters?.double("rope_theta") ?? config.double("rope_theta") ?? 10000)
            layerCount = try config.require(config.int("num_hidden_layers") ?? config.int("n_layer"), "num_hidden_layers")
            hiddenSize = try config.require(config.int("hidden_size"), "hidden_size")
            headCount = try config.require(config.int("num_attention_heads") ?? config.int("n_head"), "num_attention_heads")
            innerSize = try config.int("ffn_hidden_size") ?? 4 * hiddenSize
            vocabularySize = try config.require(config.int("vocab_size"), "vocab_size")
            epsilon = Float(try config.double("layer_norm_epsilon") ?? 1e-5)
            contextLength = try config.int("max_position_embeddings") ?? 2048
            let checks: [(String, Bool)] = [
                ("num_hidden_layers", layerCount > 0 && layerCount < 1000), ("hidden_size", hiddenSize > 0),
                ("num_attention_heads", headCount > 0 && hiddenSize % headCount == 0 && (hiddenSize / headCount) % 2 == 0),
                ("ffn_hidden_size", innerSize > 0), ("vocab_size", vocabularySize > 0),
                ("layer_norm_epsilon", epsilon.isFinite && epsilon >= 0), ("max_position_embeddings", contextLength > 0),
                ("rope_theta", ropeTheta.isFinite && ropeTheta > 0),
            ]
            for (key, ok) in checks where !ok {
                throw refuse(key, "is inconsistent with the other hyperparameters (sizes positive, even head size)")
            }
        }
    }

    struct Block: DecoderBlock {
        let layer: Int
        let inputNorm: LayerNorm
        let queryKeyValue: Linear
        let attention: CausalAttention
        let dense: Linear
        let up: Linear
        let down: Linear
        /// Which values of a head rotate together: halves in both formats (llama.cpp's NEOX).
        let rope: RopeLayout

        func apply(_ residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
            let t = pass.tokenCount, s = pass.scratch, d = inputNorm.weight.count, a = attention
            // Attention and MLP both read h = input_layernorm(x); `normed` is not rewritten before the MLP.
            let normed = s.normed.reserve(max(t, 1) * d)
            inputNorm(residual, rows: t, into: normed, pass)
            let qkv = s.qkv.reserve(max(t, 1) * a.stride)
            queryKeyValue(normed, rows: t, into: qkv, pass)
            let cos = UnsafePointer(s.ropeCos.pointer), sin = UnsafePointer(s.ropeSin.pointer)
            rope.apply(qkv, rows: t, stride: a.stride, heads: a.headCount, headDim: a.headDim, dims: a.headDim, cos: cos, sin: sin)
            rope.apply(
                qkv + a.queryWidth, rows: t, stride: a.stride, heads: a.kvHeadCount, headDim: a.headDim, dims: a.headDim, cos: cos,
                sin: sin)
            add(dense, of: attention(qkv, pass), at: .attentionOutput(layer), to: residual, pass)
            feedForward(up: up, activation: Ops.geluErf, down: down, of: normed, layer: layer, to: residual, pass)
            pass.hook(.residual(layer), residual, width: d)
        }
    }

    /// GGUF names and the checkpoint modules llama.cpp's converter maps to them.
    static let huggingFaceNames = TensorNameTable(
        global: ["token_embd": "word_embeddings", "output_norm": "ln_f"],
        blockPrefix: "h.",
        block: [
            "attn_norm": "input_layernorm", "attn_qkv": "self_attention.query_key_value", "attn_output": "self_attention.dense",
            "ffn_up": "mlp.dense_h_to_4h", "ffn_down": "mlp.dense_4h_to_h",
        ])

    /// A checkpoint keeps q and k as trained, and transformers' `rotate_half` rotates value i
    /// with value i + d/2.
    static let huggingFaceRopeLayout = RopeLayout.halves

    public static func model(
        directory: SafeTensorsDirectory, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32
    ) throws -> DecoderModel {
        let c = try Configuration(directory.config)
        let r = CheckpointReader(directory, prefix: "transformer.", probe: "word_embeddings.weight")
        let model = try build(
            c, weights: RenamedCheckpoint(reader: r, names: huggingFaceNames), rope: huggingFaceRopeLayout, storage: directory,
            threads: threads, activations: activations)
        try r.refuseUnread(modelType: "falcon") { $0 == "lm_head.weight" }
        return model
    }

    /// The network from weights asked for by GGUF names.
    static func build(
        _ c: Configuration, weights w: some DecoderWeights, rope: RopeLayout, storage: AnyObject, threads: Int,
        activations: ActivationPrecision
    ) throws -> DecoderModel {
        let d = c.hiddenSize, hd = c.headDim, eps = c.epsilon
        let blocks: [any DecoderBlock] = try (0..<c.layerCount).map { l in
            let p = "blk.\(l)."
            return Block(
                layer: l,
                inputNorm: try w.layerNorm(p + "attn_norm", width: d, epsilon: eps),
                queryKeyValue: try w.linear(p + "attn_qkv", outputs: d + 2 * hd, inputs: d, bias: false),
                attention: CausalAttention(layer: l, headCount: c.headCount, kvHeadCount: 1, headDim: hd, alibiSlopes: nil),
                dense: try w.linear(p + "attn_output", outputs: d, inputs: d, bias: false),
                up: try w.linear(p + "ffn_up", outputs: c.innerSize, inputs: d, bias: false),
                down: try w.linear(p + "ffn_down", outputs: d, inputs: c.innerSize, bias: false),
                rope: rope)
        }
        let embedding = try w.matrix("token_embd.weight", rows: c.vocabularySize, columns: d)
        let parts = DecoderParts(
            architecture: "falcon",
            shape: ModelShape(
                layerCount: c.layerCount, hiddenSize: d, headCount: c.headCount, headDim: hd,
                intermediateSize: c.innerSize, vocabularySize: c.vocabularySize),
            contextLength: c.contextLength, kvWidth: hd, tokenEmbedding: embedding,
            rotaryDimensions: hd, rotaryTheta: c.ropeTheta,
            blocks: blocks, finalNorm: try w.layerNorm("output_norm", width: d, epsilon: eps),
            output: c.tiedOutput ? embedding : try w.matrix("output.weight", rows: c.vocabularySize, columns: d))
        return DecoderModel(parts, weights: storage, threads: threads, activations: activations)
    }
}

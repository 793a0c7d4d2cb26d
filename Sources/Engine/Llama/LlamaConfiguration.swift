/// Hyperparameters of a LLaMA-family model, read from the `<arch>.*` keys of a GGUF file.
/// The architectures accepted are the ones whose every difference is implemented and
/// checked against a reference (LLaMA, which Mistral and SmolLM files also declare, and
/// Qwen2); whatever the engine does not implement (rope scaling, frequency factors, biases
/// it does not apply, logit scales) is refused by name rather than ignored.
public struct LlamaConfiguration: Sendable, Equatable {
    public var architecture: String
    public var layerCount: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var ropeTheta: Float
    public var ropeDimensions: Int
    public var rmsNormEpsilon: Float
    public var vocabularySize: Int
    public var contextLength: Int
    public var tiedOutput: Bool
    public var attentionBias: Bool
    public var ropeLayout: RopeLayout

    public var queryWidth: Int { headCount * headDim }
    public var kvWidth: Int { kvHeadCount * headDim }

    /// `general.architecture` values and their rotary layout (llama.cpp's
    /// `llama_model_rope_type`: NORM for llama, NEOX for qwen2).
    public static let ropeLayouts: [String: RopeLayout] = ["llama": .adjacent, "qwen2": .halves]
    public static var supportedArchitectures: Set<String> { Set(ropeLayouts.keys) }

    /// Keys that change the computation in ways the engine does not implement, with what
    /// value (if any) means "not used".
    static let unimplementedKeys: [(suffix: String, neutral: GGUFValue?, what: String)] = [
        ("rope.scaling.type", .string("none"), "rope scaling"),
        ("rope.scaling.factor", .float32(1), "rope scaling"),
        ("rope.scaling.attn_factor", .float32(1), "rope attention scaling"),
        ("attention.scale", nil, "a custom attention scale"),
        ("attention.logit_softcapping", nil, "attention logit soft-capping"),
        ("final_logit_softcapping", nil, "final logit soft-capping"),
        ("logit_scale", nil, "a logit scale"),
        ("embedding_scale", nil, "an embedding scale"),
        ("residual_scale", nil, "a residual scale"),
        ("attention.sliding_window", nil, "sliding-window attention"),
    ]
    /// Tensors the engine would not apply.
    static let unimplementedTensors: [(name: String, what: String)] = [
        ("rope_freqs.weight", "rope frequency factors (LLaMA 3.1-style rope scaling)"),
        ("blk.0.attn_output.bias", "an attention output bias"),
        ("blk.0.ffn_gate.bias", "feed-forward biases"),
        ("blk.0.ffn_up.bias", "feed-forward biases"),
        ("blk.0.ffn_down.bias", "feed-forward biases"),
        ("blk.0.attn_q_norm.weight", "query/key normalisation"),
        ("blk.0.attn_k_norm.weight", "query/key normalisation"),
        ("blk.0.post_attention_norm.weight", "post-attention normalisation"),
    ]

    public init(gguf: GGUFFile) throws {
        let arch = try gguf.string("general.architecture")
        guard Self.supportedArchitectures.contains(arch) else {
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "architecture '\(arch)' is not one the LLaMA-family forward pass runs (it runs \(Self.supportedArchitectures.sorted().joined(separator: ", ")); the engine runs \(GGUFArchitectures.supported.joined(separator: ", ")) through GGUFArchitectures)"
            )
        }
        architecture = arch
        ropeLayout = Self.ropeLayouts[arch]!
        for (suffix, neutral, what) in Self.unimplementedKeys {
            guard let value = gguf.metadata["\(arch).\(suffix)"] else { continue }
            if let neutral, value.double == neutral.double, value.string == neutral.string { continue }
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "metadata '\(arch).\(suffix)' = \(value) asks for \(what), which the engine does not implement; its results would be wrong, so the file is refused"
            )
        }
        for (name, what) in Self.unimplementedTensors where gguf.tensor(named: name) != nil {
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "tensor '\(name)' holds \(what), which the engine does not implement; its results would be wrong, so the file is refused"
            )
        }
        if let keys = gguf.metadata["\(arch).attention.key_length"]?.int, let values = gguf.metadata["\(arch).attention.value_length"]?.int,
            keys != values
        {
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "metadata '\(arch).attention.value_length' (\(values)) differs from key_length (\(keys)); the engine needs equal head sizes"
            )
        }
        layerCount = try gguf.int("\(arch).block_count")
        hiddenSize = try gguf.int("\(arch).embedding_length")
        intermediateSize = try gguf.int("\(arch).feed_forward_length")
        headCount = try gguf.int("\(arch).attention.head_count")
        kvHeadCount = gguf.metadata["\(arch).attention.head_count_kv"]?.int ?? headCount
        headDim = gguf.metadata["\(arch).attention.key_length"]?.int ?? hiddenSize / max(headCount, 1)
        ropeTheta = Float(gguf.metadata["\(arch).rope.freq_base"]?.double ?? 10000)
        ropeDimensions = gguf.metadata["\(arch).rope.dimension_count"]?.int ?? headDim
        rmsNormEpsilon = Float(gguf.metadata["\(arch).attention.layer_norm_rms_epsilon"]?.double ?? 1e-5)
        contextLength = gguf.metadata["\(arch).context_length"]?.int ?? 2048
        guard let embedding = gguf.tensor(named: "token_embd.weight"), embedding.dimensions.count == 2 else {
            throw EngineError.missingTensor(path: gguf.path, name: "token_embd.weight")
        }
        vocabularySize = gguf.metadata["\(arch).vocab_size"]?.int ?? embedding.dimensions[1]
        tiedOutput = gguf.tensor(named: "output.weight") == nil
        let biases = ["attn_q", "attn_k", "attn_v"].map { gguf.tensor(named: "blk.0.\($0).bias") != nil }
        attentionBias = biases.contains(true)
        if attentionBias && biases.contains(false) {
            throw EngineError.unsupported(
                path: gguf.path,
                detail: "blk.0 has biases for only some of attn_q, attn_k, attn_v; the engine applies all three or none")
        }

        let checks: [(String, Bool)] = [
            ("\(arch).block_count", layerCount > 0 && layerCount < 1000),
            ("\(arch).embedding_length", hiddenSize > 0),
            ("\(arch).attention.head_count", headCount > 0 && kvHeadCount > 0 && headCount % kvHeadCount == 0),
            ("\(arch).attention.key_length", headDim > 0 && headDim % 2 == 0),
            ("\(arch).rope.dimension_count", ropeDimensions > 0 && ropeDimensions <= headDim && ropeDimensions % 2 == 0),
            ("\(arch).vocab_size", vocabularySize == embedding.dimensions[1]),
            // A zero, negative or NaN base or epsilon turns every activation into NaN.
            ("\(arch).rope.freq_base", ropeTheta.isFinite && ropeTheta > 0),
            ("\(arch).attention.layer_norm_rms_epsilon", rmsNormEpsilon.isFinite && rmsNormEpsilon >= 0),
            ("\(arch).context_length", contextLength > 0),
            // Blocks the count leaves out would be silently skipped.
            ("\(arch).block_count", gguf.tensor(named: "blk.\(layerCount).attn_norm.weight") == nil),
        ]
        for (key, ok) in checks where !ok {
            throw EngineError.malformedGGUF(
                path: gguf.path, detail: "metadata '\(key)' is inconsistent with the other hyperparameters or tensor shapes")
        }
    }
}

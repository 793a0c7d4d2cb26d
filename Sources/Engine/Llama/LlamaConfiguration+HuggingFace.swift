/// A LLaMA-family configuration from a Hugging Face `config.json`, with transformers'
/// defaults for the keys it may leave out. Whatever these model types can ask for that the
/// engine does not implement (rope scaling, sliding windows, other activations, MLP biases)
/// is refused by key, and every checkpoint tensor must be one the forward pass reads.
extension LlamaConfiguration {
    /// `model_type` values the engine runs, and the transformers class a causal language
    /// model of that type is saved from (`architectures`).
    public static let huggingFaceModelTypes: [String: String] = [
        "llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM",
    ]

    /// Hugging Face checkpoints keep the q/k rows as trained, and transformers' `rotate_half`
    /// rotates value i with value i + d/2 for every one of these model types. (llama.cpp's
    /// converter permutes LLaMA's rows into adjacent pairs, which is why a llama GGUF file
    /// rotates pairs: the same rotation, stored another way.)
    public static let huggingFaceRopeLayout = RopeLayout.halves

    public init(huggingFace directory: SafeTensorsDirectory) throws {
        let config = directory.config
        func refuse(_ key: String, _ detail: String) -> EngineError {
            .configKey(path: config.path, key: key, detail: detail)
        }
        let supported = Self.huggingFaceModelTypes.keys.sorted().joined(separator: ", ")
        let classes = try config.strings("architectures") ?? []
        let modelType: String
        if let declared = try config.string("model_type") {
            modelType = declared
        } else if let found = Self.huggingFaceModelTypes.first(where: { classes.contains($0.value) }) {
            modelType = found.key
        } else {
            throw refuse(
                "model_type",
                "is missing and 'architectures' (\(classes)) names no model the engine runs (supported model types: \(supported))")
        }
        guard let causalLM = Self.huggingFaceModelTypes[modelType] else {
            throw refuse("model_type", "is \"\(modelType)\", not an architecture the engine runs (supported: \(supported))")
        }
        // Another head on the same body (…ForSequenceClassification) has no lm_head to score with.
        guard classes.isEmpty || classes.contains(causalLM) else {
            throw refuse("architectures", "is \(classes); the engine runs \(modelType) checkpoints saved as \(causalLM)")
        }
        architecture = modelType
        ropeLayout = Self.huggingFaceRopeLayout

        if let act = try config.string("hidden_act"), act != "silu" {
            throw refuse("hidden_act", "is \"\(act)\"; the engine implements only SiLU (SwiGLU) feed-forward blocks")
        }
        if try config.bool("mlp_bias") == true {
            throw refuse("mlp_bias", "is true; the engine does not implement feed-forward biases")
        }
        // Rotary settings: transformers 4.x writes `rope_theta` and `rope_scaling`, 5.x a
        // `rope_parameters` object; only plain RoPE over the whole head is implemented.
        let parameters = try config.object("rope_parameters")
        for (object, key) in [
            (parameters, "rope_type"), (parameters, "type"), (try config.object("rope_scaling"), "rope_type"),
            (try config.object("rope_scaling"), "type"),
        ] {
            guard let object, let type = try object.string(key), type != "default" else { continue }
            throw refuse(
                object.name(key),
                "is \"\(type)\", a rope scaling the engine does not implement (only \"default\"); its results would be wrong")
        }
        for object in [parameters, config].compactMap({ $0 }) {
            if let factor = try object.double("partial_rotary_factor"), factor != 1 {
                throw refuse(object.name("partial_rotary_factor"), "is \(factor); the engine rotates whole heads only")
            }
        }
        ropeTheta = Float(try parameters?.double("rope_theta") ?? config.double("rope_theta") ?? 10000)

        layerCount = try config.require(config.int("num_hidden_layers"), "num_hidden_layers")
        hiddenSize = try config.require(config.int("hidden_size"), "hidden_size")
        intermediateSize = try config.require(config.int("intermediate_size"), "intermediate_size")
        headCount = try config.require(config.int("num_attention_heads"), "num_attention_heads")
        kvHeadCount = try config.int("num_key_value_heads") ?? headCount
        headDim = try config.int("head_dim") ?? hiddenSize / max(headCount, 1)
        ropeDimensions = headDim
        rmsNormEpsilon = Float(try config.require(config.double("rms_norm_eps"), "rms_norm_eps"))
        vocabularySize = try config.require(config.int("vocab_size"), "vocab_size")
        contextLength = try config.require(config.int("max_position_embeddings"), "max_position_embeddings")
        tiedOutput = try config.bool("tie_word_embeddings") ?? false

        // Sliding-window attention: Qwen2 applies it only with use_sliding_window, Mistral
        // whenever sliding_window is set (it changes nothing within a shorter context).
        let window = try config.int("sliding_window")
        if modelType == "qwen2", try config.bool("use_sliding_window") == true, let window {
            throw refuse("use_sliding_window", "is true (sliding_window \(window)); the engine does not implement sliding-window attention")
        }
        if modelType == "mistral", let window, window < contextLength {
            throw refuse(
                "sliding_window",
                "is \(window), shorter than max_position_embeddings (\(contextLength)); the engine does not implement sliding-window attention"
            )
        }
        if let kinds = try config.strings("layer_types"), let other = kinds.first(where: { $0 != "full_attention" }) {
            throw refuse("layer_types", "has \"\(other)\"; the engine implements only full attention")
        }
        switch modelType {
        case "qwen2": attentionBias = true  // Qwen2Attention: q/k/v biases, none on o_proj
        case "llama": attentionBias = try config.bool("attention_bias") ?? false  // on q/k/v and o_proj alike
        default: attentionBias = false
        }
        if modelType == "llama", attentionBias {
            throw refuse("attention_bias", "is true, which adds an o_proj bias the engine does not implement")
        }

        let checks: [(String, Bool)] = [
            ("num_hidden_layers", layerCount > 0 && layerCount < 1000),
            ("hidden_size", hiddenSize > 0),
            ("intermediate_size", intermediateSize > 0),
            ("num_key_value_heads", headCount > 0 && kvHeadCount > 0 && headCount % kvHeadCount == 0),
            ("head_dim", headDim > 0 && headDim % 2 == 0),
            ("vocab_size", vocabularySize > 0),
            ("rope_theta", ropeTheta.isFinite && ropeTheta > 0),
            ("rms_norm_eps", rmsNormEpsilon.isFinite && rmsNormEpsilon >= 0),
            ("max_position_embeddings", contextLength > 0),
        ]
        for (key, ok) in checks where !ok {
            throw refuse(
                key,
                "is inconsistent with the other hyperparameters (layers, heads, sizes must be positive; heads divisible by key-value heads)"
            )
        }
        // A tensor the forward pass would not read (an o_proj or MLP bias, q/k norms, a layer
        // past num_hidden_layers) would be silently ignored: refuse it by name.
        let used = LlamaTensorNames.huggingFaceNames(self)
        for name in directory.tensorNames where !used.contains(name) {
            if name.hasSuffix("rotary_emb.inv_freq") || (tiedOutput && name == "lm_head.weight") { continue }
            throw EngineError.unsupported(
                path: directory.tensor(named: name)!.file.path,
                detail:
                    "tensor '\(name)' is not one a \(modelType) model with \(config.path) reads; ignoring it would give wrong results, so the checkpoint is refused"
            )
        }
    }
}

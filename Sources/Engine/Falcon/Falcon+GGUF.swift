/// Falcon from a GGUF file (`general.architecture` falcon) as llama.cpp's convert_hf_to_gguf.py
/// writes it: `token_embd`, per block `attn_norm` (weight and bias), `attn_qkv`, `attn_output`,
/// `ffn_up`, `ffn_down`, then `output_norm`, with `output.weight` when the checkpoint had an
/// lm_head. The converter regroups the fused rows from kv groups [q…, k, v] into
/// [q heads | k heads | v heads] (`falcon.tensor_data_layout` "jploski"); with the 7B layout's
/// one key-value head that is the order of the checkpoint. llama.cpp rotates Falcon's
/// halves (NEOX) over the whole head, with base `falcon.rope.freq_base` (10000 when absent, as
/// the converter writes none). Grouped key-value heads and Falcon-40B's second layer norm
/// (`attn_norm_2`) are refused, by key and by tensor.
extension Falcon.Configuration {
    /// The `falcon.*` keys read; any other is refused (`GGUFDecoderMetadata`).
    static let ggufKeys: Set<String> = [
        "context_length", "embedding_length", "feed_forward_length", "block_count", "vocab_size", "attention.head_count",
        "attention.head_count_kv", "attention.layer_norm_epsilon", "attention.key_length", "attention.value_length",
        "rope.freq_base", "rope.dimension_count", "tensor_data_layout",
    ]

    public init(gguf: GGUFFile) throws {
        let m = try GGUFDecoderMetadata(gguf: gguf, architecture: "falcon", reads: Self.ggufKeys)
        layerCount = try m.int("block_count")
        hiddenSize = try m.int("embedding_length")
        headCount = try m.int("attention.head_count")
        innerSize = try m.int("feed_forward_length")
        epsilon = try m.float("attention.layer_norm_epsilon")
        contextLength = try m.int("context_length")
        ropeTheta = try m.float("rope.freq_base", default: 10000)
        guard layerCount > 0, layerCount < 1000, hiddenSize > 0, headCount > 0, hiddenSize % headCount == 0,
            (hiddenSize / headCount) % 2 == 0, innerSize > 0
        else {
            throw EngineError.malformedGGUF(
                path: gguf.path,
                detail:
                    "metadata 'falcon.block_count' (\(layerCount)), 'falcon.embedding_length' (\(hiddenSize)), 'falcon.attention.head_count' (\(headCount)) and 'falcon.feed_forward_length' (\(innerSize)) are inconsistent (sizes positive, an even head size)"
            )
        }
        guard epsilon.isFinite, epsilon >= 0, contextLength > 0, ropeTheta.isFinite, ropeTheta > 0 else {
            throw EngineError.malformedGGUF(
                path: gguf.path,
                detail: "metadata 'falcon.attention.layer_norm_epsilon', 'falcon.context_length' or 'falcon.rope.freq_base' is out of range"
            )
        }
        vocabularySize = try m.vocabularySize(hiddenSize: hiddenSize)
        tiedOutput = gguf.tensor(named: "output.weight") == nil
        let headDim = hiddenSize / headCount
        let kv = try m.int("attention.head_count_kv", default: 1) ?? 1
        guard kv == 1 else {
            throw m.refuse(
                "attention.head_count_kv",
                "is \(kv), grouped key-value heads (Falcon-40B, 180B, Falcon2); the engine runs Falcon's 7B layout with one key-value head only"
            )
        }
        for suffix in ["attention.key_length", "attention.value_length", "rope.dimension_count"] {
            if let size = try m.int(suffix, default: nil), size != headDim {
                throw m.refuse(
                    suffix, "is \(size), not embedding_length / head_count (\(headDim)); the engine rotates whole heads of one size only")
            }
        }
        if let layout = try m.string("tensor_data_layout"), layout != "jploski" {
            throw m.refuse(
                "tensor_data_layout",
                "is \(layout.debugDescription); the engine reads the fused q/k/v rows in llama.cpp's \"jploski\" layout only")
        }
    }
}

extension Falcon {
    public static func model(gguf: GGUFFile, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32) throws
        -> DecoderModel
    {
        let c = try Configuration(gguf: gguf)
        let file = GGUFDecoderWeights(gguf)
        let model = try build(
            c, weights: file, rope: try GGUFArchitectures.ropeLayout(of: gguf), storage: gguf, threads: threads, activations: activations)
        try file.refuseUnread(architecture: "falcon")
        return model
    }
}

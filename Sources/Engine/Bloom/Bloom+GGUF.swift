/// BLOOM from a GGUF file (`general.architecture` bloom) as llama.cpp's convert_hf_to_gguf.py
/// writes it: `token_embd`, `token_embd_norm`, per block `attn_norm`, `attn_qkv` (the fused
/// rows already regrouped [q | k | v]), `attn_output`, `ffn_norm`, `ffn_up`, `ffn_down`, all
/// with biases, then `output_norm`; the output is tied to the embeddings unless the file has
/// an `output.weight` (older converters wrote a copy). No rotary positions: llama.cpp runs
/// BLOOM with ALiBi at the maximum bias 8, the slopes `Bloom.alibiSlopes` gives.
extension Bloom.Configuration {
    /// The `bloom.*` keys read; any other is refused (`GGUFDecoderMetadata`).
    static let ggufKeys: Set<String> = [
        "context_length", "embedding_length", "feed_forward_length", "block_count", "vocab_size", "attention.head_count",
        "attention.head_count_kv", "attention.layer_norm_epsilon", "attention.key_length", "attention.value_length",
        "attention.max_alibi_bias",
    ]

    public init(gguf: GGUFFile) throws {
        let m = try GGUFDecoderMetadata(gguf: gguf, architecture: "bloom", reads: Self.ggufKeys)
        layerCount = try m.int("block_count")
        hiddenSize = try m.int("embedding_length")
        headCount = try m.int("attention.head_count")
        epsilon = try m.float("attention.layer_norm_epsilon")
        contextLength = try m.int("context_length")
        guard layerCount > 0, layerCount < 1000, hiddenSize > 0, headCount > 0, hiddenSize % headCount == 0 else {
            throw EngineError.malformedGGUF(
                path: gguf.path,
                detail:
                    "metadata 'bloom.block_count' (\(layerCount)), 'bloom.embedding_length' (\(hiddenSize)) and 'bloom.attention.head_count' (\(headCount)) are inconsistent (sizes positive, the width divisible by the heads)"
            )
        }
        guard epsilon.isFinite, epsilon >= 0, contextLength > 0 else {
            throw EngineError.malformedGGUF(
                path: gguf.path, detail: "metadata 'bloom.attention.layer_norm_epsilon' or 'bloom.context_length' is out of range")
        }
        vocabularySize = try m.vocabularySize(hiddenSize: hiddenSize)
        tiedOutput = gguf.tensor(named: "output.weight") == nil
        let headDim = hiddenSize / headCount
        if let kv = try m.int("attention.head_count_kv", default: nil), kv != headCount {
            throw m.refuse(
                "attention.head_count_kv",
                "is \(kv) but head_count is \(headCount); the engine runs BLOOM with one key-value head per query head")
        }
        if let ffn = try m.int("feed_forward_length", default: nil), ffn != 4 * hiddenSize {
            throw m.refuse(
                "feed_forward_length", "is \(ffn), not 4 × embedding_length (\(4 * hiddenSize)) as in every BLOOM the engine runs")
        }
        for suffix in ["attention.key_length", "attention.value_length"] {
            if let size = try m.int(suffix, default: nil), size != headDim {
                throw m.refuse(suffix, "is \(size), not embedding_length / head_count (\(headDim)); the engine runs equal head sizes only")
            }
        }
        let bias = try m.float("attention.max_alibi_bias", default: 8)
        guard bias == 8 else {
            throw m.refuse("attention.max_alibi_bias", "is \(bias); the engine implements BLOOM's ALiBi slopes for the maximum bias 8 only")
        }
    }
}

extension Bloom {
    public static func model(gguf: GGUFFile, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32) throws
        -> DecoderModel
    {
        let c = try Configuration(gguf: gguf)
        let file = GGUFDecoderWeights(gguf)
        let model = try build(c, weights: file, storage: gguf, threads: threads, activations: activations)
        try file.refuseUnread(architecture: "bloom")
        return model
    }
}

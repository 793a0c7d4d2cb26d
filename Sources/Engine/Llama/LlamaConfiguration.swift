/// Hyperparameters of a LLaMA-family model (LLaMA, Mistral, Qwen2, SmolLM), read from the
/// `<arch>.*` keys of a GGUF file.
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

    public var queryWidth: Int { headCount * headDim }
    public var kvWidth: Int { kvHeadCount * headDim }

    public static let supportedArchitectures: Set<String> = ["llama", "mistral", "qwen2", "smollm"]

    public init(gguf: GGUFFile) throws {
        let arch = try gguf.string("general.architecture")
        guard Self.supportedArchitectures.contains(arch) else {
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "architecture '\(arch)' is not one the engine runs (supported: \(Self.supportedArchitectures.sorted().joined(separator: ", ")))"
            )
        }
        architecture = arch
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
        attentionBias = gguf.tensor(named: "blk.0.attn_q.bias") != nil

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

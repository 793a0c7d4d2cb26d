/// The `general.architecture` values the engine runs from a GGUF file, each on its forward
/// pass (the LLaMA family on `LlamaModel`, bloom and falcon on the LayerNorm decoder); any
/// other is refused with this list.
public enum GGUFArchitectures {
    /// The rotary layout of each architecture with rotary positions, as llama.cpp's
    /// `llama_model_rope_type` assigns it: NORM (adjacent pairs) for llama, NEOX (halves) for
    /// qwen2 and falcon. BLOOM has none: its positions are ALiBi biases.
    public static let ropeLayouts: [String: RopeLayout] = LlamaConfiguration.ropeLayouts.merging(["falcon": .halves]) { a, _ in a }

    /// Every architecture run: the rotary ones and bloom.
    public static var supported: [String] { (Array(ropeLayouts.keys) + ["bloom"]).sorted() }

    /// The rotary layout of the file's architecture.
    static func ropeLayout(of gguf: GGUFFile) throws -> RopeLayout {
        let architecture = try gguf.string("general.architecture")
        guard let layout = ropeLayouts[architecture] else {
            throw EngineError.unsupported(path: gguf.path, detail: "architecture '\(architecture)' has no rotary layout the engine knows")
        }
        return layout
    }

    /// The network for the file's `general.architecture`.
    public static func network(gguf: GGUFFile, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32) throws
        -> any LanguageModel
    {
        let architecture = try gguf.string("general.architecture")
        switch architecture {
        case "bloom": return try Bloom.model(gguf: gguf, threads: threads, activations: activations)
        case "falcon": return try Falcon.model(gguf: gguf, threads: threads, activations: activations)
        case _ where LlamaConfiguration.supportedArchitectures.contains(architecture):
            return try LlamaModel(gguf: gguf, threads: threads, activations: activations)
        default:
            throw EngineError.unsupported(
                path: gguf.path,
                detail: "architecture '\(architecture)' is not one the engine runs (supported: \(supported.joined(separator: ", ")))")
        }
    }
}

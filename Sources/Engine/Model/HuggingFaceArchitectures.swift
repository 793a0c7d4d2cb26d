/// The architectures a Hugging Face directory may hold, chosen by config.json's
/// `model_type` (or, without one, the class `architectures` names).
public enum HuggingFaceArchitectures {
    /// `model_type` and the transformers class its causal language model is saved from.
    public static let causalLMClasses: [String: String] = LlamaConfiguration.huggingFaceModelTypes.merging([
        "gpt2": "GPT2LMHeadModel", "bloom": "BloomForCausalLM", "falcon": "FalconForCausalLM",
    ]) { a, _ in a }

    public static var supported: [String] { causalLMClasses.keys.sorted() }

    /// `model_type`s of encoders, which `BertDirectory` reads (sentence embeddings, text
    /// classifiers) and which are not language models.
    public static let encoderModelTypes = [BertConfiguration.modelType]

    /// The directory's `model_type`, refused with the supported list when the engine does not run it.
    public static func modelType(of config: HuggingFaceConfig) throws -> String {
        let list = supported.joined(separator: ", ")
        let classes = try config.strings("architectures") ?? []
        guard let type = try config.string("model_type") ?? causalLMClasses.first(where: { classes.contains($0.value) })?.key else {
            throw EngineError.configKey(
                path: config.path, key: "model_type",
                detail: "is missing and 'architectures' (\(classes)) names no model the engine runs (supported model types: \(list))")
        }
        if encoderModelTypes.contains(type) {
            throw EngineError.configKey(
                path: config.path, key: "model_type",
                detail:
                    "is \"\(type)\", an encoder (sentence embeddings, text classifiers), not a language model the engine generates or scores with (supported: \(list))"
            )
        }
        guard let causalLM = causalLMClasses[type] else {
            throw EngineError.configKey(
                path: config.path, key: "model_type", detail: "is \"\(type)\", not an architecture the engine runs (supported: \(list))")
        }
        guard classes.isEmpty || classes.contains(causalLM) else {
            throw EngineError.configKey(
                path: config.path, key: "architectures", detail: "is \(classes); the engine runs \(type) checkpoints saved as \(causalLM)")
        }
        return type
    }

    /// The network for the directory's architecture.
    public static func network(
        directory: SafeTensorsDirectory, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32
    ) throws -> (architecture: String, network: any LanguageModel) {
        let type = try modelType(of: directory.config)
        switch type {
        case "gpt2": return (type, try GPT2.model(directory: directory, threads: threads, activations: activations))
        case "bloom": return (type, try Bloom.model(directory: directory, threads: threads, activations: activations))
        case "falcon": return (type, try Falcon.model(directory: directory, threads: threads, activations: activations))
        default:
            let model = try LlamaModel(directory: directory, threads: threads, activations: activations)
            return (model.configuration.architecture, model)
        }
    }
}

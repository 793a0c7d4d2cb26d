import Tokenizers

/// A model ready to run: the network, its tokenizer and chat template, and where it came from.
public struct LoadedModel: Sendable {
    /// The GGUF file or the Hugging Face directory.
    public let path: String
    /// The GGUF file; nil for a Hugging Face directory.
    public let gguf: GGUFFile?
    /// `general.architecture`, or config.json's `model_type`.
    public let architecture: String
    /// The files whose bytes are the model, in the order its digest reads them: the GGUF file,
    /// or config.json, the shard index if any and the safetensors files by name.
    public let identityFiles: [String]
    public let network: any LanguageModel
    public let tokenizer: any Tokenizer
    /// Nil when the file has no template or one the engine does not recognise.
    public let chatTemplate: ChatTemplate?

    /// `general.name`, else the file name without extension (a directory's name).
    public var name: String {
        if let name = gguf?.metadata["general.name"]?.string, !name.isEmpty { return name }
        return fileStem
    }

    /// The file name without its `.gguf` extension, or the directory's name (results are filed under it).
    public var fileStem: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
    }
}

/// Opens a model file and builds the network for its architecture.
public enum ModelLoader {
    /// A GGUF file, or a Hugging Face directory (config.json, safetensors, tokenizer.json).
    public static func load(path: String, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32) throws
        -> LoadedModel
    {
        if SafeTensorsDirectory.isDirectory(path) { return try loadDirectory(path: path, threads: threads, activations: activations) }
        let gguf = try GGUFFile(path: path)
        let architecture = try gguf.string("general.architecture")
        let network = try GGUFArchitectures.network(gguf: gguf, threads: threads, activations: activations)
        let tokenizer = try TokenizerLoader.load(from: gguf)
        // A token past the embedding's rows would fail mid-run, on the first text that uses it.
        guard tokenizer.vocabularySize <= network.shape.vocabularySize else {
            throw EngineError.inconsistentCheckpoint(
                path: path,
                detail:
                    "metadata 'tokenizer.ggml.tokens' lists \(tokenizer.vocabularySize) tokens but token_embd.weight has \(network.shape.vocabularySize) rows; the file is damaged or was converted with another vocabulary, convert or download it again"
            )
        }
        let template = gguf.metadata["tokenizer.chat_template"] == nil ? nil : try? ChatTemplate(gguf: gguf)
        return LoadedModel(
            path: path, gguf: gguf, architecture: architecture, identityFiles: [path], network: network, tokenizer: tokenizer,
            chatTemplate: template)
    }

    /// The model type is checked first (a BERT encoder is named as such, not by its WordPiece
    /// tokenizer), then the tokenizer is read: a directory without one the engine reads fails
    /// before its weights are touched. (Chat templates of directories, in tokenizer_config.json,
    /// are not read yet: `--chat` needs a GGUF file.)
    private static func loadDirectory(path: String, threads: Int, activations: ActivationPrecision) throws -> LoadedModel {
        let directory = try SafeTensorsDirectory(path: path)
        _ = try HuggingFaceArchitectures.modelType(of: directory.config)
        let tokenizer = try TokenizerLoader.load(huggingFace: directory.path)
        let (architecture, network) = try HuggingFaceArchitectures.network(directory: directory, threads: threads, activations: activations)
        guard tokenizer.vocabularySize <= network.shape.vocabularySize else {
            throw EngineError.inconsistentCheckpoint(
                path: directory.path + "/tokenizer.json",
                detail: "it has \(tokenizer.vocabularySize) tokens but config.json's vocab_size is \(network.shape.vocabularySize)")
        }
        return LoadedModel(
            path: directory.path, gguf: nil, architecture: architecture, identityFiles: directory.identityFiles,
            network: network, tokenizer: tokenizer, chatTemplate: nil)
    }
}

import Tokenizers

/// A model ready to run: the network, its tokenizer and chat template, and where it came from.
public struct LoadedModel: Sendable {
    public let path: String
    public let gguf: GGUFFile
    public let network: any LanguageModel
    public let tokenizer: any Tokenizer
    /// Nil when the file has no template or one the engine does not recognise.
    public let chatTemplate: ChatTemplate?

    /// `general.name`, else the file name without extension.
    public var name: String {
        if let name = gguf.metadata["general.name"]?.string, !name.isEmpty { return name }
        return fileStem
    }

    /// The file name without its `.gguf` extension (results are filed under it).
    public var fileStem: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
    }
}

/// Opens a model file and builds the network for its architecture.
public enum ModelLoader {
    public static func load(path: String, threads: Int = Parallel.availableCores) throws -> LoadedModel {
        let gguf = try GGUFFile(path: path)
        let architecture = try gguf.string("general.architecture")
        let network: any LanguageModel
        switch architecture {
        case _ where LlamaConfiguration.supportedArchitectures.contains(architecture):
            network = try LlamaModel(gguf: gguf, threads: threads)
        default:
            throw EngineError.unsupported(
                path: path,
                detail:
                    "architecture '\(architecture)' is not supported (supported: \(LlamaConfiguration.supportedArchitectures.sorted().joined(separator: ", ")))"
            )
        }
        let tokenizer = try TokenizerLoader.load(from: gguf)
        let template = gguf.metadata["tokenizer.chat_template"] == nil ? nil : try? ChatTemplate(gguf: gguf)
        return LoadedModel(path: path, gguf: gguf, network: network, tokenizer: tokenizer, chatTemplate: template)
    }
}

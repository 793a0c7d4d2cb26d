import Tokenizers

/// Reading the template from a GGUF file stays in Engine, which owns the file format; the
/// Tokenizers target only sees template text.
extension ChatTemplate {
    /// The template of a GGUF file (`tokenizer.chat_template`), with BOS/EOS texts from its vocabulary.
    public init(gguf: GGUFFile) throws {
        let template = try gguf.string("tokenizer.chat_template")
        let tokens = (try? gguf.array("tokenizer.ggml.tokens")) ?? []
        func text(_ key: String, _ fallback: String) -> String {
            guard let id = gguf.metadata[key]?.int, id >= 0, id < tokens.count else { return fallback }
            return tokens[id].string ?? fallback
        }
        guard let format = Self.recognise(template) else {
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "metadata 'tokenizer.chat_template' is none of the recognised chat formats (ChatML <|im_start|>, Llama 3 <|start_header_id|>, [INST], Gemma <start_of_turn>); render the prompt yourself or add the format to ChatTemplate"
            )
        }
        self.init(
            format: format, bosText: text("tokenizer.ggml.bos_token_id", "<s>"),
            eosText: text("tokenizer.ggml.eos_token_id", "</s>"))
    }
}

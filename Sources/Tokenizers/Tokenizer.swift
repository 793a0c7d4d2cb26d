/// Text to token ids and back, as the model's own tokenizer (llama.cpp's, for GGUF files) does.
///
/// Implementations are immutable and safe to share between threads; the only state that
/// changes is an internal word cache behind a lock.
public protocol Tokenizer: Sendable {
    var vocabularySize: Int { get }
    var bosID: Int32? { get }
    var eosID: Int32? { get }
    /// Whether encode(addSpecialTokens: true) prepends BOS (tokenizer.ggml.add_bos_token, with the model-type default).
    var addsBOS: Bool { get }
    /// - Parameters:
    ///   - addSpecialTokens: add BOS (and EOS) as the GGUF metadata asks.
    ///   - parseSpecial: map control-token text such as `<|im_start|>` to its id; user-defined
    ///     tokens are always recognised, as in llama.cpp.
    func encode(_ text: String, addSpecialTokens: Bool, parseSpecial: Bool) -> [Int32]
    /// The text of the ids. Byte-level vocabularies render control tokens as their text (as
    /// Hugging Face does); SentencePiece ones render them as nothing and drop the dummy-prefix
    /// space of the first piece (as sentencepiece does).
    func decode(_ ids: [Int32]) -> String
    /// The raw bytes a token stands for (for streaming output that must not split UTF-8 characters).
    func bytes(of id: Int32) -> [UInt8]
    /// The token's stored string.
    func piece(_ id: Int32) -> String
}

extension Tokenizer {
    /// llama.cpp's defaults: special tokens added and parsed.
    public func encode(_ text: String) -> [Int32] {
        encode(text, addSpecialTokens: true, parseSpecial: true)
    }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        encode(text, addSpecialTokens: addSpecialTokens, parseSpecial: true)
    }
}

/// GGUF `tokenizer.ggml.token_type` values (llama.cpp's LLAMA_TOKEN_TYPE_*).
public enum TokenType: Int32, Sendable {
    case undefined = 0
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6
}

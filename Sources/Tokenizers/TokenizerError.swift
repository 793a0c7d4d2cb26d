/// Errors the tokenizers report. This target reads no files, so the errors name what is at
/// fault in the caller's input; a loader adds where that input came from.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// A byte-level BPE vocabulary asks for a pre-tokenizer (`tokenizer.ggml.pre`) not implemented here.
    case unknownPreTokenizer(String)
    /// A chat template is none of the formats `ChatTemplate` renders.
    case unrecognisedChatTemplate
    /// A byte-fallback vocabulary lacks one of the 256 `<0xNN>` tokens.
    case missingByteToken(String)
    /// A WordPiece tokenizer's special token (`role`: unknown, classifier, separator,
    /// padding) is not a piece of its vocabulary.
    case missingSpecialToken(role: String, piece: String)
    /// A maximum length too short for [CLS] and [SEP] around at least one token.
    case maximumLengthTooShort(Int)

    public var description: String {
        switch self {
        case let .unknownPreTokenizer(name):
            return "the pre-tokenizer \(name.debugDescription) is not implemented (known: \(PreTokenizerCatalog.knownNames))"
        case let .missingSpecialToken(role, piece):
            return "the \(role) token \(piece.debugDescription) is not in the vocabulary"
        case let .maximumLengthTooShort(length):
            return "a maximum length of \(length) tokens leaves no room for text between [CLS] and [SEP]; it must be at least 3"
        case .unrecognisedChatTemplate:
            return
                "the chat template is none of the recognised formats (ChatML <|im_start|>, Llama 3 <|start_header_id|>, [INST], Gemma <start_of_turn>); render the prompt yourself or add the format to ChatTemplate"
        case let .missingByteToken(name):
            return "the vocabulary has no \(name) token, and byte fallback needs all 256 from <0x00> to <0xFF>"
        }
    }
}

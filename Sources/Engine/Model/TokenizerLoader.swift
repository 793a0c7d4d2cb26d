import Tokenizers

/// Builds the tokenizer a GGUF file describes in its `tokenizer.ggml.*` metadata, with
/// llama.cpp's defaults for keys the file leaves out.
public enum TokenizerLoader {
    public static func load(from gguf: GGUFFile) throws -> any Tokenizer {
        let model = try gguf.string("tokenizer.ggml.model")
        switch model {
        case "gpt2":
            return try loadByteLevelBPE(gguf)
        case "llama":
            return try loadSentencePiece(gguf)
        default:
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "metadata 'tokenizer.ggml.model' is \(model.debugDescription); only \"gpt2\" (byte-level BPE) and \"llama\" (SentencePiece BPE) tokenizers are supported"
            )
        }
    }

    private static func loadByteLevelBPE(_ gguf: GGUFFile) throws -> ByteLevelBPETokenizer {
        let vocabulary = try Vocabulary.load(from: gguf)
        let preName = try optionalString(gguf, "tokenizer.ggml.pre") ?? "default"
        guard PreTokenizerCatalog.knows(preName) else {
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "metadata 'tokenizer.ggml.pre' is \(preName.debugDescription), a pre-tokenizer this engine does not implement (known: \(PreTokenizerCatalog.knownNames))"
            )
        }
        let mergeValues = try gguf.array("tokenizer.ggml.merges")
        var merges: [String] = []
        merges.reserveCapacity(mergeValues.count)
        for (index, value) in mergeValues.enumerated() {
            guard let s = value.string else {
                throw EngineError.malformedGGUF(
                    path: gguf.path, detail: "metadata 'tokenizer.ggml.merges' item \(index) is \(value.typeName), not a string")
            }
            merges.append(s)
        }
        // llama.cpp: Llama 3 style vocabularies add BOS and look whole words up before merging.
        let llama3Style = ["llama3", "llama-v3", "llama-bpe", "falcon3"].contains(preName)
        return try ByteLevelBPETokenizer(
            vocabulary: vocabulary, merges: merges, preTokenizerName: preName, ignoresMerges: llama3Style,
            // llama.cpp falls back to id 11 (GPT-2's era); a file without the key has no such token here.
            bosID: try tokenID(gguf, "tokenizer.ggml.bos_token_id", vocabulary: vocabulary, default: nil),
            eosID: try tokenID(gguf, "tokenizer.ggml.eos_token_id", vocabulary: vocabulary, default: nil),
            addsBOS: try optionalBool(gguf, "tokenizer.ggml.add_bos_token") ?? llama3Style,
            addsEOS: try optionalBool(gguf, "tokenizer.ggml.add_eos_token") ?? false)
    }

    private static func loadSentencePiece(_ gguf: GGUFFile) throws -> SentencePieceTokenizer {
        let vocabulary = try Vocabulary.load(from: gguf)
        let unknownID = try tokenID(gguf, "tokenizer.ggml.unknown_token_id", vocabulary: vocabulary, default: 0) ?? 0
        return SentencePieceTokenizer(
            vocabulary: vocabulary,
            bosID: try tokenID(gguf, "tokenizer.ggml.bos_token_id", vocabulary: vocabulary, default: 1),
            eosID: try tokenID(gguf, "tokenizer.ggml.eos_token_id", vocabulary: vocabulary, default: 2),
            unknownID: unknownID,
            addsBOS: try optionalBool(gguf, "tokenizer.ggml.add_bos_token") ?? true,
            addsEOS: try optionalBool(gguf, "tokenizer.ggml.add_eos_token") ?? false,
            addsSpacePrefix: try optionalBool(gguf, "tokenizer.ggml.add_space_prefix") ?? true)
    }

    /// A special-token id from the metadata, or the model-type default; an id outside the
    /// vocabulary falls back to the default (with no token if that is outside too), as llama.cpp does.
    private static func tokenID(_ gguf: GGUFFile, _ key: String, vocabulary: Vocabulary, default fallback: Int32?) throws -> Int32? {
        let valid = { (id: Int) in id >= 0 && id < vocabulary.count }
        if gguf.metadata[key] != nil {
            let id = try gguf.int(key)
            // A stated id outside the vocabulary is a damaged file, not a missing token.
            guard valid(id) else {
                throw EngineError.malformedGGUF(
                    path: gguf.path, detail: "metadata '\(key)' is \(id), outside the vocabulary of \(vocabulary.count) tokens")
            }
            return Int32(id)
        }
        guard let fallback, valid(Int(fallback)) else { return nil }
        return fallback
    }

    private static func optionalString(_ gguf: GGUFFile, _ key: String) throws -> String? {
        gguf.metadata[key] == nil ? nil : try gguf.string(key)
    }

    private static func optionalBool(_ gguf: GGUFFile, _ key: String) throws -> Bool? {
        guard let value = gguf.metadata[key] else { return nil }
        if let b = value.bool { return b }
        if let i = value.int { return i != 0 }
        throw EngineError.malformedGGUF(path: gguf.path, detail: "metadata '\(key)' is \(value.typeName), not a bool")
    }
}

extension Vocabulary {
    /// Reads tokens, token types and scores; checks that the three arrays agree.
    static func load(from gguf: GGUFFile) throws -> Vocabulary {
        let tokenValues = try gguf.array("tokenizer.ggml.tokens")
        guard !tokenValues.isEmpty else {
            throw EngineError.malformedGGUF(path: gguf.path, detail: "metadata 'tokenizer.ggml.tokens' is empty")
        }
        var pieces: [String] = []
        pieces.reserveCapacity(tokenValues.count)
        for (index, value) in tokenValues.enumerated() {
            guard let s = value.string else {
                throw EngineError.malformedGGUF(
                    path: gguf.path, detail: "metadata 'tokenizer.ggml.tokens' item \(index) is \(value.typeName), not a string")
            }
            pieces.append(s)
        }

        var types = Array(repeating: TokenType.normal, count: pieces.count)
        if gguf.metadata["tokenizer.ggml.token_type"] != nil {
            let values = try gguf.array("tokenizer.ggml.token_type")
            guard values.count == pieces.count else {
                throw EngineError.malformedGGUF(
                    path: gguf.path,
                    detail: "metadata 'tokenizer.ggml.token_type' has \(values.count) items but there are \(pieces.count) tokens")
            }
            for (index, value) in values.enumerated() {
                guard let raw = value.int else {
                    throw EngineError.malformedGGUF(
                        path: gguf.path, detail: "metadata 'tokenizer.ggml.token_type' item \(index) is \(value.typeName), not an integer")
                }
                types[index] = TokenType(rawValue: Int32(truncatingIfNeeded: raw)) ?? .undefined
            }
        }

        var scores = Array(repeating: Float(0), count: pieces.count)
        if gguf.metadata["tokenizer.ggml.scores"] != nil {
            let values = try gguf.array("tokenizer.ggml.scores")
            guard values.count == pieces.count else {
                throw EngineError.malformedGGUF(
                    path: gguf.path,
                    detail: "metadata 'tokenizer.ggml.scores' has \(values.count) items but there are \(pieces.count) tokens")
            }
            for (index, value) in values.enumerated() {
                guard let score = value.double else {
                    throw EngineError.malformedGGUF(
                        path: gguf.path, detail: "metadata 'tokenizer.ggml.scores' item \(index) is \(value.typeName), not a number")
                }
                scores[index] = Float(score)
            }
        }
        return Vocabulary(pieces: pieces, types: types, scores: scores)
    }
}

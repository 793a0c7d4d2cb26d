import Foundation
import Tokenizers

/// A Hugging Face `tokenizer.json` read as JSON, with the parts every BPE flavour shares:
/// the pieces by id (model vocabulary plus added tokens), the BOS its post-processor adds, and
/// the EOS config.json names. Each refusal names the key at fault.
struct HuggingFaceTokenizerFile {
    let path: String
    let directory: String
    let json: [String: Any]
    let model: [String: Any]

    init(directory: String) throws {
        path = directory + "/tokenizer.json"
        self.directory = directory
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.unsupported(
                path: path,
                detail:
                    "not found; running a Hugging Face directory needs the tokenizer.json its model was trained with (byte-level or SentencePiece-style BPE), so copy it from the model's repository (`sadi-eval inspect` works without it)"
            )
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw EngineError.inconsistentCheckpoint(path: path, detail: "it is not a JSON object")
        }
        self.json = json
        guard let model = json["model"] as? [String: Any] else {
            throw EngineError.configKey(path: path, key: "model", detail: "is missing; \(Self.implemented)")
        }
        self.model = model
    }

    static let implemented =
        "the engine reads byte-level BPE (model BPE, a ByteLevel pre-tokenizer, no normalizer) and SentencePiece-style BPE (model BPE with byte_fallback true, a Prepend/Replace normalizer or a Metaspace pre-tokenizer)"

    func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: path, key: key, detail: detail) }

    /// The value at `key`, with JSON null as absent.
    func present(_ value: Any?) -> Any? { value is NSNull ? nil : value }

    /// The `type` of a JSON object, for messages.
    func typeName(_ value: Any?) -> String {
        guard let value = present(value) else { return "missing" }
        return "\((value as? [String: Any])?["type"] ?? value)"
    }

    /// Pieces by id: the model's vocabulary and the added tokens, which must leave no gap.
    /// `byteFallback` types `<0xNN>` pieces as byte tokens.
    func vocabulary(byteFallback: Bool) throws -> Vocabulary {
        guard let vocab = model["vocab"] as? [String: Int] else { throw refuse("model.vocab", "is not a map of pieces to ids") }
        var byID: [Int: (piece: String, type: TokenType)] = [:]
        for (piece, id) in vocab {
            byID[id] = (piece, byteFallback && ByteFallbackBPETokenizer.isByteToken(piece) ? .byte : .normal)
        }
        let addedTokens = (json["added_tokens"] as? [[String: Any]]) ?? []
        for (index, value) in addedTokens.enumerated() {
            guard let id = value["id"] as? Int, let content = value["content"] as? String else {
                throw refuse("added_tokens", "item \(index) lacks an id or content")
            }
            // These change where an added token matches; the engine cuts out the exact text.
            for flag in ["lstrip", "rstrip", "single_word"] where value[flag] as? Bool == true {
                throw refuse(
                    "added_tokens",
                    "item \(index) (\(content.debugDescription)) has \(flag) true; the engine matches added tokens as exact text only")
            }
            // A normalised added token is looked for in the normalised text, which the engine does not do.
            if present(json["normalizer"]) != nil, value["normalized"] as? Bool == true {
                throw refuse(
                    "added_tokens",
                    "item \(index) (\(content.debugDescription)) has normalized true, so it would be matched after the normalizer, which the engine does not implement"
                )
            }
            // Special tokens are control tokens (never produced from text unless asked for);
            // other added tokens are cut out of text as they are.
            byID[id] = (content, value["special"] as? Bool == true ? .control : .userDefined)
        }
        let count = (byID.keys.max() ?? -1) + 1
        guard count > 0, byID.keys.allSatisfy({ $0 >= 0 }) else { throw refuse("model.vocab", "is empty or has negative ids") }
        if let gap = (0..<count).first(where: { byID[$0] == nil }) {
            throw refuse("model.vocab", "has no token with id \(gap) (nor has added_tokens), though there are higher ids")
        }
        let entries = (0..<count).map { byID[$0]! }
        return Vocabulary(pieces: entries.map(\.piece), types: entries.map(\.type), scores: [Float](repeating: 0, count: count))
    }

    /// Merges as pairs: "left right" strings, or [left, right] pairs in tokenizers ≥ 0.20.
    func mergePairs() throws -> [(left: String, right: String)] {
        var merges: [(left: String, right: String)] = []
        for (index, merge) in ((model["merges"] as? [Any]) ?? []).enumerated() {
            if let text = merge as? String {
                // Split on the space scalar: a space followed by a combining mark (Tamil "ன ்")
                // is one Swift Character, which a Character split would miss.
                let parts = text.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw refuse("model.merges", "item \(index) (\(text.debugDescription)) is not two pieces separated by one space")
                }
                merges.append((String(String.UnicodeScalarView(parts[0])), String(String.UnicodeScalarView(parts[1]))))
            } else if let pair = merge as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else {
                throw refuse("model.merges", "item \(index) is neither \"left right\" nor a pair of strings")
            }
        }
        return merges
    }

    /// BOS: a TemplateProcessing post-processor that puts a special token before the text.
    func bosID(in vocabulary: Vocabulary) throws -> Int32? {
        guard let post = present(json["post_processor"]) as? [String: Any] else { return nil }
        switch post["type"] as? String {
        case "ByteLevel":
            return nil
        case "TemplateProcessing":
            let single = (post["single"] as? [[String: Any]]) ?? []
            if single.dropFirst().contains(where: { $0["SpecialToken"] != nil }) {
                throw refuse("post_processor.single", "adds special tokens after the text, which the engine does not implement")
            }
            guard let first = (single.first?["SpecialToken"] as? [String: Any])?["id"] as? String else { return nil }
            guard let id = vocabulary.id(of: first) else {
                throw refuse("post_processor.single", "adds '\(first)', which is not in the vocabulary")
            }
            return id
        default:
            throw refuse(
                "post_processor", "is \(typeName(post)); the engine implements ByteLevel and TemplateProcessing with a leading token")
        }
    }

    /// EOS (where generation stops): config.json's eos_token_id, a number or a list.
    func eosID(tokenCount: Int) throws -> Int32? {
        let config = try? HuggingFaceConfig(path: directory + "/config.json")
        guard let raw = config?.value("eos_token_id") else { return nil }
        let id = (raw as? Int) ?? (raw as? [Int])?.first
        guard let id, id >= 0, id < tokenCount else {
            throw EngineError.configKey(
                path: directory + "/config.json", key: "eos_token_id",
                detail: "is \(raw), not a token of the \(tokenCount) in tokenizer.json")
        }
        return Int32(id)
    }
}

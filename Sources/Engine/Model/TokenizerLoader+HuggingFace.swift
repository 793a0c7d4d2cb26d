import Foundation
import Tokenizers

/// The tokenizer a Hugging Face directory's `tokenizer.json` describes. The engine reads
/// byte-level BPE as GPT-2 defined it: a `BPE` model over bytes mapped to printable
/// characters, a `ByteLevel` pre-tokenizer with GPT-2's word split, no normaliser, added
/// tokens cut out first. Anything else splits text differently and would give other token
/// ids, so it is refused by key.
extension TokenizerLoader {
    public static func load(huggingFace directory: String) throws -> any Tokenizer {
        let path = directory + "/tokenizer.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.unsupported(
                path: path,
                detail:
                    "not found; running a Hugging Face directory needs the tokenizer.json its model was trained with (byte-level BPE), so copy it from the model's repository (`sadi-eval inspect` works without it)"
            )
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw EngineError.inconsistentCheckpoint(path: path, detail: "it is not a JSON object")
        }
        func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: path, key: key, detail: detail) }
        func present(_ value: Any?) -> Any? { value is NSNull ? nil : value }
        let implemented = "the engine reads byte-level BPE tokenizers (model BPE, a ByteLevel pre-tokenizer, no normalizer)"

        guard let model = json["model"] as? [String: Any] else { throw refuse("model", "is missing; \(implemented)") }
        guard let type = model["type"] as? String, type == "BPE" else {
            throw refuse("model.type", "is \(model["type"].map { "\($0)" } ?? "missing"); \(implemented)")
        }
        if model["byte_fallback"] as? Bool == true {
            throw refuse(
                "model.byte_fallback", "is true, a SentencePiece-style BPE the engine does not read from tokenizer.json; \(implemented)")
        }
        if let normalizer = present(json["normalizer"]) {
            throw refuse("normalizer", "is \((normalizer as? [String: Any])?["type"] ?? normalizer); \(implemented)")
        }
        guard let pre = present(json["pre_tokenizer"]) as? [String: Any], pre["type"] as? String == "ByteLevel" else {
            throw refuse("pre_tokenizer", "is \((present(json["pre_tokenizer"]) as? [String: Any])?["type"] ?? "missing"); \(implemented)")
        }
        if pre["add_prefix_space"] as? Bool == true {
            throw refuse("pre_tokenizer.add_prefix_space", "is true; the engine does not add a prefix space")
        }
        if pre["use_regex"] as? Bool == false {
            throw refuse("pre_tokenizer.use_regex", "is false; the engine splits words with GPT-2's pattern")
        }
        if let decoder = present(json["decoder"]) as? [String: Any], decoder["type"] as? String != "ByteLevel" {
            throw refuse("decoder", "is \(decoder["type"] ?? decoder); byte-level BPE decodes with ByteLevel")
        }

        // Pieces by id: the model's vocabulary and the added tokens, which must leave no gap.
        guard let vocab = model["vocab"] as? [String: Int] else { throw refuse("model.vocab", "is not a map of pieces to ids") }
        var byID: [Int: (piece: String, type: TokenType)] = [:]
        for (piece, id) in vocab { byID[id] = (piece, .normal) }
        for (index, value) in ((json["added_tokens"] as? [[String: Any]]) ?? []).enumerated() {
            guard let id = value["id"] as? Int, let content = value["content"] as? String else {
                throw refuse("added_tokens", "item \(index) lacks an id or content")
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
        return try makeTokenizer(entries: (0..<count).map { byID[$0]! }, model: model, json: json, directory: directory, refuse: refuse)
    }

    private static func makeTokenizer(
        entries: [(piece: String, type: TokenType)], model: [String: Any], json: [String: Any], directory: String,
        refuse: (String, String) -> EngineError
    ) throws -> ByteLevelBPETokenizer {
        let vocabulary = Vocabulary(
            pieces: entries.map(\.piece), types: entries.map(\.type), scores: [Float](repeating: 0, count: entries.count))
        // Merges are "left right" strings, or [left, right] pairs in tokenizers ≥ 0.20.
        var merges: [String] = []
        for (index, merge) in ((model["merges"] as? [Any]) ?? []).enumerated() {
            if let text = merge as? String {
                merges.append(text)
            } else if let pair = merge as? [String], pair.count == 2 {
                merges.append(pair[0] + " " + pair[1])
            } else {
                throw refuse("model.merges", "item \(index) is neither \"left right\" nor a pair of strings")
            }
        }
        let ids = Dictionary(entries.enumerated().map { ($0.element.piece, Int32($0.offset)) }, uniquingKeysWith: { a, _ in a })
        // BOS: a TemplateProcessing post-processor that puts a special token before the text.
        var bosID: Int32? = nil
        if let post = json["post_processor"] as? [String: Any] {
            switch post["type"] as? String {
            case "ByteLevel":
                break
            case "TemplateProcessing":
                let single = (post["single"] as? [[String: Any]]) ?? []
                let first = (single.first?["SpecialToken"] as? [String: Any])?["id"] as? String
                if let first {
                    guard let id = ids[first] else {
                        throw refuse("post_processor.single", "adds '\(first)', which is not in the vocabulary")
                    }
                    bosID = id
                }
                if single.dropFirst().contains(where: { $0["SpecialToken"] != nil }) {
                    throw refuse("post_processor.single", "adds special tokens after the text, which the engine does not implement")
                }
            default:
                throw refuse(
                    "post_processor",
                    "is \(post["type"] ?? post); the engine implements ByteLevel and TemplateProcessing with a leading token")
            }
        }
        // EOS (where generation stops): config.json's eos_token_id, a number or a list.
        let config = try? HuggingFaceConfig(path: directory + "/config.json")
        var eosID: Int32? = nil
        if let raw = config?.value("eos_token_id") {
            let id = (raw as? Int) ?? (raw as? [Int])?.first
            guard let id, id >= 0, id < entries.count else {
                throw EngineError.configKey(
                    path: directory + "/config.json", key: "eos_token_id",
                    detail: "is \(raw), not a token of the \(entries.count) in tokenizer.json")
            }
            eosID = Int32(id)
        }
        return try ByteLevelBPETokenizer(
            vocabulary: vocabulary, merges: merges, preTokenizerName: "gpt2", ignoresMerges: model["ignore_merges"] as? Bool == true,
            bosID: bosID, eosID: eosID, addsBOS: bosID != nil, addsEOS: false)
    }
}

import Foundation
import Tokenizers

/// The tokenizer a Hugging Face directory's `tokenizer.json` describes. The engine reads two
/// flavours of BPE: byte-level BPE as GPT-2 defined it (a `BPE` model over bytes mapped to
/// printable characters, a `ByteLevel` pre-tokenizer with GPT-2's word split, no normaliser),
/// and SentencePiece-style BPE as Llama-family repositories ship it (`byte_fallback`, spaces
/// escaped to `▁`; see `load(sentencePieceStyle:)`). Added tokens are cut out first in both.
/// Anything else splits text differently and would give other token ids, so it is refused by key.
extension TokenizerLoader {
    public static func load(huggingFace directory: String) throws -> any Tokenizer {
        let file = try HuggingFaceTokenizerFile(directory: directory)
        let model = file.model
        guard let type = model["type"] as? String, type == "BPE" else {
            throw file.refuse("model.type", "is \(model["type"].map { "\($0)" } ?? "missing"); \(HuggingFaceTokenizerFile.implemented)")
        }
        if model["byte_fallback"] as? Bool == true { return try load(sentencePieceStyle: file) }
        return try load(byteLevel: file)
    }

    private static func load(byteLevel file: HuggingFaceTokenizerFile) throws -> ByteLevelBPETokenizer {
        let json = file.json
        let implemented = HuggingFaceTokenizerFile.implemented
        if let normalizer = file.present(json["normalizer"]) {
            throw file.refuse("normalizer", "is \(file.typeName(normalizer)) while model.byte_fallback is not true; \(implemented)")
        }
        guard let pre = file.present(json["pre_tokenizer"]) as? [String: Any], pre["type"] as? String == "ByteLevel" else {
            throw file.refuse(
                "pre_tokenizer", "is \(file.typeName(json["pre_tokenizer"])) while model.byte_fallback is not true; \(implemented)")
        }
        if pre["add_prefix_space"] as? Bool == true {
            throw file.refuse("pre_tokenizer.add_prefix_space", "is true; the engine does not add a prefix space")
        }
        if pre["use_regex"] as? Bool == false {
            throw file.refuse("pre_tokenizer.use_regex", "is false; the engine splits words with GPT-2's pattern")
        }
        if let decoder = file.present(json["decoder"]) as? [String: Any], decoder["type"] as? String != "ByteLevel" {
            throw file.refuse("decoder", "is \(file.typeName(decoder)); byte-level BPE decodes with ByteLevel")
        }
        let vocabulary = try file.vocabulary(byteFallback: false)
        let merges = try file.mergePairs().map { $0.left + " " + $0.right }
        let bosID = try file.bosID(in: vocabulary)
        return try ByteLevelBPETokenizer(
            vocabulary: vocabulary, merges: merges, preTokenizerName: "gpt2", ignoresMerges: file.model["ignore_merges"] as? Bool == true,
            bosID: bosID, eosID: try file.eosID(tokenCount: vocabulary.count), addsBOS: bosID != nil, addsEOS: false)
    }
}

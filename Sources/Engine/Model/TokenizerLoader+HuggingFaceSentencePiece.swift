import Foundation
import Tokenizers

/// SentencePiece-style BPE from tokenizer.json, in the forms transformers' LlamaConverter writes:
/// model `BPE` with `byte_fallback: true`; either the normaliser `Sequence[Prepend("▁"),
/// Replace(" ", "▁")]` with no pre-tokenizer (legacy), or no normaliser and a `Metaspace`
/// pre-tokenizer (`prepend_scheme` always, first or never; `split: false`); the decoder
/// `Sequence[Replace("▁", " "), ByteFallback, Fuse, Strip(" ", 1, 0)]` or `Metaspace`.
extension TokenizerLoader {
    static func load(sentencePieceStyle file: HuggingFaceTokenizerFile) throws -> ByteFallbackBPETokenizer {
        try checkModel(file)
        let escaping = MetaspaceEscaping(normalizer: try normalizerSteps(file), metaspace: try metaspace(file))
        let decoding = try decoding(file)
        let vocabulary = try file.vocabulary(byteFallback: true)
        let merges = try file.mergePairs()
        // tokenizers refuses such a file too: every merge's parts and result must be pieces.
        for (index, merge) in merges.enumerated() {
            for piece in [merge.left, merge.right, merge.left + merge.right] where vocabulary.id(of: piece) == nil {
                throw file.refuse(
                    "model.merges",
                    "item \(index) (\(merge.left.debugDescription), \(merge.right.debugDescription)) needs \(piece.debugDescription), which is not in model.vocab"
                )
            }
        }
        let bosID = try file.bosID(in: vocabulary)
        do {
            return try ByteFallbackBPETokenizer(
                vocabulary: vocabulary, merges: merges, escaping: escaping, decoding: decoding, bosID: bosID,
                eosID: try file.eosID(tokenCount: vocabulary.count), addsBOS: bosID != nil, addsEOS: false)
        } catch let error as TokenizerError {
            throw file.refuse("model.vocab", "is unusable with model.byte_fallback: \(error)")
        }
    }

    /// The model keys that would change which pieces come out.
    private static func checkModel(_ file: HuggingFaceTokenizerFile) throws {
        let model = file.model
        if let dropout = file.present(model["dropout"]), (dropout as? Double) != 0 {
            throw file.refuse("model.dropout", "is \(dropout); BPE dropout skips merges at random, which the engine does not do")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = file.present(model[key]), (affix as? String) != "" {
                throw file.refuse("model.\(key)", "is \(affix); the engine's SentencePiece-style BPE has no subword affixes")
            }
        }
        if model["ignore_merges"] as? Bool == true {
            throw file.refuse("model.ignore_merges", "is true, which the engine implements for byte-level BPE only")
        }
        // fuse_unk and unk_token matter only for a character with no byte token, and the
        // tokenizer requires all 256.
    }

    /// `Prepend` and string `Replace` steps, alone or in a `Sequence`.
    private static func normalizerSteps(_ file: HuggingFaceTokenizerFile) throws -> [MetaspaceEscaping.NormalizerStep] {
        guard let normalizer = file.present(file.json["normalizer"]) as? [String: Any] else {
            if let other = file.present(file.json["normalizer"]) { throw file.refuse("normalizer", "is \(other), not an object") }
            return []
        }
        let isSequence = normalizer["type"] as? String == "Sequence"
        let steps = isSequence ? (normalizer["normalizers"] as? [[String: Any]] ?? []) : [normalizer]
        return try steps.enumerated().map { index, step in
            let key = isSequence ? "normalizer.normalizers[\(index)]" : "normalizer"
            switch step["type"] as? String {
            case "Prepend":
                guard let prefix = step["prepend"] as? String else { throw file.refuse(key + ".prepend", "is not a string") }
                return .prepend(prefix)
            case "Replace":
                return try replaceStep(step, key: key, file: file)
            default:
                throw file.refuse(
                    key,
                    "is \(file.typeName(step)); with byte_fallback the engine implements the normalizers Prepend and Replace (a string pattern)"
                )
            }
        }
    }

    private static func replaceStep(_ step: [String: Any], key: String, file: HuggingFaceTokenizerFile) throws
        -> MetaspaceEscaping.NormalizerStep
    {
        guard let pattern = step["pattern"] as? [String: Any], let literal = pattern["String"] as? String, !literal.isEmpty else {
            throw file.refuse(
                key + ".pattern",
                "is \((step["pattern"] as? [String: Any])?.keys.sorted() ?? []); the engine implements Replace with a non-empty String pattern, not a Regex"
            )
        }
        guard let content = step["content"] as? String else { throw file.refuse(key + ".content", "is not a string") }
        return .replace(pattern: literal, content: content)
    }

    /// A `Metaspace` pre-tokenizer, or none.
    private static func metaspace(_ file: HuggingFaceTokenizerFile) throws -> MetaspaceEscaping.Metaspace? {
        guard let pre = file.present(file.json["pre_tokenizer"]) else { return nil }
        guard let object = pre as? [String: Any], object["type"] as? String == "Metaspace" else {
            throw file.refuse(
                "pre_tokenizer", "is \(file.typeName(pre)); with byte_fallback the engine implements none or Metaspace")
        }
        // tokenizers' default is to split at every replacement character; Llama files say false.
        if object["split"] as? Bool ?? true {
            throw file.refuse(
                "pre_tokenizer.split",
                "is \(object["split"] == nil ? "missing (tokenizers' default, true)" : "true"); the engine implements Metaspace with split false"
            )
        }
        return .init(
            replacement: try replacement(object, key: "pre_tokenizer", file: file),
            prependScheme: try prependScheme(object, key: "pre_tokenizer", file: file))
    }

    /// `prepend_scheme`, defaulting to always. Files older than it say `add_prefix_space`, which
    /// tokenizers reads as agreeing with the scheme: false is allowed only with never.
    private static func prependScheme(_ object: [String: Any], key: String, file: HuggingFaceTokenizerFile) throws
        -> MetaspaceEscaping.PrependScheme
    {
        var scheme = MetaspaceEscaping.PrependScheme.always
        if let raw = object["prepend_scheme"] {
            guard let name = raw as? String, let named = MetaspaceEscaping.PrependScheme(rawValue: name) else {
                throw file.refuse(key + ".prepend_scheme", "is \(raw); tokenizers knows always, first and never")
            }
            scheme = named
        }
        if object["add_prefix_space"] as? Bool == false, scheme != .never {
            throw file.refuse(
                key + ".add_prefix_space", "is false but the prepend scheme is \(scheme.rawValue), a contradiction tokenizers refuses too")
        }
        return scheme
    }

    private static func replacement(_ object: [String: Any], key: String, file: HuggingFaceTokenizerFile) throws -> String {
        guard let replacement = object["replacement"] as? String, replacement.unicodeScalars.count == 1 else {
            throw file.refuse(key + ".replacement", "is \(object["replacement"] ?? "missing"), not one character")
        }
        return replacement
    }

    /// `Sequence[Replace, ByteFallback, Fuse]` with an optional final `Strip`, or `Metaspace`.
    private static func decoding(_ file: HuggingFaceTokenizerFile) throws -> PieceDecoding {
        let forms = "with byte_fallback the engine implements Sequence[Replace, ByteFallback, Fuse, Strip] or Metaspace"
        guard let decoder = file.present(file.json["decoder"]) as? [String: Any] else {
            throw file.refuse("decoder", "is \(file.typeName(file.json["decoder"])); \(forms)")
        }
        switch decoder["type"] as? String {
        case "Metaspace":
            let scheme = try prependScheme(decoder, key: "decoder", file: file)
            return .metaspace(replacement: try replacement(decoder, key: "decoder", file: file), keepsFirst: scheme == .never)
        case "Sequence":
            let steps = decoder["decoders"] as? [[String: Any]] ?? []
            let types = steps.map { $0["type"] as? String ?? "?" }
            guard types.starts(with: ["Replace", "ByteFallback", "Fuse"]), types.count == 3 || (types.count == 4 && types[3] == "Strip")
            else {
                throw file.refuse("decoder.decoders", "is [\(types.joined(separator: ", "))]; \(forms)")
            }
            guard case let .replace(pattern, content) = try replaceStep(steps[0], key: "decoder.decoders[0]", file: file) else {
                throw file.refuse("decoder.decoders[0]", "is not a Replace")
            }
            guard types.count == 4 else { return .fused(pattern: pattern, content: content, stripped: " ", leading: 0, trailing: 0) }
            let strip = steps[3]
            guard let stripped = (strip["content"] as? String)?.unicodeScalars, stripped.count == 1,
                let leading = strip["start"] as? Int, let trailing = strip["stop"] as? Int, leading >= 0, trailing >= 0
            else {
                throw file.refuse("decoder.decoders[3]", "is not a Strip of one character with counts start and stop")
            }
            return .fused(pattern: pattern, content: content, stripped: stripped.first!, leading: leading, trailing: trailing)
        default:
            throw file.refuse("decoder", "is \(file.typeName(decoder)); \(forms)")
        }
    }
}

import Foundation
import Tokenizers

/// The WordPiece tokenizer of a BERT directory. The vocabulary is `vocab.txt` (one piece a
/// line, the id its line number), else tokenizer.json's `WordPiece` model; with both, they
/// must agree. The normaliser's settings come from tokenizer.json's `BertNormalizer` when
/// there is one, else from tokenizer_config.json (`do_lower_case`, `strip_accents`,
/// `tokenize_chinese_chars`), else transformers' BertTokenizer defaults (lower-case, strip
/// accents, split CJK); where both files state a setting they must agree. Any other
/// normaliser, pre-tokenizer, post-processor or model splits text differently and is refused
/// by file and key.
extension TokenizerLoader {
    public static let vocabularyFile = "vocab.txt"

    public static func load(wordPiece directory: String, maximumLength: Int?) throws -> WordPieceTokenizer {
        let manager = FileManager.default
        let vocabPath = directory + "/" + vocabularyFile
        let jsonPath = directory + "/tokenizer.json"
        let configPath = directory + "/tokenizer_config.json"
        let json = manager.fileExists(atPath: jsonPath) ? try HuggingFaceConfig(path: jsonPath) : nil
        let settings = manager.fileExists(atPath: configPath) ? try HuggingFaceConfig(path: configPath) : nil
        let fast = try json.map(FastTokenizerFile.init)

        var pieces: [String]
        if let data = manager.contents(atPath: vocabPath) {
            guard let text = String(data: data, encoding: .utf8) else {
                throw EngineError.inconsistentCheckpoint(path: vocabPath, detail: "it is not UTF-8 text")
            }
            pieces = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                String($0.hasSuffix("\r") ? $0.dropLast() : $0)
            }
            if pieces.last == "" { pieces.removeLast() }
            guard !pieces.isEmpty else { throw EngineError.inconsistentCheckpoint(path: vocabPath, detail: "it lists no tokens") }
            if let fast, fast.pieces != pieces {
                let first = zip(fast.pieces, pieces).enumerated().first { $0.element.0 != $0.element.1 }
                throw EngineError.inconsistentCheckpoint(
                    path: jsonPath,
                    detail: first.map {
                        "its 'model.vocab' gives id \($0.offset) to \($0.element.0.debugDescription) but \(vocabPath) to \($0.element.1.debugDescription)"
                    } ?? "its 'model.vocab' has \(fast.pieces.count) tokens but \(vocabPath) has \(pieces.count)")
            }
        } else if let fast {
            pieces = fast.pieces
        } else {
            throw EngineError.fileUnreadable(
                path: vocabPath,
                reason:
                    "a BERT directory needs the WordPiece vocabulary its model was trained with (vocab.txt, or tokenizer.json with a WordPiece model); copy it from the model's repository"
            )
        }

        let normalizer = try normalizerSettings(fast: fast, settings: settings)
        var special = WordPieceTokenizer.SpecialTokens()
        if let settings {
            if try settings.bool("do_basic_tokenize") == false {
                throw EngineError.configKey(
                    path: settings.path, key: "do_basic_tokenize",
                    detail: "is false; the engine always splits words as BERT's basic tokenizer does")
            }
            if let neverSplit = settings.value("never_split"), !((neverSplit as? [Any])?.isEmpty ?? false) {
                throw EngineError.configKey(
                    path: settings.path, key: "never_split", detail: "lists words; the engine does not implement it")
            }
            special.unknown = try tokenText(settings, "unk_token") ?? special.unknown
            special.classifier = try tokenText(settings, "cls_token") ?? special.classifier
            special.separator = try tokenText(settings, "sep_token") ?? special.separator
            special.padding = try tokenText(settings, "pad_token") ?? special.padding
        }
        if let fast {
            special.unknown = fast.unknown ?? special.unknown
            special.classifier = fast.classifier ?? special.classifier
            special.separator = fast.separator ?? special.separator
        }
        do {
            return try WordPieceTokenizer(
                pieces: pieces, normalizer: normalizer, special: special, recognised: fast?.addedTokens ?? [],
                continuingPrefix: fast?.continuingPrefix ?? "##", maxCharactersPerWord: fast?.maxCharactersPerWord ?? 100,
                maximumLength: maximumLength)
        } catch {
            throw EngineError.inconsistentCheckpoint(
                path: manager.fileExists(atPath: vocabPath) ? vocabPath : jsonPath, detail: error.description)
        }
    }

    /// tokenizer.json's BertNormalizer, else tokenizer_config.json's flags; refused where the
    /// two files disagree on a setting both state.
    private static func normalizerSettings(fast: FastTokenizerFile?, settings: HuggingFaceConfig?) throws -> BertNormalizer {
        let lowercase = try settings?.bool("do_lower_case")
        let chinese = try settings?.bool("tokenize_chinese_chars")
        let stripKey = settings?.value("strip_accents") != nil
        let strip = try settings?.bool("strip_accents")
        guard let fast else {
            return BertNormalizer(separatesChineseCharacters: chinese ?? true, stripsAccents: strip, lowercases: lowercase ?? true)
        }
        let normalizer = fast.normalizer
        let conflicts: [(String, String, Bool)] = [
            ("do_lower_case", "lowercase", lowercase.map { $0 != normalizer.lowercases } ?? false),
            ("tokenize_chinese_chars", "handle_chinese_chars", chinese.map { $0 != normalizer.separatesChineseCharacters } ?? false),
            ("strip_accents", "strip_accents", stripKey && strip != normalizer.stripsAccents),
        ]
        if let (key, jsonKey, _) = conflicts.first(where: { $0.2 }), let settings {
            throw EngineError.configKey(
                path: settings.path, key: key,
                detail:
                    "is \(settings.text(key)) but tokenizer.json's 'normalizer.\(jsonKey)' says otherwise; transformers would change the normaliser to match, so make the two files agree"
            )
        }
        return normalizer
    }

    /// A special token's text in tokenizer_config.json: a string, or an added-token object's `content`.
    private static func tokenText(_ settings: HuggingFaceConfig, _ key: String) throws -> String? {
        guard let raw = settings.value(key) else { return nil }
        if let text = raw as? String { return text }
        if let object = raw as? [String: Any], let text = object["content"] as? String { return text }
        throw EngineError.configKey(path: settings.path, key: key, detail: "is \(raw), not a token's text or an object with its 'content'")
    }
}

/// What a tokenizer.json for BERT says, with everything that would tokenize differently refused
/// by key: model WordPiece, normaliser BertNormalizer (or none), pre-tokenizer
/// BertPreTokenizer, post-processor `[CLS] $A [SEP]` (TemplateProcessing or BertProcessing).
private struct FastTokenizerFile {
    var pieces: [String]
    var normalizer: BertNormalizer
    var unknown: String?
    var classifier: String?
    var separator: String?
    var continuingPrefix: String
    var maxCharactersPerWord: Int
    /// The added tokens' texts, cut out of text before it is normalised.
    var addedTokens: [String]

    init(_ file: HuggingFaceConfig) throws {
        func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: file.path, key: key, detail: detail) }
        let implemented =
            "the engine reads BERT tokenizers (a WordPiece model, BertNormalizer, BertPreTokenizer, [CLS] $A [SEP])"
        guard let model = try file.object("model") else { throw refuse("model", "is missing; \(implemented)") }
        guard let type = try model.string("type"), type == "WordPiece" else {
            throw refuse("model.type", "is \(model.text("type").isEmpty ? "missing" : model.text("type")); \(implemented)")
        }
        guard let vocab = model.value("vocab") as? [String: Any], !vocab.isEmpty else {
            throw refuse("model.vocab", "is not a map of pieces to ids")
        }
        var byID: [Int: String] = [:]
        for (piece, raw) in vocab {
            guard let id = (raw as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), id >= 0, id < vocab.count else {
                throw refuse("model.vocab", "gives \(piece.debugDescription) the id \(raw), not one of 0 to \(vocab.count - 1)")
            }
            if let other = byID[id] {
                throw refuse("model.vocab", "gives the id \(id) to both \(other.debugDescription) and \(piece.debugDescription)")
            }
            byID[id] = piece
        }
        pieces = (0..<vocab.count).map { byID[$0]! }
        unknown = try model.string("unk_token")
        continuingPrefix = try model.string("continuing_subword_prefix") ?? "##"
        maxCharactersPerWord = try model.int("max_input_chars_per_word") ?? 100

        if let normalizer = try file.object("normalizer") {
            guard try normalizer.string("type") == "BertNormalizer" else {
                throw refuse("normalizer", "is \(normalizer.text("type")); \(implemented)")
            }
            self.normalizer = BertNormalizer(
                cleansText: try normalizer.bool("clean_text") ?? true,
                separatesChineseCharacters: try normalizer.bool("handle_chinese_chars") ?? true,
                stripsAccents: try normalizer.bool("strip_accents"), lowercases: try normalizer.bool("lowercase") ?? true)
        } else {
            // No normaliser: text reaches the pre-tokenizer as written.
            self.normalizer = BertNormalizer(cleansText: false, separatesChineseCharacters: false, stripsAccents: false, lowercases: false)
        }
        guard let pre = try file.object("pre_tokenizer"), try pre.string("type") == "BertPreTokenizer" else {
            let found = (try? file.object("pre_tokenizer"))??.text("type") ?? ""
            throw refuse("pre_tokenizer", "is \(found.isEmpty ? "missing" : found); \(implemented)")
        }
        if let post = try file.object("post_processor") {
            switch try post.string("type") {
            case "BertProcessing":
                // "cls": ["[CLS]", 101], "sep": ["[SEP]", 102]
                classifier = (post.value("cls") as? [Any])?.first as? String
                separator = (post.value("sep") as? [Any])?.first as? String
                guard classifier != nil, separator != nil else {
                    throw refuse("post_processor", "is BertProcessing without its 'cls' and 'sep' tokens")
                }
            case "TemplateProcessing":
                let single = (post.value("single") as? [[String: Any]]) ?? []
                let special = single.map { ($0["SpecialToken"] as? [String: Any])?["id"] as? String }
                let isText = single.map { ($0["Sequence"] as? [String: Any])?["id"] as? String == "A" }
                guard single.count == 3, let first = special[0], isText[1], let last = special[2] else {
                    throw refuse("post_processor.single", "is not [CLS] $A [SEP] (a special token, the text, a special token)")
                }
                classifier = first
                separator = last
            default:
                throw refuse("post_processor", "is \(post.text("type")); \(implemented)")
            }
        } else {
            throw refuse("post_processor", "is missing, so the text would not be wrapped in [CLS] … [SEP]; \(implemented)")
        }
        var added: [String] = []
        for (index, value) in ((file.value("added_tokens") as? [[String: Any]]) ?? []).enumerated() {
            guard let content = value["content"] as? String, let id = (value["id"] as? NSNumber)?.intValue else {
                throw refuse("added_tokens", "item \(index) lacks an id or content")
            }
            guard id >= 0, id < pieces.count, pieces[id] == content else {
                throw refuse("added_tokens", "item \(index) (\(content.debugDescription), id \(id)) is not that piece of 'model.vocab'")
            }
            added.append(content)
        }
        addedTokens = added
    }
}

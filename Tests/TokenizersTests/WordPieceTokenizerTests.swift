import Testing

@testable import Tokenizers

/// BERT's tokenizer piece by piece on a small vocabulary: the normaliser's four steps, the
/// word split, greedy longest-match WordPiece with `##`, the unknown token, special tokens
/// and truncation. (The real vocabulary is checked against transformers in the MiniLM
/// parity tests.)
@Suite struct WordPieceTokenizerTests {
    static let pieces = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "##a", "the", "cafe", "café", "e", "-", "mail",
        "a", "漢", "字", "$", "5", "[", "]", "istanbul",
    ]

    static func tokenizer(
        _ normalizer: BertNormalizer = BertNormalizer(), maximumLength: Int? = nil
    ) throws -> WordPieceTokenizer {
        try WordPieceTokenizer(pieces: pieces, normalizer: normalizer, recognised: ["[MASK]"], maximumLength: maximumLength)
    }

    static func pieces(_ text: String, _ tokenizer: WordPieceTokenizer, parseSpecial: Bool = true) -> [String] {
        tokenizer.encode(text, addSpecialTokens: false, parseSpecial: parseSpecial).map { tokenizer.piece($0) }
    }

    @Test("the default normaliser cleans, splits CJK, strips accents and lower-cases")
    func defaultNormalizer() {
        let n = BertNormalizer()
        #expect(n.normalize("Héllo  WORLD") == "hello  world")
        #expect(n.normalize("a\u{7}b\tc\u{A0}d\u{200B}e\u{0}f\u{FFFD}g\r\nh") == "ab c defg  h")
        #expect(n.normalize("a中b文c") == "a 中 b 文 c")
        #expect(n.normalize("naïve Ünïcödé") == "naive unicode")
        // NFD splits the dot off İ and it is a non-spacing mark; ß has no one-letter lower case change.
        #expect(n.normalize("İstanbul straße") == "istanbul straße")
        #expect(n.normalize("e\u{301}") == "e")
    }

    @Test("each normaliser step can be off; unset strip_accents follows lowercase")
    func normalizerSwitches() {
        let lowerOnly = BertNormalizer(stripsAccents: false)
        #expect(lowerOnly.normalize("Café İ") == "café i\u{307}")
        let cased = BertNormalizer(lowercases: false)
        #expect(cased.stripsAccentsResolved == false)
        #expect(cased.normalize("Café") == "Café")
        #expect(BertNormalizer(stripsAccents: true, lowercases: false).normalize("Café") == "Cafe")
        let raw = BertNormalizer(cleansText: false, separatesChineseCharacters: false, stripsAccents: false, lowercases: false)
        #expect(raw.normalize("a\u{7}中\tb") == "a\u{7}中\tb")
    }

    @Test("words split at whitespace and around each punctuation character")
    func wordSplit() {
        func words(_ text: String) -> [String] {
            var text = text
            return text.withUTF8 { bytes in
                var ranges: [Range<Int>] = []
                BertPreTokenizer.split(bytes, into: &ranges)
                return ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
            }
        }
        #expect(words("don't  split e-mail x@y.com") == ["don", "'", "t", "split", "e", "-", "mail", "x", "@", "y", ".", "com"])
        #expect(words("  $5^` ¿qué?  ") == ["$", "5", "^", "`", "¿", "qué", "?"])
        #expect(words("a\u{3000}b\u{2028}c") == ["a", "b", "c"])
    }

    @Test("WordPiece takes the longest piece, continues with ## pieces, and gives [UNK] for a word it cannot cover")
    func greedyLongestMatch() throws {
        let t = try Self.tokenizer()
        #expect(Self.pieces("unaffable", t) == ["un", "##aff", "##able"])
        // A continuation is looked up with its prefix: "a" alone would also match.
        #expect(Self.pieces("unaa", t) == ["un", "##a", "##a"])
        #expect(Self.pieces("unaffablex the", t) == ["[UNK]", "the"])
        #expect(Self.pieces("Café e-mail 漢字 $5", t) == ["cafe", "e", "-", "mail", "漢", "字", "$", "5"])
        #expect(Self.pieces("İstanbul", t) == ["istanbul"])
        let accented = try Self.tokenizer(BertNormalizer(stripsAccents: false))
        #expect(Self.pieces("Café", accented) == ["café"])
    }

    @Test("a word of 100 characters is split; one of 101 is [UNK] whole")
    func longWords() throws {
        let t = try Self.tokenizer()
        #expect(Self.pieces(String(repeating: "a", count: 100), t) == ["a"] + [String](repeating: "##a", count: 99))
        #expect(Self.pieces(String(repeating: "a", count: 101) + " the", t) == ["[UNK]", "the"])
        // Characters, not bytes: 100 two-byte letters are still one word of pieces.
        let wide = try WordPieceTokenizer(
            pieces: Self.pieces + ["é", "##é"], normalizer: BertNormalizer(stripsAccents: false), maximumLength: nil)
        #expect(Self.pieces(String(repeating: "é", count: 100), wide).count == 100)
    }

    @Test("[CLS] … [SEP] around the pieces; truncation keeps [SEP]")
    func specialTokensAndTruncation() throws {
        let t = try Self.tokenizer(maximumLength: 5)
        #expect(t.encode("the cafe") == [2, 9, 10, 3])
        #expect(t.encode("the the the the the the") == [2, 9, 9, 9, 3])
        #expect(t.encode("the the the the the the", addSpecialTokens: false) == [9, 9, 9, 9, 9])
        #expect(t.bosID == 2 && t.eosID == 3 && t.paddingID == 0 && t.unknownID == 1)
        #expect(throws: TokenizerError.maximumLengthTooShort(2)) { try Self.tokenizer(maximumLength: 2) }
    }

    @Test("special tokens written in text are cut out before normalising, unless special parsing is off")
    func specialTokensInText() throws {
        let t = try Self.tokenizer()
        #expect(Self.pieces("the [MASK] [SEP]cafe", t) == ["the", "[MASK]", "[SEP]", "cafe"])
        #expect(Self.pieces("the [mask]", t) == ["the", "[", "[UNK]", "]"])
        #expect(Self.pieces("[SEP]", t, parseSpecial: false) == ["[", "[UNK]", "]"])
    }

    @Test("decoding joins pieces with spaces and glues ## continuations")
    func decoding() throws {
        let t = try Self.tokenizer()
        #expect(t.decode(t.encode("unaffable cafe")) == "[CLS] unaffable cafe [SEP]")
        #expect(t.bytes(of: 6) == Array("aff".utf8))
    }

    @Test("a special token missing from the vocabulary is named")
    func missingSpecialToken() {
        #expect(throws: TokenizerError.missingSpecialToken(role: "padding", piece: "<pad>")) {
            try WordPieceTokenizer(
                pieces: Self.pieces, special: WordPieceTokenizer.SpecialTokens(padding: "<pad>"), maximumLength: nil)
        }
    }
}

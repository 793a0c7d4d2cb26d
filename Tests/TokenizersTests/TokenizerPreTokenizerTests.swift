import Testing

@testable import Tokenizers

/// The pre-tokenizer scanners against the regexes they stand for. Expected pieces come from
/// Python's `regex` module running llama.cpp's patterns in sequence (each stage splits every
/// piece again, keeping the text between matches). The scanners were also checked this way on
/// 10,172 benchmark documents (2.2 MB, 11 languages) with no difference.
@Suite struct TokenizerPreTokenizerTests {
    static let names = ["gpt2", "smollm", "llama-bpe", "qwen2", "falcon", "bloom", "default"]

    static func expected(_ name: String) -> [(String, [String])] {
        switch name {
        case "gpt2": return gpt2
        case "smollm": return smollm
        case "llama-bpe": return llama3
        case "qwen2": return qwen2
        case "falcon": return falcon
        case "bloom": return bloom
        default: return `default`
        }
    }

    static func split(_ text: String, with preTokenizer: any PreTokenizer) -> [String] {
        var text = text
        var codePoints = CodePointText()
        text.withUTF8 { codePoints.load($0, 0..<$0.count) }
        var pieces: [Range<Int>] = []
        preTokenizer.split(codePoints, 0..<codePoints.count, into: &pieces)
        let scalars = codePoints.codePoints.map { Character(Unicode.Scalar($0)!) }
        return pieces.map { String(scalars[$0]) }
    }

    @Test(arguments: names)
    func splitsLikeTheRegex(name: String) throws {
        let preTokenizer = try #require(PreTokenizerCatalog.make(named: name))
        for (text, pieces) in Self.expected(name) {
            let got = Self.split(text, with: preTokenizer)
            // Compare bytes: String equality would treat "e\u{301}" and "é" as equal.
            #expect(
                got.map { Array($0.unicodeScalars) } == pieces.map { Array($0.unicodeScalars) },
                "\(name): \(text.debugDescription) -> \(got)")
        }
    }

    @Test(arguments: names)
    func piecesCoverTheText(name: String) throws {
        let preTokenizer = try #require(PreTokenizerCatalog.make(named: name))
        for (text, _) in Self.expected(name) {
            #expect(Self.split(text, with: preTokenizer).joined().unicodeScalars.elementsEqual(text.unicodeScalars))
        }
        #expect(Self.split("", with: preTokenizer).isEmpty)
    }

    @Test func unknownNamesAreRejected() {
        #expect(PreTokenizerCatalog.make(named: "no-such-pre") == nil)
        #expect(PreTokenizerCatalog.make(named: "llama3") != nil)
        #expect(PreTokenizerCatalog.make(named: "gpt-2") != nil)
        #expect(!PreTokenizerCatalog.knows("no-such-pre") && PreTokenizerCatalog.knows("llama3"))
        // The tokenizer refuses such a name itself, for callers that do not ask the catalog first.
        let vocabulary = Vocabulary(pieces: ["a"], types: [.normal], scores: [0])
        #expect(throws: TokenizerError.unknownPreTokenizer("no-such-pre")) {
            try ByteLevelBPETokenizer(
                vocabulary: vocabulary, merges: [], preTokenizerName: "no-such-pre", ignoresMerges: false,
                bosID: nil, eosID: nil, addsBOS: false, addsEOS: false)
        }
    }

    /// Unassigned code points belong to no class: llama.cpp keeps each one apart.
    @Test func unassignedCodePointsStandAlone() throws {
        let preTokenizer = try #require(PreTokenizerCatalog.make(named: "gpt2"))
        #expect(Self.split("a\u{0378}\u{0378}!", with: preTokenizer) == ["a", "\u{0378}", "\u{0378}", "!"])
    }
}

extension TokenizerPreTokenizerTests {
    static let gpt2: [(String, [String])] = [
        ("Hello world", ["Hello", " world"]),
        ("  two  spaces  ", [" ", " two", " ", " spaces", "  "]),
        (
            "don't DON'T it's I'M we've THEY'LL",
            ["don", "'t", " DON", "'", "T", " it", "'s", " I", "'", "M", " we", "'ve", " THEY", "'", "LL"]
        ),
        ("x=42;y=-7", ["x", "=", "42", ";", "y", "=-", "7"]),
        ("12345678", ["12345678"]),
        (" 2024 ", [" 2024", " "]),
        ("١٢٣٤ ½²", ["١٢٣٤", " ½²"]),
        ("a\n\nb", ["a", "\n", "\n", "b"]),
        ("tabs\tand\r\nCRLF\r\n", ["tabs", "\t", "and", "\r", "\n", "CRLF", "\r\n"]),
        ("   \n  x", ["   \n ", " x"]),
        ("end   ", ["end", "   "]),
        ("$$+<=>^~|!?", ["$$+<=>^~|!?"]),
        ("«quote» — dash…", ["«", "quote", "»", " —", " dash", "…"]),
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("naïve café", ["naïve", " café"]),
        ("e\u{301}", ["e", "\u{301}"]),
        ("👍🏽 ok", ["👍🏽", " ok"]),
        ("a\u{a0}b\u{3000}c", ["a", "\u{a0}", "b", "\u{3000}", "c"]),
        ("zero\u{200b}width", ["zero", "\u{200b}", "width"]),
        ("(foo) [bar]{baz}", ["(", "foo", ")", " [", "bar", "]{", "baz", "}"]),
        ("...\n\n", ["...", "\n\n"]),
        ("x  \n\n  y", ["x", "  \n\n ", " y"]),
        ("'s'", ["'s", "'"]),
        ("$1,299.99", ["$", "1", ",", "299", ".", "99"]),
        ("3.14159e-10", ["3", ".", "14159", "e", "-", "10"]),
        ("ＡＢＣ１２３", ["ＡＢＣ", "１２３"]),
    ]
    static let smollm: [(String, [String])] = [
        ("Hello world", ["Hello", " world"]),
        ("  two  spaces  ", [" ", " two", " ", " spaces", "  "]),
        (
            "don't DON'T it's I'M we've THEY'LL",
            ["don", "'t", " DON", "'", "T", " it", "'s", " I", "'", "M", " we", "'ve", " THEY", "'", "LL"]
        ),
        ("x=42;y=-7", ["x", "=", "4", "2", ";", "y", "=-", "7"]),
        ("12345678", ["1", "2", "3", "4", "5", "6", "7", "8"]),
        (" 2024 ", [" ", "2", "0", "2", "4", " "]),
        ("١٢٣٤ ½²", ["١", "٢", "٣", "٤", " ", "½", "²"]),
        ("a\n\nb", ["a", "\n", "\n", "b"]),
        ("tabs\tand\r\nCRLF\r\n", ["tabs", "\t", "and", "\r", "\n", "CRLF", "\r\n"]),
        ("   \n  x", ["   \n ", " x"]),
        ("end   ", ["end", "   "]),
        ("$$+<=>^~|!?", ["$$+<=>^~|!?"]),
        ("«quote» — dash…", ["«", "quote", "»", " —", " dash", "…"]),
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("naïve café", ["naïve", " café"]),
        ("e\u{301}", ["e", "\u{301}"]),
        ("👍🏽 ok", ["👍🏽", " ok"]),
        ("a\u{a0}b\u{3000}c", ["a", "\u{a0}", "b", "\u{3000}", "c"]),
        ("zero\u{200b}width", ["zero", "\u{200b}", "width"]),
        ("(foo) [bar]{baz}", ["(", "foo", ")", " [", "bar", "]{", "baz", "}"]),
        ("...\n\n", ["...", "\n\n"]),
        ("x  \n\n  y", ["x", "  \n\n ", " y"]),
        ("'s'", ["'s", "'"]),
        ("$1,299.99", ["$", "1", ",", "2", "9", "9", ".", "9", "9"]),
        ("3.14159e-10", ["3", ".", "1", "4", "1", "5", "9", "e", "-", "1", "0"]),
        ("ＡＢＣ１２３", ["ＡＢＣ", "１", "２", "３"]),
    ]
    static let llama3: [(String, [String])] = [
        ("Hello world", ["Hello", " world"]),
        ("  two  spaces  ", [" ", " two", " ", " spaces", "  "]),
        ("don't DON'T it's I'M we've THEY'LL", ["don", "'t", " DON", "'T", " it", "'s", " I", "'M", " we", "'ve", " THEY", "'LL"]),
        ("x=42;y=-7", ["x", "=", "42", ";y", "=-", "7"]),
        ("12345678", ["123", "456", "78"]),
        (" 2024 ", [" ", "202", "4", " "]),
        ("١٢٣٤ ½²", ["١٢٣", "٤", " ", "½²"]),
        ("a\n\nb", ["a", "\n\n", "b"]),
        ("tabs\tand\r\nCRLF\r\n", ["tabs", "\tand", "\r\n", "CRLF", "\r\n"]),
        ("   \n  x", ["   \n", " ", " x"]),
        ("end   ", ["end", "   "]),
        ("$$+<=>^~|!?", ["$$+<=>^~|!?"]),
        ("«quote» — dash…", ["«quote", "»", " —", " dash", "…"]),
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("naïve café", ["naïve", " café"]),
        ("e\u{301}", ["e", "\u{301}"]),
        ("👍🏽 ok", ["👍🏽", " ok"]),
        ("a\u{a0}b\u{3000}c", ["a", "\u{a0}b", "\u{3000}c"]),
        ("zero\u{200b}width", ["zero", "\u{200b}width"]),
        ("(foo) [bar]{baz}", ["(foo", ")", " [", "bar", "]{", "baz", "}"]),
        ("...\n\n", ["...\n\n"]),
        ("x  \n\n  y", ["x", "  \n\n", " ", " y"]),
        ("'s'", ["'s", "'"]),
        ("$1,299.99", ["$", "1", ",", "299", ".", "99"]),
        ("3.14159e-10", ["3", ".", "141", "59", "e", "-", "10"]),
        ("ＡＢＣ１２３", ["ＡＢＣ", "１２３"]),
    ]
    static let qwen2: [(String, [String])] = [
        ("Hello world", ["Hello", " world"]),
        ("  two  spaces  ", [" ", " two", " ", " spaces", "  "]),
        ("don't DON'T it's I'M we've THEY'LL", ["don", "'t", " DON", "'T", " it", "'s", " I", "'M", " we", "'ve", " THEY", "'LL"]),
        ("x=42;y=-7", ["x", "=", "4", "2", ";y", "=-", "7"]),
        ("12345678", ["1", "2", "3", "4", "5", "6", "7", "8"]),
        (" 2024 ", [" ", "2", "0", "2", "4", " "]),
        ("١٢٣٤ ½²", ["١", "٢", "٣", "٤", " ", "½", "²"]),
        ("a\n\nb", ["a", "\n\n", "b"]),
        ("tabs\tand\r\nCRLF\r\n", ["tabs", "\tand", "\r\n", "CRLF", "\r\n"]),
        ("   \n  x", ["   \n", " ", " x"]),
        ("end   ", ["end", "   "]),
        ("$$+<=>^~|!?", ["$$+<=>^~|!?"]),
        ("«quote» — dash…", ["«quote", "»", " —", " dash", "…"]),
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("naïve café", ["naïve", " café"]),
        ("e\u{301}", ["e", "\u{301}"]),
        ("👍🏽 ok", ["👍🏽", " ok"]),
        ("a\u{a0}b\u{3000}c", ["a", "\u{a0}b", "\u{3000}c"]),
        ("zero\u{200b}width", ["zero", "\u{200b}width"]),
        ("(foo) [bar]{baz}", ["(foo", ")", " [", "bar", "]{", "baz", "}"]),
        ("...\n\n", ["...\n\n"]),
        ("x  \n\n  y", ["x", "  \n\n", " ", " y"]),
        ("'s'", ["'s", "'"]),
        ("$1,299.99", ["$", "1", ",", "2", "9", "9", ".", "9", "9"]),
        ("3.14159e-10", ["3", ".", "1", "4", "1", "5", "9", "e", "-", "1", "0"]),
        ("ＡＢＣ１２３", ["ＡＢＣ", "１", "２", "３"]),
    ]
    static let `default`: [(String, [String])] = [
        ("Hello world", ["Hello", " world"]),
        ("  two  spaces  ", [" ", " two", " ", " spaces", "  "]),
        (
            "don't DON'T it's I'M we've THEY'LL",
            ["don", "'", "t", " DON", "'", "T", " it", "'", "s", " I", "'", "M", " we", "'", "ve", " THEY", "'", "LL"]
        ),
        ("x=42;y=-7", ["x", "=", "42", ";", "y", "=-", "7"]),
        ("12345678", ["123", "456", "78"]),
        (" 2024 ", [" ", "202", "4", " "]),
        ("١٢٣٤ ½²", ["١٢٣٤", " ", "½²"]),
        ("a\n\nb", ["a", "\n", "\n", "b"]),
        ("tabs\tand\r\nCRLF\r\n", ["tabs", "\t", "and", "\r", "\n", "CRLF", "\r\n"]),
        ("   \n  x", ["   \n ", " x"]),
        ("end   ", ["end", "   "]),
        ("$$+<=>^~|!?", ["$$+<=>^~|!?"]),
        ("«quote» — dash…", ["«", "quote", "»", " ", "—", " dash", "…"]),
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("naïve café", ["naïve", " café"]),
        ("e\u{301}", ["e", "\u{301}"]),
        ("👍🏽 ok", ["👍🏽", " ok"]),
        ("a\u{a0}b\u{3000}c", ["a", "\u{a0}", "b", "\u{3000}", "c"]),
        ("zero\u{200b}width", ["zero", "\u{200b}", "width"]),
        ("(foo) [bar]{baz}", ["(", "foo", ")", " ", "[", "bar", "]{", "baz", "}"]),
        ("...\n\n", ["...", "\n\n"]),
        ("x  \n\n  y", ["x", "  \n\n ", " y"]),
        ("'s'", ["'", "s", "'"]),
        ("$1,299.99", ["$", "1", ",", "299", ".", "99"]),
        ("3.14159e-10", ["3", ".", "141", "59", "e", "-", "10"]),
        ("ＡＢＣ１２３", ["ＡＢＣ", "１２３"]),
    ]
}

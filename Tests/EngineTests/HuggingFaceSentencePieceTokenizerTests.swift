import Engine
import Foundation
import TestSupport
import Testing
import Tokenizers

/// The tiny LLaMA's SentencePiece model converted to tokenizer.json by transformers'
/// LlamaConverter, and what Hugging Face tokenizers makes of the 49 edge cases
/// (Tests/Fixtures/spm_tokenizer_json, written by scripts/fixtures/spm_tokenizer_json.py).
enum SentencePieceJSONFixture {
    static let folder = TestPaths.repositoryRoot + "/Tests/Fixtures/spm_tokenizer_json"
    static let variants = ["legacy", "metaspace", "metaspace_always", "metaspace_never", "metaspace_decoder"]

    /// One case string under one variant, with tokenizers' ids and decode.
    struct Case: Sendable, CustomTestStringConvertible {
        let variant: String
        let name: String
        let text: String
        let ids: [Int32]
        let idsWithBOS: [Int32]
        let idsLiteralSpecial: [Int32]
        let decoded: String

        var testDescription: String { "\(variant) \(name)" }
    }

    nonisolated(unsafe) static let root: [String: Any] = (try? TestPaths.json(folder + "/cases.json") as? [String: Any]) ?? [:]

    static func variant(_ name: String) -> [String: Any] {
        ((root["variants"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
    }

    static let cases: [Case] = {
        let texts = (root["texts"] as? [[String: Any]]) ?? []
        return variants.flatMap { variant in
            let rows = (Self.variant(variant)["cases"] as? [[String: Any]]) ?? []
            return zip(texts, rows).compactMap { text, row -> Case? in
                guard let name = row["name"] as? String, name == text["name"] as? String, let string = text["text"] as? String,
                    let ids = TokenizerCase.int32s(row["ids"]), let bos = TokenizerCase.int32s(row["ids_with_bos"]),
                    let literal = TokenizerCase.int32s(row["ids_literal_special"]), let decoded = row["decoded"] as? String
                else { return nil }
                return Case(
                    variant: variant, name: name, text: string, ids: ids, idsWithBOS: bos, idsLiteralSpecial: literal, decoded: decoded)
            }
        }
    }()

    /// Hand-picked id lists and each variant's decode of them.
    static func decodeSequences(_ variant: String) -> [(name: String, ids: [Int32], decoded: String)] {
        let expected = (Self.variant(variant)["decode_sequences"] as? [String: String]) ?? [:]
        return ((root["decode_sequences"] as? [[String: Any]]) ?? []).compactMap { row in
            guard let name = row["name"] as? String, let ids = TokenizerCase.int32s(row["ids"]), let decoded = expected[name] else {
                return nil
            }
            return (name, ids, decoded)
        }
    }

    /// A directory holding the variant's file as tokenizer.json, with `edit` applied to its JSON.
    static func directory(_ variant: String, edit: ((inout [String: Any]) -> Void)? = nil) throws -> String {
        let path = try TestPaths.scratchDirectory("spm-json-\(variant)")
        let source = folder + "/\(variant).tokenizer.json"
        if let edit {
            var json = try #require(try TestPaths.json(source) as? [String: Any])
            edit(&json)
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path + "/tokenizer.json"))
        } else {
            try FileManager.default.copyItem(atPath: source, toPath: path + "/tokenizer.json")
        }
        return path
    }

    static func load(_ variant: String, edit: ((inout [String: Any]) -> Void)? = nil) throws -> any Tokenizer {
        try TokenizerLoader.load(huggingFace: directory(variant, edit: edit))
    }

    static let tokenizers: [String: Result<any Tokenizer, any Error>] = Dictionary(
        uniqueKeysWithValues: variants.map { variant in (variant, Result { try load(variant) }) })

    /// sentencepiece's own ids and llama-tokenize's special-parsing ids, by case name.
    static let sentencepiece: [String: TokenizerCase] = Dictionary(
        uniqueKeysWithValues: SentencePieceTokenizerReference.cases.map { ($0.name, $0) })
}

@Suite("tokenizer.json (SentencePiece-style BPE) against Hugging Face tokenizers and sentencepiece")
struct HuggingFaceSentencePieceTokenizerTests {
    typealias Fixture = SentencePieceJSONFixture

    @Test("the fixture holds every variant's 49 cases, on the texts of tokenizer_cases.json")
    func fixtureIsComplete() throws {
        #expect(Fixture.cases.count == Fixture.variants.count * 49)
        #expect(Fixture.sentencepiece.count == 49)
        for c in Fixture.cases { #expect(Fixture.sentencepiece[c.name]?.text == c.text, "\(c.name)") }
        for variant in Fixture.variants { #expect(Fixture.decodeSequences(variant).count == 11, "\(variant)") }
    }

    @Test("every variant loads as byte-fallback BPE with the converter's BOS and byte tokens", arguments: Fixture.variants)
    func vocabularyFacts(variant: String) throws {
        let tokenizer = try #require(try Fixture.tokenizers[variant]?.get())
        let bpe = try #require(tokenizer as? ByteFallbackBPETokenizer)
        #expect(tokenizer.vocabularySize == 1000)
        #expect(tokenizer.bosID == 1 && tokenizer.addsBOS && !bpe.addsEOS)
        #expect(tokenizer.eosID == nil, "no config.json in the directory")
        #expect(bpe.tokenType(1) == .control && bpe.tokenType(13) == .byte && bpe.tokenType(642) == .normal)
        #expect(tokenizer.piece(13) == "<0x0A>")
        #expect(tokenizer.bytes(of: 1).isEmpty)  // special tokens render as nothing
        if variant == "metaspace_decoder" {
            #expect(tokenizer.bytes(of: 13) == Array("<0x0A>".utf8))  // no ByteFallback step
        } else {
            #expect(tokenizer.bytes(of: 13) == [0x0A])
        }
        #expect(tokenizer.bytes(of: 642) == [0x20])  // "▁"
    }

    /// tokenizers' encode with special tokens cut out (its default), with BOS, and with
    /// `encode_special_tokens` (special-token text as plain text).
    @Test("ids equal Hugging Face tokenizers'", arguments: Fixture.cases)
    func idsEqualTokenizers(_ c: Fixture.Case) throws {
        let tokenizer = try #require(try Fixture.tokenizers[c.variant]?.get())
        #expect(tokenizer.encode(c.text, addSpecialTokens: false, parseSpecial: true) == c.ids)
        #expect(tokenizer.encode(c.text, addSpecialTokens: true, parseSpecial: true) == c.idsWithBOS)
        #expect(c.idsWithBOS == [1] + c.ids)
        #expect(tokenizer.encode(c.text, addSpecialTokens: false, parseSpecial: false) == c.idsLiteralSpecial)
    }

    @Test("decoding equals Hugging Face tokenizers' (special tokens skipped)", arguments: Fixture.cases)
    func decodesLikeTokenizers(_ c: Fixture.Case) throws {
        let tokenizer = try #require(try Fixture.tokenizers[c.variant]?.get())
        #expect(tokenizer.decode(c.ids) == c.decoded)
        #expect(tokenizer.decode(c.idsWithBOS) == c.decoded)
    }

    @Test("byte runs that are not UTF-8, a leading byte space and special tokens decode as tokenizers does", arguments: Fixture.variants)
    func decodeSequences(variant: String) throws {
        let tokenizer = try #require(try Fixture.tokenizers[variant]?.get())
        for sequence in Fixture.decodeSequences(variant) {
            #expect(tokenizer.decode(sequence.ids) == sequence.decoded, "\(variant) \(sequence.name)")
        }
    }

    /// The legacy form (Prepend on every fragment) is sentencepiece with the text taken
    /// literally, and llama.cpp's special parsing (space prefix again after `<s>`) otherwise.
    @Test("the legacy form gives sentencepiece's ids and llama-tokenize's for all 49 cases")
    func legacyEqualsSentencepiece() throws {
        let tokenizer = try #require(try Fixture.tokenizers["legacy"]?.get())
        for c in Fixture.cases where c.variant == "legacy" {
            let reference = try #require(Fixture.sentencepiece[c.name])
            #expect(tokenizer.encode(c.text, addSpecialTokens: false, parseSpecial: false) == reference.ids, "\(c.name)")
            #expect(tokenizer.encode(c.text, addSpecialTokens: true, parseSpecial: false) == reference.fields["ids_with_bos"], "\(c.name)")
            #expect(tokenizer.encode(c.text) == reference.fields["llamacpp_parse_special_bos"], "\(c.name)")
        }
    }

    /// Metaspace prepends `▁` only where the fragment does not already start with one, so text
    /// that starts with a space loses sentencepiece's second `▁`; nothing else differs.
    @Test(
        "the Metaspace forms differ from sentencepiece exactly on text that starts with a space",
        arguments: ["metaspace", "metaspace_always"])
    func metaspaceDiffersOnlyOnLeadingSpace(variant: String) throws {
        let tokenizer = try #require(try Fixture.tokenizers[variant]?.get())
        var differing: [String] = []
        for c in Fixture.cases where c.variant == variant {
            let reference = try #require(Fixture.sentencepiece[c.name])
            let ids = tokenizer.encode(c.text, addSpecialTokens: false, parseSpecial: false)
            if ids != reference.ids {
                differing.append(c.name)
                #expect(c.text.hasPrefix(" ") && ids == Array(reference.ids.dropFirst()), "\(c.name)")
            }
        }
        #expect(differing == ["single_space", "three_spaces", "leading_space", "lead_trail_2"])
    }

    @Test("sentencepiece's ids decode to sentencepiece's text in both converter forms", arguments: ["legacy", "metaspace"])
    func decodesSentencepieceIDs(variant: String) throws {
        let tokenizer = try #require(try Fixture.tokenizers[variant]?.get())
        for reference in SentencePieceTokenizerReference.cases {
            #expect(tokenizer.decode(reference.ids) == reference.decoded, "\(reference.name)")
        }
    }

    /// Ids from tokenizers 0.22.2 on the fixture files.
    @Test("characters outside the vocabulary become their UTF-8 bytes, and decode back")
    func byteFallback() throws {
        let tokenizer = try #require(try Fixture.tokenizers["metaspace"]?.get())
        // 🦙 is F0 9F A6 99 (ids 3 + byte), \n is <0x0A> (13): the manifest's sequence 2.
        #expect(
            tokenizer.encode("I love 🦙!\nMwen la.", addSpecialTokens: true)
                == [1, 308, 288, 648, 344, 642, 243, 162, 169, 156, 824, 13, 671, 420, 373, 655])
        #expect(tokenizer.encode("a\u{0}b\u{7F}", addSpecialTokens: false) == [263, 3, 663, 130])
        #expect(tokenizer.encode("北京", addSpecialTokens: false) == [642, 232, 143, 154, 231, 189, 175])
        for text in ["北京", "👨\u{200D}👩\u{200D}👧", "a\u{0}b\u{1}c\u{7F}", "ＡＢＣ", "I love 🦙!\nMwen la."] {
            let ids = tokenizer.encode(text, addSpecialTokens: true)
            #expect(tokenizer.decode(ids) == text)
            // Streaming the bytes token by token gives the text back too.
            #expect(String(decoding: ids.dropFirst().flatMap { tokenizer.bytes(of: $0) }, as: UTF8.self) == " " + text)
        }
    }

    /// `<s>` in text is cut out; what follows gets `▁` again under Prepend and Metaspace
    /// `always`, but not under `first`, which only prefixes the start of the text. Ids from
    /// tokenizers 0.22.2 on the fixture files.
    @Test("special tokens in text, and the space prefix after them")
    func specialTokensInText() throws {
        let legacy = try #require(try Fixture.tokenizers["legacy"]?.get())
        let first = try #require(try Fixture.tokenizers["metaspace"]?.get())
        let always = try #require(try Fixture.tokenizers["metaspace_always"]?.get())
        let text = "Hello<s> world</s>Hi"
        #expect(legacy.encode(text, addSpecialTokens: false) == [317, 471, 648, 1, 642, 514, 394, 2, 317, 645])
        #expect(always.encode(text, addSpecialTokens: false) == [317, 471, 648, 1, 514, 394, 2, 317, 645])
        #expect(first.encode(text, addSpecialTokens: false) == [317, 471, 648, 1, 514, 394, 2, 676, 645])
        #expect(legacy.encode(" <s> x", addSpecialTokens: false) == [642, 642, 1, 642, 642, 706])
        #expect(first.encode(" <s> x", addSpecialTokens: false) == [642, 1, 642, 706])
        #expect(first.encode("<s>Hello", addSpecialTokens: false) == [1, 676, 471, 648])
        #expect(always.encode("<s>Hello", addSpecialTokens: false) == [1, 317, 471, 648])
        #expect(legacy.decode(legacy.encode(text)) == "Hello  world Hi")
        #expect(first.decode(first.encode(text)) == "Hello worldHi")
        #expect(legacy.decode(legacy.encode(" <s> x")) == "   x")
    }
}

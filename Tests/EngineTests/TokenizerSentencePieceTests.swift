import Engine
import Foundation
import TestSupport
import Testing
import Tokenizers

/// The tiny LLaMA's SentencePiece vocabulary against sentencepiece and llama-tokenize.
enum SentencePieceTokenizerReference {
    static let tokenizer = Result { try TokenizerLoader.load(from: GGUFFile(path: TestPaths.tinyGGUF("F32"))) }

    static let modes = [
        "ids_with_bos", "llamacpp_parse_special_bos", "llamacpp_no_parse_special_bos", "llamacpp_no_parse_special_no_bos",
    ]

    static let cases: [TokenizerCase] = {
        guard let root = try? TestPaths.json(TestPaths.reference + "/gguf/tokenizer_cases.json") as? [String: Any],
            let cases = root["cases"] as? [[String: Any]]
        else { return [] }
        return cases.compactMap { c in
            guard let text = c["text"] as? String, let ids = TokenizerCase.int32s(c["ids"]) else { return nil }
            var fields: [String: [Int32]] = [:]
            for mode in modes { fields[mode] = TokenizerCase.int32s(c[mode]) }
            return TokenizerCase(
                name: c["name"] as? String ?? "case", text: text, ids: ids, fields: fields,
                decoded: c["decoded"] as? String, roundTrips: c["roundtrip_exact"] as? Bool ?? false)
        }
    }()

    /// The three sequences of the logit references (BOS included).
    static let sequences: [TokenizerCase] = {
        guard let root = try? TestPaths.json(TestPaths.reference + "/gguf/manifest.json") as? [String: Any],
            let sequences = root["sequences"] as? [[String: Any]]
        else { return [] }
        return sequences.enumerated().compactMap { index, s in
            guard let text = s["text"] as? String, let ids = TokenizerCase.int32s(s["ids"]) else { return nil }
            return TokenizerCase(name: "s\(index)", text: text, ids: ids, fields: [:], decoded: text, roundTrips: true)
        }
    }()
}

@Suite struct TokenizerSentencePieceTests {
    typealias Reference = SentencePieceTokenizerReference

    @Test func referenceFilesAreComplete() {
        #expect(Reference.cases.count == 49)
        #expect(Reference.cases.allSatisfy { c in Reference.modes.allSatisfy { c.fields[$0] != nil } })
        #expect(Reference.sequences.count == 3)
    }

    @Test func vocabularyFacts() throws {
        let tokenizer = try Reference.tokenizer.get()
        let spm = try #require(tokenizer as? SentencePieceTokenizer)
        #expect(tokenizer.vocabularySize == 1000)
        #expect(tokenizer.bosID == 1 && tokenizer.eosID == 2 && spm.unknownID == 0)
        #expect(tokenizer.addsBOS && !spm.addsEOS && spm.addsSpacePrefix)
        #expect(tokenizer.piece(13) == "<0x0A>" && spm.tokenType(13) == .byte)
        #expect(tokenizer.bytes(of: 13) == [0x0A])
        #expect(tokenizer.bytes(of: 642) == [0x20])  // "▁"
        #expect(tokenizer.bytes(of: 1).isEmpty)  // control tokens render as nothing
    }

    /// sentencepiece's own ids: no BOS, special-token text taken literally.
    @Test(arguments: Reference.cases)
    func sentencepieceIDs(_ c: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer.encode(c.text, addSpecialTokens: false, parseSpecial: false) == c.ids)
    }

    @Test(arguments: Reference.cases)
    func idsWithBOS(_ c: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(c.fields["ids_with_bos"] == [1] + c.ids)
        #expect(tokenizer.encode(c.text, addSpecialTokens: true, parseSpecial: false) == c.fields["ids_with_bos"])
    }

    @Test(arguments: Reference.cases)
    func llamaCppWithoutSpecialParsing(_ c: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer.encode(c.text, addSpecialTokens: true, parseSpecial: false) == c.fields["llamacpp_no_parse_special_bos"])
        #expect(tokenizer.encode(c.text, addSpecialTokens: false, parseSpecial: false) == c.fields["llamacpp_no_parse_special_no_bos"])
    }

    /// llama-tokenize's default: `<s>`, `</s>`, `<unk>` in text become their ids, and the text
    /// after each gets the space prefix again.
    @Test(arguments: Reference.cases)
    func llamaCppWithSpecialParsing(_ c: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer.encode(c.text) == c.fields["llamacpp_parse_special_bos"])
        #expect(tokenizer.encode(c.text, addSpecialTokens: true, parseSpecial: true) == c.fields["llamacpp_parse_special_bos"])
    }

    @Test func specialTextCasesDifferOnlyWhenParsed() throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer.encode("<s>Hello</s> world") == [1, 1, 317, 471, 648, 2, 642, 514, 394])
        let unk = try #require(Reference.cases.first { $0.name == "unk_text" })
        #expect(tokenizer.encode(unk.text) == unk.fields["llamacpp_parse_special_bos"])
        #expect(tokenizer.encode("") == [1])
        #expect(tokenizer.encode("", addSpecialTokens: false) == [])
    }

    /// sp.decode gives the input back, except that a literal U+2581 decodes as a space.
    @Test(arguments: Reference.cases)
    func decodesLikeSentencepiece(_ c: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        let decoded = try #require(c.decoded)
        #expect(tokenizer.decode(c.ids) == decoded)
        #expect(c.roundTrips == (decoded == c.text))
        // BOS renders as nothing and does not take the dummy prefix's place.
        #expect(tokenizer.decode([1] + c.ids) == decoded)
    }

    @Test(arguments: Reference.sequences)
    func logitSequencesEncodeWithBOS(_ s: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer.encode(s.text) == s.ids)
        #expect(tokenizer.decode(s.ids) == s.text)
    }
}

import Engine
import Foundation
import TestSupport
import Testing
import Tokenizers

/// A string and the ids a reference tokenizer gave it.
struct TokenizerCase: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let ids: [Int32]
    let fields: [String: [Int32]]
    let decoded: String?
    let roundTrips: Bool

    var testDescription: String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\(name) \(shown.debugDescription)"
    }

    static func int32s(_ value: Any?) -> [Int32]? {
        (value as? [Any])?.compactMap { ($0 as? NSNumber)?.int32Value }
    }
}

/// The SmolLM2 references: edge-case strings and the manifest prompts.
enum SmolLM2TokenizerReference {
    static let tokenizer = Result { try TokenizerLoader.load(from: GGUFFile(path: TestPaths.smolLM2)) }

    static let cases: [TokenizerCase] = {
        guard let root = try? TestPaths.json(TestPaths.reference + "/smollm2/tokenizer_cases.json") as? [String: Any],
            let cases = root["cases"] as? [[String: Any]]
        else { return [] }
        return cases.enumerated().compactMap { index, c in
            guard let text = c["text"] as? String, let ids = TokenizerCase.int32s(c["ids"]) else { return nil }
            return TokenizerCase(
                name: "case\(index)", text: text, ids: ids, fields: [:], decoded: nil,
                roundTrips: c["decode_roundtrip"] as? Bool ?? false)
        }
    }()

    static let prompts: [TokenizerCase] = {
        guard let root = try? TestPaths.json(TestPaths.reference + "/smollm2/manifest.json") as? [String: Any],
            let prompts = root["prompts"] as? [[String: Any]]
        else { return [] }
        return prompts.compactMap { p in
            guard let text = p["text"] as? String, let ids = TokenizerCase.int32s(p["ids"]),
                let withBOS = TokenizerCase.int32s(p["ids_with_bos"])
            else { return nil }
            return TokenizerCase(
                name: p["name"] as? String ?? "prompt", text: text, ids: ids,
                fields: ["ids_with_bos": withBOS], decoded: nil,
                roundTrips: p["decoded_roundtrip_equal"] as? Bool ?? false)
        }
    }()
}

@Suite struct TokenizerSmolLM2Tests {
    typealias Reference = SmolLM2TokenizerReference

    @Test func referenceFilesAreComplete() {
        #expect(Reference.cases.count == 50)
        #expect(Reference.prompts.count == 13)
    }

    @Test func vocabularyFacts() throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer is ByteLevelBPETokenizer)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.bosID == 1)
        #expect(tokenizer.eosID == 2)
        #expect(tokenizer.addsBOS == false)
        #expect(tokenizer.piece(0) == "<|endoftext|>")
        #expect(tokenizer.piece(1) == "<|im_start|>")
        #expect(tokenizer.piece(216) == "Ġ")
        #expect(tokenizer.piece(-1) == "")
        #expect((tokenizer as? ByteLevelBPETokenizer)?.preTokenizerName == "smollm")
        #expect((tokenizer as? ByteLevelBPETokenizer)?.tokenType(2) == .control)
    }

    @Test(arguments: Reference.cases)
    func edgeCaseEncodesExactly(_ c: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer.encode(c.text, addSpecialTokens: false, parseSpecial: true) == c.ids)
        // No BOS for SmolLM2, so llama.cpp's defaults give the same ids.
        #expect(tokenizer.encode(c.text) == c.ids)
    }

    @Test(arguments: Reference.cases)
    func edgeCaseDecodesBack(_ c: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(c.roundTrips)
        #expect(tokenizer.decode(c.ids) == c.text)
        // Streaming by bytes gives the same text, whatever the split of characters over tokens.
        #expect(c.ids.flatMap { tokenizer.bytes(of: $0) } == Array(c.text.utf8))
    }

    @Test(arguments: Reference.prompts)
    func promptEncodesExactly(_ p: TokenizerCase) throws {
        let tokenizer = try Reference.tokenizer.get()
        #expect(tokenizer.encode(p.text) == p.ids)
        #expect(tokenizer.encode(p.text, addSpecialTokens: true, parseSpecial: true) == p.ids)
        #expect(p.fields["ids_with_bos"] == [1] + p.ids)
        #expect(p.roundTrips)
        #expect(tokenizer.decode(p.ids) == p.text)
    }

    @Test func specialTextIsPlainWhenParsingIsOff() throws {
        let tokenizer = try Reference.tokenizer.get()
        let text = "<|im_start|>user\nHi<|im_end|>\n"
        #expect(tokenizer.encode(text, addSpecialTokens: false, parseSpecial: true) == [1, 4093, 198, 26843, 2, 198])
        let plain = tokenizer.encode(text, addSpecialTokens: false, parseSpecial: false)
        #expect(!plain.contains(1) && !plain.contains(2))
        #expect(tokenizer.decode(plain) == text)
    }

    @Test func repeatedEncodingUsesTheCacheConsistently() throws {
        let tokenizer = try Reference.tokenizer.get()
        let text = Reference.prompts.map(\.text).joined(separator: " ")
        let first = tokenizer.encode(text)
        for _ in 0..<3 { #expect(tokenizer.encode(text) == first) }
    }

    @Test func concurrentEncodingAgreesWithSerial() async throws {
        let tokenizer = try Reference.tokenizer.get()
        let texts = Reference.cases.map(\.text) + Reference.prompts.map(\.text)
        let serial = texts.map { tokenizer.encode($0) }
        let parallel = await withTaskGroup(of: (Int, [Int32]).self) { group in
            for (i, text) in texts.enumerated() { group.addTask { (i, tokenizer.encode(text)) } }
            var out = Array(repeating: [Int32](), count: texts.count)
            for await (i, ids) in group { out[i] = ids }
            return out
        }
        #expect(parallel == serial)
    }
}

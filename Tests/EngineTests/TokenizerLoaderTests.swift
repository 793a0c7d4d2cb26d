import Foundation
import Testing

@testable import Engine
@testable import Tokenizers

/// Writes a GGUF file that holds only metadata, to load hand-made vocabularies.
struct MetadataGGUF {
    enum Value {
        case string(String), strings([String]), int32s([Int32]), floats([Float]), uint32(UInt32), bool(Bool)
    }

    var entries: [(String, Value)] = []

    func write() throws -> String {
        var out = Data("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func str(_ s: String) {
            u64(UInt64(s.utf8.count))
            out.append(contentsOf: Array(s.utf8))
        }
        u32(3)
        u64(0)
        u64(UInt64(entries.count))
        for (key, value) in entries {
            str(key)
            switch value {
            case let .string(s):
                u32(8)
                str(s)
            case let .uint32(v):
                u32(4)
                u32(v)
            case let .bool(b):
                u32(7)
                out.append(b ? 1 : 0)
            case let .strings(a):
                u32(9)
                u32(8)
                u64(UInt64(a.count))
                a.forEach(str)
            case let .int32s(a):
                u32(9)
                u32(5)
                u64(UInt64(a.count))
                a.forEach { u32(UInt32(bitPattern: $0)) }
            case let .floats(a):
                u32(9)
                u32(6)
                u64(UInt64(a.count))
                a.forEach { u32($0.bitPattern) }
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-\(UUID().uuidString).gguf").path
        try out.write(to: URL(fileURLWithPath: path))
        return path
    }

    func load() throws -> any Tokenizer {
        let path = try write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try TokenizerLoader.load(from: GGUFFile(path: path))
    }
}

@Suite struct TokenizerLoaderTests {
    /// The 256 byte characters (ids 0-255), then `extra` pieces, then one control token.
    static func byteLevel(pre: String?, extra: [String], merges: [String], more: [(String, MetadataGGUF.Value)] = []) -> MetadataGGUF {
        let bytes = (0..<256).map { String(Unicode.Scalar(ByteLevelMapping.codePointOfByte[$0])!) }
        let tokens = bytes + extra + ["<|begin_of_text|>"]
        var file = MetadataGGUF(entries: [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.token_type", .int32s(tokens.indices.map { $0 == tokens.count - 1 ? 3 : 1 })),
            ("tokenizer.ggml.merges", .strings(merges)),
            ("tokenizer.ggml.bos_token_id", .uint32(UInt32(tokens.count - 1))),
        ])
        if let pre { file.entries.append(("tokenizer.ggml.pre", .string(pre))) }
        file.entries += more
        return file
    }

    /// "b c" merges first, and nothing merges "a" with "bc"; "abc" is still a token.
    static let mergeOrder = (extra: ["bc", "abc"], merges: ["b c", "a b"])

    @Test func mergesFollowRankOrder() throws {
        let tokenizer = try Self.byteLevel(pre: "gpt2", extra: Self.mergeOrder.extra, merges: Self.mergeOrder.merges).load()
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.encode("abc") == [97, 256])
        #expect(tokenizer.encode("ab") == [97, 98])  // "ab" is a merge without a token: its bytes
        #expect(tokenizer.decode([97, 256]) == "abc")
    }

    /// llama.cpp's Llama 3 rules: whole words that are tokens skip merging, and BOS is added.
    @Test func llama3StyleLooksUpWholeWordsAndAddsBOS() throws {
        let tokenizer = try Self.byteLevel(pre: "llama-bpe", extra: Self.mergeOrder.extra, merges: Self.mergeOrder.merges).load()
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.encode("abc") == [258, 257])
        #expect(tokenizer.encode("abc", addSpecialTokens: false) == [257])
        #expect(tokenizer.encode("<|begin_of_text|>abc", addSpecialTokens: false) == [258, 257])
    }

    @Test func addBOSKeyOverridesTheDefault() throws {
        let tokenizer = try Self.byteLevel(
            pre: "llama-bpe", extra: [], merges: [],
            more: [("tokenizer.ggml.add_bos_token", .bool(false))]
        ).load()
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.encode("a") == [97])
    }

    /// A merge whose result is not a token still takes part in later merges.
    @Test func mergesThroughPiecesMissingFromTheVocabulary() throws {
        let tokenizer = try Self.byteLevel(pre: "gpt2", extra: ["abc"], merges: ["a b", "ab c"]).load()
        #expect(tokenizer.encode("abc") == [256])
        #expect(tokenizer.encode("ab") == [97, 98])
    }

    @Test func missingPreTokenizerMeansLlamaCppDefault() throws {
        let tokenizer = try Self.byteLevel(pre: nil, extra: [], merges: []).load()
        #expect((tokenizer as? ByteLevelBPETokenizer)?.preTokenizerName == "default")
    }

    @Test func unsupportedFilesAreReported() throws {
        var bert = Self.byteLevel(pre: "gpt2", extra: [], merges: [])
        bert.entries[0] = ("tokenizer.ggml.model", .string("bert"))
        #expect(throws: EngineError.self) { try bert.load() }
        #expect(throws: EngineError.self) { try Self.byteLevel(pre: "tekken", extra: [], merges: []).load() }
        var noMerges = Self.byteLevel(pre: "gpt2", extra: [], merges: [])
        noMerges.entries.removeAll { $0.0 == "tokenizer.ggml.merges" }
        do {
            _ = try noMerges.load()
            Issue.record("a gpt2 vocabulary without merges loaded")
        } catch let error as EngineError {
            guard case let .missingMetadata(_, key) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(key == "tokenizer.ggml.merges")
        }
    }

    // MARK: SentencePiece

    /// <unk> <s> </s> a b ▁ ▁b ab <tool>(user-defined); "▁b" outscores "ab".
    static func sentencePiece(_ more: [(String, MetadataGGUF.Value)] = []) -> MetadataGGUF {
        let tokens = ["<unk>", "<s>", "</s>", "a", "b", "\u{2581}", "\u{2581}b", "ab", "<tool>"]
        return MetadataGGUF(
            entries: [
                ("tokenizer.ggml.model", .string("llama")),
                ("tokenizer.ggml.tokens", .strings(tokens)),
                ("tokenizer.ggml.scores", .floats([0, 0, 0, -5, -5, -5, -1, -2, 0])),
                ("tokenizer.ggml.token_type", .int32s([2, 3, 3, 1, 1, 1, 1, 1, 4])),
            ] + more)
    }

    @Test func sentencePieceDefaults() throws {
        let tokenizer = try Self.sentencePiece().load()
        let spm = try #require(tokenizer as? SentencePieceTokenizer)
        #expect(tokenizer.addsBOS && !spm.addsEOS && spm.addsSpacePrefix && spm.unknownID == 0)
        #expect(tokenizer.encode("ab b") == [1, 5, 7, 6])
        // No <0x63> token and no "c" piece: the unknown token stands in.
        #expect(tokenizer.encode("c", addSpecialTokens: false) == [5, 0])
    }

    @Test func sentencePieceKeysOverrideDefaults() throws {
        let tokenizer = try Self.sentencePiece([
            ("tokenizer.ggml.add_space_prefix", .bool(false)),
            ("tokenizer.ggml.add_eos_token", .bool(true)),
        ]).load()
        #expect(tokenizer.encode("ab b") == [1, 7, 6, 2])
        #expect(tokenizer.decode([7, 6]) == "ab b")
    }

    /// User-defined tokens are split out even without special parsing, and the text after
    /// them gets the space prefix again.
    @Test func userDefinedTokensAreAlwaysParsed() throws {
        let tokenizer = try Self.sentencePiece().load()
        #expect(tokenizer.encode("ab<tool>ab", addSpecialTokens: false, parseSpecial: false) == [5, 7, 8, 5, 7])
        #expect(
            tokenizer.encode("ab<s>ab", addSpecialTokens: false, parseSpecial: false)
                != tokenizer.encode("ab<s>ab", addSpecialTokens: false, parseSpecial: true))
    }
}

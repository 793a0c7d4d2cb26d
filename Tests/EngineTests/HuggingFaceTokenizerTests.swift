import Engine
import Foundation
import TestSupport
import Testing

/// tokenizer.json read as byte-level BPE: a small tokenizer written here (GPT-2's byte
/// characters, merges in both of the formats tokenizers writes, a special added token),
/// and what the engine does not implement refused by key.
@Suite("tokenizer.json (byte-level BPE)")
struct HuggingFaceTokenizerTests {
    /// "hello" and " world" merge to one token each; id 17 is a special token.
    static let vocabulary: [String: Int] = [
        "h": 0, "e": 1, "l": 2, "o": 3, "Ġ": 4, "w": 5, "r": 6, "d": 7, "he": 8, "ll": 9, "hell": 10, "hello": 11, "Ġw": 12,
        "or": 13, "Ġwor": 14, "ld": 15, "Ġworld": 16,
    ]

    static func tokenizerJSON(edit: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var json: [String: Any] = [
            "version": "1.0",
            "added_tokens": [["id": 17, "content": "<|endoftext|>", "special": true, "normalized": false]],
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": true],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "byte_fallback": false, "ignore_merges": false,
                "vocab": vocabulary,
                // Older files write "left right", tokenizers ≥ 0.20 [left, right].
                "merges": ["h e", "l l", "he ll", "hell o", ["Ġ", "w"], ["o", "r"], ["Ġw", "or"], ["l", "d"], ["Ġwor", "ld"]],
            ] as [String: Any],
        ]
        edit(&json)
        return json
    }

    static func directory(_ json: [String: Any]?) throws -> String {
        let path = try TestPaths.scratchDirectory("tokenizer-json")
        if let json {
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path + "/tokenizer.json"))
        }
        return path
    }

    static func error(_ json: [String: Any]?) throws -> String? {
        do {
            _ = try TokenizerLoader.load(huggingFace: directory(json))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("encodes words by their merges, cuts out special tokens and decodes back")
    func encodes() throws {
        let tokenizer = try TokenizerLoader.load(huggingFace: Self.directory(Self.tokenizerJSON()))
        #expect(tokenizer.vocabularySize == 18)
        #expect(tokenizer.encode("hello world", addSpecialTokens: true, parseSpecial: false) == [11, 16])
        #expect(tokenizer.encode("hello<|endoftext|> world", addSpecialTokens: false, parseSpecial: true) == [11, 17, 16])
        #expect(tokenizer.encode("hell", addSpecialTokens: false, parseSpecial: false) == [10])
        #expect(tokenizer.decode([11, 16]) == "hello world")
    }

    @Test("a TemplateProcessing post-processor with a leading special token adds it as BOS")
    func bos() throws {
        let json = Self.tokenizerJSON {
            $0["post_processor"] = [
                "type": "TemplateProcessing",
                "single": [["SpecialToken": ["id": "<|endoftext|>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
            ]
        }
        let tokenizer = try TokenizerLoader.load(huggingFace: Self.directory(json))
        #expect(tokenizer.encode("hello world", addSpecialTokens: true, parseSpecial: false) == [17, 11, 16])
    }

    @Test("a missing tokenizer.json, a normalizer, another model type or pre-tokenizer is refused by key")
    func refusals() throws {
        let missing = try #require(try Self.error(nil))
        #expect(missing.contains("tokenizer.json: not found"), "\(missing)")
        let normalizer = try #require(try Self.error(Self.tokenizerJSON { $0["normalizer"] = ["type": "NFC"] }))
        #expect(normalizer.contains("tokenizer.json: key 'normalizer' is NFC"), "\(normalizer)")
        let unigram = try #require(
            try Self.error(Self.tokenizerJSON { $0["model"] = ["type": "Unigram", "vocab": [["a", 0.0]]] }))
        #expect(unigram.contains("key 'model.type' is Unigram"), "\(unigram)")
        let metaspace = try #require(try Self.error(Self.tokenizerJSON { $0["pre_tokenizer"] = ["type": "Metaspace"] }))
        #expect(metaspace.contains("key 'pre_tokenizer' is Metaspace"), "\(metaspace)")
    }

    @Test("ModelLoader runs a directory with a tokenizer.json and names it by the directory")
    func loadsDirectory() throws {
        let path = try TinyCheckpoint.withConfig("llama_gqa") { _ in }
        let refused = #expect(throws: EngineError.self) { try ModelLoader.load(path: path, threads: 1) }
        #expect(refused?.description.contains("\(path)/tokenizer.json: not found") == true, "\(String(describing: refused))")
        try JSONSerialization.data(withJSONObject: Self.tokenizerJSON()).write(to: URL(fileURLWithPath: path + "/tokenizer.json"))
        let loaded = try ModelLoader.load(path: path + "/", threads: 1)
        #expect(loaded.gguf == nil && loaded.architecture == "llama")
        #expect(loaded.fileStem == (path as NSString).lastPathComponent && loaded.name == loaded.fileStem)
        #expect(loaded.identityFiles == [path + "/config.json", path + "/model.safetensors"])
        let tokens = loaded.tokenizer.encode("hello world", addSpecialTokens: true, parseSpecial: false)
        let direct = try LlamaModel(directory: SafeTensorsDirectory(path: TinyCheckpoint.directory("llama_gqa")), threads: 1)
        let a = try loaded.network.forward([SequenceInput(tokens: tokens, logits: .last)])[0].values
        let b = try direct.forward([SequenceInput(tokens: tokens, logits: .last)])[0].values
        #expect(Array(a) == Array(b))
    }
}

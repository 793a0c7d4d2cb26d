import Engine
import Foundation
import TestSupport
import Testing
import Tokenizers

/// What a SentencePiece-style tokenizer.json may say that the engine does not implement is
/// refused with one error naming the key; the merge formats and a missing BOS template load.
@Suite("tokenizer.json (SentencePiece-style BPE) refused by key")
struct HuggingFaceSentencePieceRefusalTests {
    typealias Fixture = SentencePieceJSONFixture

    static func error(_ variant: String = "legacy", _ edit: @escaping (inout [String: Any]) -> Void) throws -> String? {
        do {
            _ = try Fixture.load(variant, edit: edit)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func model(_ json: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var model = json["model"] as! [String: Any]
        edit(&model)
        json["model"] = model
    }

    @Test("merges written as \"left right\" strings load the same as pairs")
    func mergeStrings() throws {
        let pairs = try #require(try Fixture.tokenizers["legacy"]?.get())
        let strings = try Fixture.load("legacy") { json in
            Self.model(&json) { $0["merges"] = ($0["merges"] as! [[String]]).map { $0.joined(separator: " ") } }
        }
        for c in Fixture.cases where c.variant == "legacy" {
            #expect(strings.encode(c.text) == pairs.encode(c.text), "\(c.name)")
        }
    }

    /// Ids from tokenizers 0.22.2 with the merge list reversed.
    @Test("the merge list's order decides which pieces come out")
    func mergeOrder() throws {
        let reversed = try Fixture.load("legacy") { json in Self.model(&json) { $0["merges"] = Array(($0["merges"] as! [Any]).reversed()) }
        }
        #expect(reversed.encode("Hello world", addSpecialTokens: false) == [359, 652, 652, 648, 514, 394])
        #expect(
            reversed.encode("The quick brown fox jumps over the lazy dog.", addSpecialTokens: false)
                == [
                    290, 624, 331, 659, 273, 649, 358, 647, 283, 648, 706, 370, 337, 658, 650, 642, 518, 265, 276, 288, 592, 661, 277, 565,
                    655,
                ])
    }

    @Test("without a TemplateProcessing BOS, no BOS is added")
    func noBOS() throws {
        let tokenizer = try Fixture.load("metaspace") { $0["post_processor"] = NSNull() }
        #expect(!tokenizer.addsBOS && tokenizer.bosID == nil)
        #expect(tokenizer.encode("Hello world") == [317, 471, 648, 514, 394])
    }

    /// tokenizers reads a Metaspace without prepend_scheme as always, and refuses add_prefix_space
    /// false unless the scheme is never.
    @Test("an older Metaspace with add_prefix_space reads as tokenizers reads it")
    func olderMetaspace() throws {
        let always = try #require(try Fixture.tokenizers["metaspace_always"]?.get())
        let older = try Fixture.load("metaspace") {
            $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "add_prefix_space": true, "split": false]
        }
        for c in Fixture.cases where c.variant == "metaspace_always" {
            #expect(older.encode(c.text) == always.encode(c.text), "\(c.name)")
        }
        #expect(older.encode("<s>Hello", addSpecialTokens: false) == [1, 317, 471, 648])
        let contradiction = try #require(
            try Self.error("metaspace") {
                $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "add_prefix_space": false, "split": false]
            })
        #expect(
            contradiction.contains("key 'pre_tokenizer.add_prefix_space' is false but the prepend scheme is always"), "\(contradiction)")
    }

    @Test("normalizers other than Prepend and a string Replace are refused by key")
    func normalizers() throws {
        let nfkc = try #require(try Self.error { $0["normalizer"] = ["type": "NFKC"] })
        #expect(nfkc.contains("tokenizer.json: key 'normalizer' is NFKC; with byte_fallback"), "\(nfkc)")
        let lowercase = try #require(
            try Self.error { json in
                var sequence = json["normalizer"] as! [String: Any]
                sequence["normalizers"] = (sequence["normalizers"] as! [Any]) + [["type": "Lowercase"]]
                json["normalizer"] = sequence
            })
        #expect(lowercase.contains("key 'normalizer.normalizers[2]' is Lowercase"), "\(lowercase)")
        let regex = try #require(
            try Self.error { $0["normalizer"] = ["type": "Replace", "pattern": ["Regex": " {2,}"], "content": "▁"] })
        #expect(regex.contains("key 'normalizer.pattern' is [\"Regex\"]"), "\(regex)")
    }

    @Test("pre-tokenizers other than a non-splitting Metaspace are refused by key")
    func preTokenizers() throws {
        let split = try #require(
            try Self.error("metaspace") { json in
                var pre = json["pre_tokenizer"] as! [String: Any]
                pre["split"] = true
                json["pre_tokenizer"] = pre
            })
        #expect(split.contains("key 'pre_tokenizer.split' is true"), "\(split)")
        let defaultSplit = try #require(
            try Self.error("metaspace") { $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "prepend_scheme": "first"] })
        #expect(defaultSplit.contains("key 'pre_tokenizer.split' is missing (tokenizers' default, true)"), "\(defaultSplit)")
        let byteLevel = try #require(try Self.error { $0["pre_tokenizer"] = ["type": "ByteLevel", "add_prefix_space": false] })
        #expect(byteLevel.contains("key 'pre_tokenizer' is ByteLevel; with byte_fallback"), "\(byteLevel)")
        let sequence = try #require(
            try Self.error("metaspace") { json in json["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [json["pre_tokenizer"]!]] })
        #expect(sequence.contains("key 'pre_tokenizer' is Sequence"), "\(sequence)")
        let scheme = try #require(
            try Self.error("metaspace") { json in
                var pre = json["pre_tokenizer"] as! [String: Any]
                pre["prepend_scheme"] = "sometimes"
                json["pre_tokenizer"] = pre
            })
        #expect(scheme.contains("key 'pre_tokenizer.prepend_scheme' is sometimes"), "\(scheme)")
    }

    @Test("model settings that change which pieces come out are refused by key")
    func modelSettings() throws {
        let cases: [(String, Any, String)] = [
            ("dropout", 0.1, "key 'model.dropout' is 0.1"),
            ("ignore_merges", true, "key 'model.ignore_merges' is true"),
            ("continuing_subword_prefix", "##", "key 'model.continuing_subword_prefix' is ##"),
            ("end_of_word_suffix", "</w>", "key 'model.end_of_word_suffix' is </w>"),
        ]
        for (key, value, expected) in cases {
            let message = try #require(try Self.error { json in Self.model(&json) { $0[key] = value } }, "\(key)")
            #expect(message.contains(expected), "\(message)")
        }
        let unigram = try #require(try Self.error { json in Self.model(&json) { $0["type"] = "Unigram" } })
        #expect(unigram.contains("key 'model.type' is Unigram"), "\(unigram)")
        let wordPiece = try #require(try Self.error { json in Self.model(&json) { $0["type"] = "WordPiece" } })
        #expect(wordPiece.contains("key 'model.type' is WordPiece"), "\(wordPiece)")
    }

    @Test("a vocabulary without every byte token, or a merge outside it, is refused by key")
    func vocabularyAndMerges() throws {
        let missingByte = try #require(
            try Self.error { json in
                Self.model(&json) { model in
                    var vocab = model["vocab"] as! [String: Int]
                    vocab["<0x41>"] = nil
                    vocab["<0x41 >"] = 68
                    model["vocab"] = vocab
                }
            })
        #expect(
            missingByte.contains("key 'model.vocab' is unusable with model.byte_fallback") && missingByte.contains("<0x41>"),
            "\(missingByte)")
        let merge = try #require(
            try Self.error { json in
                Self.model(&json) { $0["merges"] = [["▁", "t"], ["q", "z"]] + ($0["merges"] as! [[String]]) }
            })
        #expect(merge.contains("key 'model.merges' item 1 (\"q\", \"z\") needs \"qz\", which is not in model.vocab"), "\(merge)")
        let threeParts = try #require(try Self.error { json in Self.model(&json) { $0["merges"] = ["a b c"] } })
        #expect(threeParts.contains("key 'model.merges' item 0 (\"a b c\") is not two pieces"), "\(threeParts)")
    }

    @Test("decoders other than the converter's Sequence or Metaspace are refused by key")
    func decoders() throws {
        let byteLevel = try #require(try Self.error { $0["decoder"] = ["type": "ByteLevel"] })
        #expect(byteLevel.contains("key 'decoder' is ByteLevel"), "\(byteLevel)")
        let missing = try #require(try Self.error { $0["decoder"] = NSNull() })
        #expect(missing.contains("key 'decoder' is missing"), "\(missing)")
        let noFallback = try #require(
            try Self.error { json in
                var decoder = json["decoder"] as! [String: Any]
                var steps = decoder["decoders"] as! [[String: Any]]
                steps.remove(at: 1)
                decoder["decoders"] = steps
                json["decoder"] = decoder
            })
        #expect(noFallback.contains("key 'decoder.decoders' is [Replace, Fuse, Strip]"), "\(noFallback)")
    }

    @Test("added tokens that strip neighbours or match normalised text are refused by key")
    func addedTokens() throws {
        let lstrip = try #require(
            try Self.error { json in
                var added = json["added_tokens"] as! [[String: Any]]
                added[1]["lstrip"] = true
                json["added_tokens"] = added
            })
        #expect(lstrip.contains("key 'added_tokens' item 1 (\"<s>\") has lstrip true"), "\(lstrip)")
        let normalized = try #require(
            try Self.error { json in
                var added = json["added_tokens"] as! [[String: Any]]
                added[2]["normalized"] = true
                json["added_tokens"] = added
            })
        #expect(normalized.contains("key 'added_tokens' item 2 (\"</s>\") has normalized true"), "\(normalized)")
        // Without a normaliser, matching normalised text is matching the text.
        #expect(
            try Self.error("metaspace") { json in
                var added = json["added_tokens"] as! [[String: Any]]
                added[2]["normalized"] = true
                json["added_tokens"] = added
            } == nil)
    }

    @Test("a post-processor that adds EOS after the text is refused by key")
    func trailingSpecialToken() throws {
        let message = try #require(
            try Self.error { json in
                var post = json["post_processor"] as! [String: Any]
                post["single"] = (post["single"] as! [Any]) + [["SpecialToken": ["id": "</s>", "type_id": 0]]]
                json["post_processor"] = post
            })
        #expect(message.contains("key 'post_processor.single' adds special tokens after the text"), "\(message)")
    }
}

import Engine
import Foundation
import TestSupport
import Testing

/// The reader on intact files: metadata and tensor tables as the fixtures' READMEs describe them.
@Suite struct GGUFMetadataTests {
    @Test func smolLM2Header() throws {
        let file = try GGUFFile(path: TestPaths.smolLM2)
        #expect(file.fileSize == 98_362_432)
        #expect(file.version == 3)
        #expect(file.alignment == 32)
        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.int("llama.block_count") == 30)
        #expect(try file.int("llama.embedding_length") == 576)
        #expect(try file.int("llama.feed_forward_length") == 1536)
        #expect(try file.int("llama.attention.head_count") == 9)
        #expect(try file.int("llama.attention.head_count_kv") == 3)
        #expect(try file.int("llama.rope.dimension_count") == 64)
        #expect(try file.int("llama.vocab_size") == 49152)
        #expect(try file.double("llama.rope.freq_base") == 100_000)
        #expect(Float(try file.double("llama.attention.layer_norm_rms_epsilon")) == 1e-5)
        #expect(try file.string("tokenizer.ggml.model") == "gpt2")
        #expect(try file.string("tokenizer.ggml.pre") == "smollm")
        #expect(try file.array("tokenizer.ggml.tokens").count == 49152)
        #expect(try file.array("tokenizer.ggml.merges").count == 48900)
        #expect(try file.array("tokenizer.ggml.token_type").count == 49152)
        #expect(file.metadata["tokenizer.ggml.add_bos_token"]?.bool == false)
        #expect(file.metadataKeys.count == 33 && file.metadata.count == 33)

        #expect(file.tensors.count == 272)
        let counts = Dictionary(grouping: file.tensors, by: \.type).mapValues(\.count)
        #expect(counts == [.q4_1: 210, .q8_0: 1, .f32: 61])
        #expect(file.tensor(named: "output.weight") == nil, "SmolLM2 ties its output to token_embd")
        let embedding = try #require(file.tensor(named: "token_embd.weight"))
        #expect(embedding.type == .q8_0 && embedding.dimensions == [576, 49152])
        #expect(embedding.rowLength == 576 && embedding.rowCount == 49152)
        #expect(file.tensor(named: "blk.29.ffn_down.weight")?.dimensions == [1536, 576])
        #expect(file.tensor(named: "blk.0.attn_k.weight")?.dimensions == [576, 192])
        for tensor in file.tensors {
            #expect(tensor.byteCount == tensor.type.rowBytes(tensor.rowLength)! * tensor.rowCount)
            #expect(tensor.fileOffset >= file.dataOffset && tensor.fileOffset % file.alignment == 0)
        }
        #expect(file.tensors.map { $0.fileOffset + $0.byteCount }.max() == file.fileSize)
    }

    @Test(arguments: DequantReference.tinyVariants)
    func tinyLlamaHeader(variant: String) throws {
        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        let manifest = try #require(try TestPaths.json(TestPaths.reference + "/gguf/manifest.json") as? [String: Any])
        let facts = try #require((manifest["variants"] as? [String: [String: Any]])?[variant])
        #expect(file.fileSize == facts["bytes"] as? Int)
        #expect(sha256Hex(file.rawBytes) == facts["sha256"] as? String)
        #expect(try file.int("general.file_type") == facts["general.file_type"] as? Int)

        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.int("llama.block_count") == 2)
        #expect(try file.int("llama.embedding_length") == 256)
        #expect(try file.int("llama.feed_forward_length") == 512)
        #expect(try file.int("llama.attention.head_count") == 8)
        #expect(try file.int("llama.attention.head_count_kv") == 4)
        #expect(try file.int("llama.rope.dimension_count") == 32)
        #expect(try file.int("llama.attention.key_length") == 32)
        #expect(try file.int("llama.attention.value_length") == 32)
        #expect(try file.int("llama.vocab_size") == 1000)
        #expect(try file.int("llama.context_length") == 512)
        #expect(try file.double("llama.rope.freq_base") == 10_000)
        #expect(try file.string("tokenizer.ggml.model") == "llama")
        #expect(try file.string("tokenizer.ggml.pre") == "default")
        for key in ["tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type"] {
            #expect(try file.array(key).count == 1000, "\(key)")
        }
        #expect(try file.int("tokenizer.ggml.bos_token_id") == 1)
        #expect(try file.int("tokenizer.ggml.eos_token_id") == 2)
        #expect(file.metadata["tokenizer.ggml.add_bos_token"]?.bool == true)
        #expect(file.metadata["tokenizer.ggml.add_eos_token"]?.bool == false)
        #expect(file.metadata["tokenizer.ggml.unknown_token_id"] == nil)
        #expect(file.metadata["tokenizer.ggml.add_space_prefix"] == nil)
        #expect(throws: EngineError.missingMetadata(path: file.path, key: "tokenizer.ggml.unknown_token_id")) {
            try file.int("tokenizer.ggml.unknown_token_id")
        }

        // 16 matrices and 5 norm vectors; the norms are F32 everywhere.
        #expect(file.tensors.count == 21)
        let names = file.tensors.map(\.name)
        let expectedOrder =
            variant == "F32"
            ? ["output.weight", "token_embd.weight", "blk.0.attn_norm.weight", "blk.0.ffn_down.weight"]
            : ["output.weight", "output_norm.weight", "token_embd.weight", "blk.0.attn_k.weight"]
        #expect(Array(names.prefix(4)) == expectedOrder)
        let typeCounts = try #require(facts["type_counts"] as? [String: Int])
        let counts = Dictionary(grouping: file.tensors, by: { "\($0.type)" }).mapValues(\.count)
        #expect(counts == typeCounts)
        for tensor in file.tensors where tensor.dimensions.count == 1 {
            #expect(tensor.type == .f32 && tensor.dimensions == [256], "\(tensor.name)")
        }
        #expect(file.tensor(named: "blk.0.ffn_down.weight")?.dimensions == [512, 256])
        #expect(file.tensor(named: "blk.1.attn_k.weight")?.dimensions == [256, 128])
        #expect(file.tensor(named: "output.weight")?.dimensions == [256, 1000])
        if variant == "Q4_K_M-mix" {
            let q6 = Set(file.tensors.filter { $0.type == .q6_K }.map(\.name))
            #expect(q6 == ["output.weight", "blk.1.attn_v.weight", "blk.1.ffn_down.weight"])
        }
    }

    @Test func typedAccessorsNameTheKey() throws {
        let file = try GGUFFile(path: TestPaths.tinyGGUF("Q4_1"))
        do {
            _ = try file.int("general.architecture")
            Issue.record("a string read as an integer")
        } catch {
            #expect("\(error)".contains("general.architecture") && "\(error)".contains("not an integer"))
        }
        #expect(throws: EngineError.self) { try file.string("llama.block_count") }
        #expect(throws: EngineError.self) { try file.array("tokenizer.ggml.model") }
        #expect(throws: EngineError.self) { try file.double("tokenizer.ggml.pre") }
    }
}

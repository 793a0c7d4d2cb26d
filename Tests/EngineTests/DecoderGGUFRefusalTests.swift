import Engine
import Foundation
import TestSupport
import Testing

/// What the BLOOM and Falcon forward passes do not implement, a GGUF file cannot ask for:
/// the tiny checkpoints converted as llama.cpp converts them, with one key or tensor added or
/// changed, are refused naming it; the neutral values of optional keys are accepted.
@Suite("BLOOM and Falcon GGUF settings the engine refuses")
struct DecoderGGUFRefusalTests {
    func refusal(_ reference: String, _ edit: @escaping (inout GGUFWriter) throws -> Void) -> String {
        do {
            _ = try TinyDecoderGGUFTests.model(reference, extra: edit)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    /// Replaces a key the converter wrote.
    func change(_ key: String, to value: GGUFValue) -> (inout GGUFWriter) throws -> Void {
        { writer in
            writer.removeValue(forKey: key)
            try writer.set(key, value)
        }
    }

    func zeros(_ count: Int) -> [Float] { [Float](repeating: 0, count: count) }

    @Test("an architecture the engine does not run is refused with the supported list")
    func unknownArchitecture() throws {
        let message = refusal("falcon", change("general.architecture", to: .string("gptneox")))
        #expect(message.contains("architecture 'gptneox'") && message.contains("bloom, falcon, llama, qwen2"), "\(message)")
        #expect(GGUFArchitectures.supported == ["bloom", "falcon", "llama", "qwen2"])
    }

    @Test("weights of one architecture declared as another are refused by the key or tensor they lack")
    func otherArchitecturesWeights() throws {
        let bloomAsFalcon = refusal("bloom", change("general.architecture", to: .string("falcon")))
        #expect(bloomAsFalcon.contains("'falcon."), "\(bloomAsFalcon)")
        let llamaPath = try TestPaths.scratchDirectory("decoder-refusals") + "/llama-as-bloom.gguf"
        try HFToGGUF.convert(
            directory: TinyCheckpoint.directory("llama_gqa"), architecture: "llama", to: llamaPath,
            extra: change("general.architecture", to: .string("bloom")))
        let error = #expect(throws: EngineError.self) { try GGUFArchitectures.network(gguf: GGUFFile(path: llamaPath)) }
        let message = error.map { "\($0)" } ?? "accepted"
        #expect(message.contains("'bloom.block_count'"), "\(message)")
    }

    @Test("Falcon-40B's second layer norm, grouped key-value heads and biases are refused by name")
    func falconVariants() {
        let norm2 = refusal("falcon") {
            for l in 0..<3 {
                try $0.addTensor(name: "blk.\(l).attn_norm_2.weight", dimensions: [64], values: self.zeros(64))
                try $0.addTensor(name: "blk.\(l).attn_norm_2.bias", dimensions: [64], values: self.zeros(64))
            }
        }
        #expect(norm2.contains("'blk.0.attn_norm_2.") && norm2.contains("Falcon-40B"), "\(norm2)")
        let grouped = refusal("falcon", change("falcon.attention.head_count_kv", to: .uint32(2)))
        #expect(grouped.contains("'falcon.attention.head_count_kv'") && grouped.contains("grouped"), "\(grouped)")
        let bias = refusal("falcon") { try $0.addTensor(name: "blk.1.attn_qkv.bias", dimensions: [96], values: self.zeros(96)) }
        #expect(bias.contains("'blk.1.attn_qkv.bias'") && bias.contains("bias"), "\(bias)")
        let extraLayer = refusal("falcon") { try $0.addTensor(name: "blk.3.attn_norm.weight", dimensions: [64], values: self.zeros(64)) }
        #expect(extraLayer.contains("'blk.3.attn_norm.weight'"), "\(extraLayer)")
        let layout = refusal("falcon", change("falcon.tensor_data_layout", to: .string("interleaved")))
        #expect(layout.contains("'falcon.tensor_data_layout'"), "\(layout)")
        let partial = refusal("falcon") { try $0.set("falcon.rope.dimension_count", .uint32(8)) }
        #expect(partial.contains("'falcon.rope.dimension_count'"), "\(partial)")
    }

    @Test("rope scaling and unknown keys are refused by key; neutral values and the rope base are read")
    func keys() throws {
        let yarn = refusal("falcon") { try $0.set("falcon.rope.scaling.type", .string("yarn")) }
        #expect(yarn.contains("'falcon.rope.scaling.type'"), "\(yarn)")
        let factor = refusal("falcon") { try $0.set("falcon.rope.scaling.factor", .float32(4)) }
        #expect(factor.contains("'falcon.rope.scaling.factor'"), "\(factor)")
        let clamp = refusal("bloom") { try $0.set("bloom.attention.clamp_kqv", .float32(8)) }
        #expect(clamp.contains("'bloom.attention.clamp_kqv'"), "\(clamp)")
        let alibi = refusal("bloom") { try $0.set("bloom.attention.max_alibi_bias", .float32(4)) }
        #expect(alibi.contains("'bloom.attention.max_alibi_bias'"), "\(alibi)")
        let kv = refusal("bloom", change("bloom.attention.head_count_kv", to: .uint32(1)))
        #expect(kv.contains("'bloom.attention.head_count_kv'"), "\(kv)")
        let ffn = refusal("bloom", change("bloom.feed_forward_length", to: .uint32(128)))
        #expect(ffn.contains("'bloom.feed_forward_length'"), "\(ffn)")
        let bloomRope = refusal("bloom") { try $0.set("bloom.rope.freq_base", .float32(10000)) }
        #expect(bloomRope.contains("'bloom.rope.freq_base'"), "\(bloomRope)")
        // Written as "none", 1 and 8, the keys ask for nothing.
        #expect(
            refusal("falcon") {
                try $0.set("falcon.rope.scaling.type", .string("none"))
                try $0.set("falcon.rope.scaling.factor", .float32(1))
            } == "accepted")
        #expect(refusal("bloom") { try $0.set("bloom.attention.max_alibi_bias", .float32(8)) } == "accepted")
        // A rope base other than 10000 changes the logits (it is read, not ignored).
        let tokens: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6]
        let standard = try TinyDecoderGGUFTests.model("falcon").forward([SequenceInput(tokens: tokens)])[0].values
        let based = try TinyDecoderGGUFTests.model("falcon") { try $0.set("falcon.rope.freq_base", .float32(10000)) }
        #expect(try based.forward([SequenceInput(tokens: tokens)])[0].values == standard)
        let other = try TinyDecoderGGUFTests.model("falcon") { try $0.set("falcon.rope.freq_base", .float32(500)) }
        #expect(try other.forward([SequenceInput(tokens: tokens)])[0].values != standard)
    }

    @Test("a vocabulary larger than the embedding's rows is refused at load, naming both")
    func vocabularyPastEmbedding() throws {
        let rows = try GGUFArchitectures.network(gguf: GGUFFile(path: TinyDecoderGGUFTests.file("bloom")), threads: 1).shape
            .vocabularySize
        let fits = try TinyDecoderGGUFTests.file("bloom") { try HFToGGUF.addByteVocabulary(to: &$0, size: rows, pre: "bloom") }
        #expect(try ModelLoader.load(path: fits, threads: 1).tokenizer.vocabularySize == rows)
        let path = try TinyDecoderGGUFTests.file("bloom") { try HFToGGUF.addByteVocabulary(to: &$0, size: rows + 1, pre: "bloom") }
        let error = #expect(throws: EngineError.self) { try ModelLoader.load(path: path, threads: 1) }
        let message = error.map { "\($0)" } ?? "no error"
        #expect(message.contains("\(rows + 1) tokens") && message.contains("token_embd.weight has \(rows) rows"), "\(message)")
    }

    @Test("an unknown pre-tokenizer is refused naming tokenizer.ggml.pre")
    func unknownPreTokenizer() throws {
        let path = try TinyDecoderGGUFTests.file("bloom") { try HFToGGUF.addByteVocabulary(to: &$0, size: 512, pre: "bloomz-2") }
        let error = #expect(throws: EngineError.self) { try ModelLoader.load(path: path, threads: 1) }
        let message = error.map { "\($0)" } ?? "no error"
        #expect(message.contains("'tokenizer.ggml.pre'") && message.contains("bloomz-2"), "\(message)")
    }
}

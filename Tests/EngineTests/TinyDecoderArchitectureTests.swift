import Engine
import Foundation
import TestSupport
import Testing

/// GPT-2, BLOOM and Falcon from Hugging Face directories against the PyTorch reference
/// outputs in ../shared/reference/tiny: logits, hidden states, per-head attention outputs,
/// the MLP's last-projection input and the greedy continuation, each within 1e-4; KV-state
/// decoding (with forks and batches) against full recomputation; every config variant the
/// engine does not implement refused by key.
@Suite("Tiny GPT-2, BLOOM and Falcon directories against PyTorch", .serialized)
struct TinyDecoderArchitectureTests {
    static let references = ["gpt2", "bloom", "falcon"]

    static func model(_ reference: String, threads: Int = 2) throws -> any LanguageModel {
        try HuggingFaceArchitectures.network(directory: SafeTensorsDirectory(path: TinyCheckpoint.directory(reference)), threads: threads)
            .network
    }

    @Test("logits, hidden states, attention heads and MLP activations within 1e-4", arguments: references)
    func parity(reference: String) throws {
        try TinyArchitectureGGUFTests.checkParity(try Self.model(reference), reference: reference)
    }

    @Test("the greedy continuation of row 0 is the reference's 8 tokens", arguments: references)
    func greedy(reference: String) throws {
        try TinyArchitectureGGUFTests.checkGreedy(try Self.model(reference), reference: reference)
    }

    @Test("model_type chooses the architecture", arguments: references)
    func chosen(reference: String) throws {
        let directory = try SafeTensorsDirectory(path: TinyCheckpoint.directory(reference))
        #expect(try HuggingFaceArchitectures.network(directory: directory, threads: 1).architecture == reference)
    }

    @Test("a prompt decoded through a KV state, a fork and a batch gives full recomputation's logits", arguments: references)
    func kvStates(reference: String) throws {
        let model = try Self.model(reference)
        let tokens: [Int32] = [5, 17, 99, 3, 250, 7, 11, 400, 42, 8]
        let full = try model.forward([SequenceInput(tokens: tokens, logits: .all)])[0]
        let state = model.makeState()
        _ = try model.forward([SequenceInput(tokens: Array(tokens[..<4]), state: state, logits: .none)])
        let fork = state.fork()
        var last: [Float] = []
        for i in 4..<tokens.count {
            last = try model.forward([SequenceInput(tokens: [tokens[i]], state: fork, logits: .last)])[0].values
            #expect(TinyArchitectureGGUFTests.worst(last, full[i]) <= 1e-4, "\(reference) token \(i)")
        }
        // Two sequences in one call, one continuing the prefix's state, one from scratch.
        let other = state.copy()
        let batch = try model.forward([
            SequenceInput(tokens: Array(tokens[4...]), state: other, logits: .all),
            SequenceInput(tokens: Array(tokens[..<6]), logits: .all),
        ])
        for i in 4..<tokens.count {
            #expect(TinyArchitectureGGUFTests.worst(batch[0][i - 4], full[i]) <= 1e-4, "\(reference) batched token \(i)")
        }
        for i in 0..<6 { #expect(TinyArchitectureGGUFTests.worst(batch[1][i], full[i]) <= 1e-4, "\(reference) second row \(i)") }
    }

    @Test("ALiBi slopes are build_alibi_tensor's, also for head counts that are not a power of two")
    func alibiSlopes() {
        #expect(Bloom.alibiSlopes(heads: 4) == [0.25, 0.0625, 0.015625, 0.00390625])
        #expect(Bloom.alibiSlopes(heads: 6) == [0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125])
        let twelve = Bloom.alibiSlopes(heads: 12)
        // 12 heads: 8 from base 2^-1, then the odd powers of 16 heads' base 2^-0.5.
        #expect(twelve.count == 12 && abs(twelve[7] - 1 / 256) < 1e-9)
        #expect(abs(twelve[8] - Float(pow(2, -0.5))) < 1e-6 && abs(twelve[11] - Float(pow(2, -3.5))) < 1e-6)
        #expect(abs(Bloom.alibiSlopes(heads: 8)[0] - 0.5) < 1e-7)
    }

    @Test("GPT-2 refuses positions past n_positions")
    func positionsPastTheTable() throws {
        let model = try Self.model("gpt2")
        #expect(model.contextLength == 256)
        #expect(throws: EngineError.self) { try model.forward([SequenceInput(tokens: [Int32](repeating: 1, count: 257))]) }
    }

    static func error(_ reference: String, _ edit: (inout [String: Any]) -> Void) throws -> String? {
        do {
            _ = try HuggingFaceArchitectures.network(
                directory: SafeTensorsDirectory(path: try TinyCheckpoint.withConfig(reference, edit)), threads: 1)
            return nil
        } catch {
            return "\(error)"
        }
    }

    nonisolated(unsafe) static let refusals: [(reference: String, key: String, value: Any)] = [
        ("gpt2", "activation_function", "relu"), ("gpt2", "scale_attn_by_inverse_layer_idx", true),
        ("gpt2", "reorder_and_upcast_attn", true), ("gpt2", "scale_attn_weights", false), ("gpt2", "add_cross_attention", true),
        ("bloom", "apply_residual_connection_post_layernorm", true), ("falcon", "new_decoder_architecture", true),
        ("falcon", "multi_query", false), ("falcon", "parallel_attn", false), ("falcon", "alibi", true), ("falcon", "bias", true),
        ("falcon", "activation", "relu"), ("gpt2", "tie_word_embeddings", false), ("bloom", "tie_word_embeddings", false),
        ("falcon", "tie_word_embeddings", false),
    ]

    @Test("config variants the engine does not implement are refused by key", arguments: refusals.indices)
    func refused(index: Int) throws {
        let (reference, key, value) = Self.refusals[index]
        let message = try #require(try Self.error(reference) { $0[key] = value }, "\(reference) \(key)")
        #expect(message.contains("key '\(key)'"), "\(message)")
    }

    @Test("BLOOM refuses slow_but_exact with pretraining_tp > 1, and accepts it with 1")
    func slowButExact() throws {
        let message = try #require(
            try Self.error("bloom") {
                $0["pretraining_tp"] = 2
                $0["slow_but_exact"] = true
            })
        #expect(message.contains("key 'slow_but_exact'"), "\(message)")
        #expect(try Self.error("bloom") { $0["slow_but_exact"] = true } == nil)
    }

    @Test("Falcon refuses rope scaling by key")
    func falconRopeScaling() throws {
        let message = try #require(try Self.error("falcon") { $0["rope_parameters"] = ["rope_type": "linear", "factor": 2.0] })
        #expect(message.contains("rope_parameters.rope_type"), "\(message)")
    }

    @Test("an unknown model_type lists every supported architecture")
    func unknownModelType() throws {
        let message = try #require(try Self.error("gpt2") { $0["model_type"] = "gpt_neox" })
        #expect(message.contains("key 'model_type' is \"gpt_neox\""), "\(message)")
        #expect(message.contains("supported: bloom, falcon, gpt2, llama, mistral, qwen2"), "\(message)")
    }
}

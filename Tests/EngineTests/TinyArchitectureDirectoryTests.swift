import Engine
import Foundation
import TestSupport
import Testing

/// The LLaMA-family architectures run from Hugging Face directories (config.json and
/// safetensors, q/k rows as trained, halves rotated), against the same PyTorch reference
/// outputs as their GGUF conversions (TinyArchitectureGGUFTests), and sharded.
@Suite("Tiny LLaMA-family Hugging Face directories against PyTorch", .serialized)
struct TinyArchitectureDirectoryTests {
    static let references = ["llama_gqa", "mistral", "qwen2"]

    static func model(_ path: String) throws -> LlamaModel {
        try LlamaModel(directory: SafeTensorsDirectory(path: path), threads: 2)
    }

    @Test("logits, hidden states, attention heads and MLP activations within 1e-4", arguments: references)
    func parity(reference: String) throws {
        try TinyArchitectureGGUFTests.checkParity(try Self.model(TinyCheckpoint.directory(reference)), reference: reference)
    }

    @Test("the greedy continuation of row 0 is the reference's 8 tokens", arguments: references)
    func greedy(reference: String) throws {
        try TinyArchitectureGGUFTests.checkGreedy(try Self.model(TinyCheckpoint.directory(reference)), reference: reference)
    }

    @Test("every model type rotates halves from a directory, whatever its GGUF conversion rotates", arguments: references)
    func layout(reference: String) throws {
        let model = try Self.model(TinyCheckpoint.directory(reference))
        #expect(model.configuration.ropeLayout == .halves)
        #expect(model.configuration.architecture == (reference == "llama_gqa" ? "llama" : reference))
    }

    @Test("two shards (one with unaligned floats) give the single file's logits exactly", arguments: ["llama_gqa", "qwen2"])
    func sharded(reference: String) throws {
        let whole = try Self.model(TinyCheckpoint.directory(reference))
        let directory = try SafeTensorsDirectory(path: TinyCheckpoint.sharded(reference))
        #expect(directory.files.count == 2 && directory.indexPath != nil)
        let shards = try LlamaModel(directory: directory, threads: 2)
        let tokens: [Int32] = [5, 17, 99, 3, 250, 7, 11, 400]
        let a = try whole.forward([SequenceInput(tokens: tokens, logits: .all)])[0].values
        let b = try shards.forward([SequenceInput(tokens: tokens, logits: .all)])[0].values
        #expect(Array(a) == Array(b))
    }
}

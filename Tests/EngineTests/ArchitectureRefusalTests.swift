import Engine
import Foundation
import TestSupport
import Testing

/// What the engine cannot compute correctly it refuses, naming the key or tensor: an
/// architecture string it has not verified, rope scaling, rope frequency factors.
@Suite("GGUF architectures and settings the engine refuses")
struct ArchitectureRefusalTests {
    func load(architecture: String = "llama", extra: (inout GGUFWriter) throws -> Void = { _ in }) throws -> LlamaModel {
        let path = try TestPaths.scratchDirectory("refusals") + "/model.gguf"
        try HFToGGUF.convert(directory: TestPaths.reference + "/tiny/llama_gqa", architecture: architecture, to: path, extra: extra)
        return try LlamaModel(gguf: try GGUFFile(path: path), threads: 1)
    }

    func refusal(architecture: String = "llama", extra: @escaping (inout GGUFWriter) throws -> Void) -> String {
        do {
            _ = try load(architecture: architecture, extra: extra)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test("an architecture string llama.cpp does not define for these weights is refused with the supported list")
    func unknownArchitecture() {
        // (bloom and falcon run on another forward pass: DecoderGGUFRefusalTests.)
        for name in ["mistral", "smollm", "gptneox"] {
            let message = refusal(architecture: name) { _ in }
            #expect(message.contains("architecture '\(name)'") && message.contains("llama, qwen2"), "\(message)")
        }
    }

    @Test("rope scaling, frequency factors and logit scales are refused by key or tensor; their neutral values are accepted")
    func unimplementedSettings() throws {
        let yarn = refusal { try $0.set("llama.rope.scaling.type", .string("yarn")) }
        #expect(yarn.contains("'llama.rope.scaling.type'") && yarn.contains("rope scaling"), "\(yarn)")
        let linear = refusal { try $0.set("llama.rope.scaling.factor", .float32(4)) }
        #expect(linear.contains("'llama.rope.scaling.factor'"), "\(linear)")
        let factors = refusal { try $0.addTensor(name: "rope_freqs.weight", dimensions: [8], values: [Float](repeating: 1, count: 8)) }
        #expect(factors.contains("'rope_freqs.weight'") && factors.contains("rope frequency factors"), "\(factors)")
        let softcap = refusal { try $0.set("llama.final_logit_softcapping", .float32(30)) }
        #expect(softcap.contains("'llama.final_logit_softcapping'"), "\(softcap)")
        let window = refusal { try $0.set("llama.attention.sliding_window", .uint32(4096)) }
        #expect(window.contains("sliding-window"), "\(window)")
        // Written as "none" and 1, the keys ask for nothing.
        _ = try load {
            try $0.set("llama.rope.scaling.type", .string("none"))
            try $0.set("llama.rope.scaling.factor", .float32(1))
        }
    }

    @Test("q/k/v biases come all three or not at all")
    func partialBiases() {
        let message = refusal { try $0.addTensor(name: "blk.0.attn_q.bias", dimensions: [64], values: [Float](repeating: 0, count: 64)) }
        #expect(message.contains("only some of attn_q, attn_k, attn_v"), "\(message)")
    }
}

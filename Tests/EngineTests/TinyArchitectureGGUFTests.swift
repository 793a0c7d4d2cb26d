import Engine
import Foundation
import TestSupport
import Testing

/// The LLaMA-family architectures the engine accepts from GGUF, each from a tiny random
/// checkpoint converted as llama.cpp's converter converts it (tests/TestSupport/HFToGGUF),
/// against the PyTorch reference outputs in ../shared/reference/tiny: logits, hidden states,
/// per-head attention outputs, the MLP's down-projection input and the greedy continuation.
/// Qwen2 is the regression test for the rotary layout: llama.cpp rotates its halves.
@Suite("Tiny LLaMA-family GGUF files against PyTorch", .serialized)
struct TinyArchitectureGGUFTests {
    static let cases: [(reference: String, architecture: String)] = [
        ("llama_gqa", "llama"), ("mistral", "llama"), ("qwen2", "qwen2"),
    ]

    static func model(_ reference: String, _ architecture: String) throws -> LlamaModel {
        let path = try TestPaths.scratchDirectory("tiny-gguf") + "/\(reference).gguf"
        try HFToGGUF.convert(directory: TestPaths.reference + "/tiny/\(reference)", architecture: architecture, to: path)
        return try LlamaModel(gguf: try GGUFFile(path: path), threads: 2)
    }

    static func worst(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test("logits, hidden states, attention heads and MLP activations within 1e-4", arguments: cases.map(\.reference))
    func parity(reference: String) throws {
        let architecture = Self.cases.first { $0.reference == reference }!.architecture
        try Self.checkParity(try Self.model(reference, architecture), reference: reference)
    }

    @Test("the greedy continuation of row 0 is the reference's 8 tokens", arguments: cases.map(\.reference))
    func greedy(reference: String) throws {
        let architecture = Self.cases.first { $0.reference == reference }!.architecture
        try Self.checkGreedy(try Self.model(reference, architecture), reference: reference)
    }

    /// The model's logits, hidden states, per-head attention outputs and MLP down-projection
    /// inputs on the reference's input rows, each within 1e-4 (shared with the directory tests).
    static func checkParity(_ model: any LanguageModel, reference: String) throws {
        let dir = TestPaths.reference + "/tiny/\(reference)"
        let ids = try NPYArray(path: dir + "/input_ids.npy"), logits = try NPYArray(path: dir + "/logits.npy")
        let hidden = try NPYArray(path: dir + "/hidden_states.npy"), heads = try NPYArray(path: dir + "/attn_o_input.npy")
        let mlp = try NPYArray(path: dir + "/mlp_down_input.npy")
        let (rows, length, vocabulary) = (ids.shape[0], ids.shape[1], logits.shape[2])
        let layers = model.shape.layerCount, width = model.shape.hiddenSize, ffn = mlp.shape[3]
        #expect(hidden.shape == [layers + 1, rows, length, width] && model.shape.vocabularySize == vocabulary)
        var sites = Set((0..<layers).flatMap { [HookSite.attentionHeads($0), .mlpActivation($0), .residual($0)] })
        sites.insert(.embeddings)
        for row in 0..<rows {
            let tokens = Array(ids.ints[(row * length)..<((row + 1) * length)])
            let recorder = ActivationRecorder(sites: sites)
            let out = try model.forward([SequenceInput(tokens: tokens, state: model.makeState(), logits: .all)], editor: recorder)[0]
            let want = logits.floats[(row * length * vocabulary)..<((row + 1) * length * vocabulary)]
            #expect(Self.worst(out.values, want) <= 1e-4, "\(reference) row \(row) logits")
            // hidden_states[0] is the embeddings, [l + 1] the residual after layer l (the last is after the final norm).
            for l in 0..<layers {
                let site: HookSite = l == 0 ? .embeddings : .residual(l - 1)
                let got = recorder.values[site]!.flatMap { $0 }
                let base = ((l * rows) + row) * length * width
                #expect(Self.worst(got, hidden.floats[base..<(base + length * width)]) <= 1e-4, "\(reference) row \(row) hidden \(l)")
                let headBase = ((l * rows) + row) * length * width
                let gotHeads = recorder.values[.attentionHeads(l)]!.flatMap { $0 }
                #expect(Self.worst(gotHeads, heads.floats[headBase..<(headBase + length * width)]) <= 1e-4, "\(reference) heads \(l)")
                let mlpBase = ((l * rows) + row) * length * ffn
                let gotMLP = recorder.values[.mlpActivation(l)]!.flatMap { $0 }
                #expect(Self.worst(gotMLP, mlp.floats[mlpBase..<(mlpBase + length * ffn)]) <= 1e-4, "\(reference) mlp \(l)")
            }
        }
    }

    /// The 8 greedy tokens after row 0, decoded token by token from a KV state.
    static func checkGreedy(_ model: any LanguageModel, reference: String) throws {
        let dir = TestPaths.reference + "/tiny/\(reference)"
        let ids = try NPYArray(path: dir + "/input_ids.npy")
        let json = try #require(try TestPaths.json(dir + "/reference.json") as? [String: Any])
        let expected = try #require(json["greedy_row0_8"] as? [Int]).map(Int32.init)
        var generated: [Int32] = []
        let state = model.makeState()
        var next = Array(ids.ints[0..<ids.shape[1]])
        for _ in 0..<expected.count {
            let row = try model.forward([SequenceInput(tokens: next, state: state, logits: .last)])[0].last
            let best = Int32(row.indices.max { row[$0] < row[$1] }! - row.startIndex)
            generated.append(best)
            next = [best]
        }
        #expect(generated == expected, "\(reference)")
    }

    @Test("Qwen2's weights converted as llama (q/k rows permuted, pairs rotated) give the logits of the qwen2 file (halves rotated)")
    func layoutsAgree() throws {
        // The two layouts are one rotation stored two ways: llama.cpp's converter permutes
        // LLaMA's rows so that adjacent pairs are Hugging Face's halves, and leaves Qwen2's.
        let qwen = try Self.model("qwen2", "qwen2")
        let asLlama = try Self.model("qwen2", "llama")
        let tokens: [Int32] = [5, 17, 99, 3, 250, 7]
        let a = try qwen.forward([SequenceInput(tokens: tokens, logits: .last)])[0].values
        let b = try asLlama.forward([SequenceInput(tokens: tokens, logits: .last)])[0].values
        #expect(Self.worst(a, b) <= 1e-4)
    }
}

import Engine
import Foundation
import TestSupport
import Testing

/// BLOOM and Falcon from GGUF files: the tiny checkpoints of ../shared/reference/tiny written
/// as llama.cpp's converter writes them (HFToGGUF: BLOOM's fused q/k/v regrouped by part,
/// Falcon's kept in the order its one key-value head gives) against the PyTorch reference:
/// logits, hidden states, per-head attention outputs, MLP activations and the greedy
/// continuation, each within 1e-4.
@Suite("Tiny BLOOM and Falcon GGUF files against PyTorch", .serialized)
struct TinyDecoderGGUFTests {
    static let references = ["bloom", "falcon"]

    /// The converted file's path; `extra` adds keys or tensors before it is written.
    static func file(_ reference: String, extra: (inout GGUFWriter) throws -> Void = { _ in }) throws -> String {
        let path = try TestPaths.scratchDirectory("tiny-decoder-gguf") + "/\(reference).gguf"
        try HFToGGUF.convert(directory: TinyCheckpoint.directory(reference), architecture: reference, to: path, extra: extra)
        return path
    }

    static func model(_ reference: String, extra: (inout GGUFWriter) throws -> Void = { _ in }) throws -> any LanguageModel {
        try GGUFArchitectures.network(gguf: GGUFFile(path: file(reference, extra: extra)), threads: 2)
    }

    @Test("logits, hidden states, attention heads and MLP activations within 1e-4", arguments: references)
    func parity(reference: String) throws {
        try TinyArchitectureGGUFTests.checkParity(try Self.model(reference), reference: reference)
    }

    @Test("the greedy continuation of row 0 is the reference's 8 tokens", arguments: references)
    func greedy(reference: String) throws {
        try TinyArchitectureGGUFTests.checkGreedy(try Self.model(reference), reference: reference)
    }

    @Test("the GGUF file and the Hugging Face directory give the same logits", arguments: references)
    func formatsAgree(reference: String) throws {
        let gguf = try Self.model(reference)
        let directory = try HuggingFaceArchitectures.network(
            directory: SafeTensorsDirectory(path: TinyCheckpoint.directory(reference)), threads: 2
        ).network
        let tokens: [Int32] = [5, 17, 99, 3, 250, 7, 511, 0]
        let a = try gguf.forward([SequenceInput(tokens: tokens, logits: .all)])[0].values
        let b = try directory.forward([SequenceInput(tokens: tokens, logits: .all)])[0].values
        #expect(TinyArchitectureGGUFTests.worst(a, b) <= 1e-5, "\(reference)")
    }

    /// Sites the reference has no arrays for: each block adds its attention and MLP outputs to
    /// the residual stream (BLOOM one after the other, Falcon in parallel), and the MLPs have
    /// no gate, so `mlp-gate` is the activation `mlp-activation` reports.
    @Test("every hook site is offered: residual(l) = residual(l − 1) + attention-output(l) + mlp-output(l)", arguments: references)
    func sites(reference: String) throws {
        let model = try Self.model(reference)
        let layers = model.shape.layerCount
        let kinds = ["attention-output", "mlp-output", "mlp-gate", "mlp-activation", "residual", "attention-heads"]
        var sites = Set((0..<layers).flatMap { l in kinds.map { HookSite(kind: $0, layer: l)! } })
        sites.insert(.embeddings)
        let recorder = ActivationRecorder(sites: sites)
        _ = try model.forward([SequenceInput(tokens: [9, 8, 7, 6, 5], logits: .last)], editor: recorder)
        try #require(Set(recorder.values.keys) == sites, "\(reference)")
        for l in 0..<layers {
            let before = recorder.values[l == 0 ? .embeddings : .residual(l - 1)]!.flatMap { $0 }
            let attention = recorder.values[.attentionOutput(l)]!.flatMap { $0 }
            let mlp = recorder.values[.mlpOutput(l)]!.flatMap { $0 }
            let after = recorder.values[.residual(l)]!.flatMap { $0 }
            let sum = before.indices.map { before[$0] + attention[$0] + mlp[$0] }
            #expect(TinyArchitectureGGUFTests.worst(sum, after) <= 1e-5, "\(reference) layer \(l)")
            #expect(recorder.values[.mlpGate(l)]! == recorder.values[.mlpActivation(l)]!, "\(reference) layer \(l)")
            #expect(attention.contains { $0 != 0 } && mlp.contains { $0 != 0 }, "\(reference) layer \(l)")
        }
    }

    /// Older converters wrote BLOOM's output as a copy of the embeddings, and Falcon's lm_head
    /// as `output`: such a tensor is the output projection. Written as twice the embeddings,
    /// every logit doubles (the final norm's output is multiplied by it alone).
    @Test("an output.weight in the file is the output projection", arguments: references)
    func separateOutput(reference: String) throws {
        let weights = try SafeTensorsFile(path: TinyCheckpoint.directory(reference) + "/model.safetensors")
        let embedding = try weights.floats("transformer.word_embeddings.weight")
        let shape = try #require(weights.tensor(named: "transformer.word_embeddings.weight")?.shape)
        let tokens: [Int32] = [1, 2, 3, 4, 200]
        let tied = try Self.model(reference).forward([SequenceInput(tokens: tokens, logits: .all)])[0].values
        for scale: Float in [1, 2] {
            let model = try Self.model(reference) {
                try $0.addTensor(name: "output.weight", dimensions: shape.reversed(), values: embedding.map { $0 * scale })
            }
            let logits = try model.forward([SequenceInput(tokens: tokens, logits: .all)])[0].values
            #expect(TinyArchitectureGGUFTests.worst(logits, tied.map { $0 * scale }) <= 1e-4, "\(reference) × \(scale)")
        }
    }

    /// The file as a whole model: the architecture chosen by `general.architecture`, and a
    /// byte-level `gpt2` vocabulary with the pre-tokenizer llama.cpp's converter names.
    @Test("ModelLoader runs the file with its byte-level vocabulary and pre-tokenizer", arguments: references)
    func loadsAsModel(reference: String) throws {
        let path = try Self.file(reference) { try HFToGGUF.addByteVocabulary(to: &$0, size: 512, pre: reference) }
        let loaded = try ModelLoader.load(path: path, threads: 2)
        #expect(loaded.architecture == reference)
        let text = "Hi, there... (ok)"
        let ids = loaded.tokenizer.encode(text, addSpecialTokens: true, parseSpecial: false)
        #expect(ids == text.utf8.map { Int32($0) })
        #expect(loaded.tokenizer.decode(ids) == text)
        let logits = try loaded.network.forward([SequenceInput(tokens: ids)])[0].last
        #expect(logits.count == 512 && logits.allSatisfy(\.isFinite))
    }
}

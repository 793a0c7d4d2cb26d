import Foundation
import Harness
import Interventions
import TestSupport
import Testing
import Tokenizers

@testable import Engine

/// A byte tokenizer for the tiny checkpoints, which come without one: each UTF-8 byte is its
/// own token id.
struct ByteTestTokenizer: Tokenizer {
    var vocabularySize: Int { 256 }
    var bosID: Int32? { nil }
    var eosID: Int32? { nil }
    var addsBOS: Bool { false }
    func encode(_ text: String, addSpecialTokens: Bool, parseSpecial: Bool) -> [Int32] { text.utf8.map { Int32($0) } }
    func decode(_ ids: [Int32]) -> String { String(decoding: ids.map { UInt8($0) }, as: UTF8.self) }
    func bytes(of id: Int32) -> [UInt8] { [UInt8(id)] }
    func piece(_ id: Int32) -> String { decode([id]) }
}

/// SADI-HEAD and SADI-NEURON fitted on contrastive pairs and applied on every tiny
/// architecture (LLaMA family and the LayerNorm decoders): every site they read exists.
@Suite("SADI fitted and applied on every tiny architecture", .serialized)
struct TinyArchitectureSADITests {
    static let references = ["llama_gqa", "mistral", "qwen2", "gpt2", "bloom", "falcon"]

    static let pairs = [
        ContrastivePair(context: "The sky is", positive: " blue", negative: " green"),
        ContrastivePair(context: "Two and two make", positive: " four", negative: " five"),
        ContrastivePair(context: "Water is", positive: " wet", negative: " dry"),
        ContrastivePair(context: "Fire is", positive: " hot", negative: " cold"),
    ]

    @Test("sadi-head and sadi-neuron fit, plan K units and change the edited logits", arguments: references)
    func fitAndApply(reference: String) throws {
        let directory = try SafeTensorsDirectory(path: TinyCheckpoint.directory(reference))
        let (architecture, network) = try HuggingFaceArchitectures.network(directory: directory, threads: 2)
        let model = LoadedModel(
            path: directory.path, gguf: nil, architecture: architecture, identityFiles: directory.identityFiles, network: network,
            tokenizer: ByteTestTokenizer(), chatTemplate: nil)
        try Self.fitAndApply(model, label: reference)
    }

    /// BLOOM and Falcon from GGUF files (converted as llama.cpp converts them, with a byte-level
    /// vocabulary whose ids are the UTF-8 bytes), loaded as a whole model.
    @Test("sadi-head and sadi-neuron on BLOOM and Falcon GGUF files", arguments: ["bloom", "falcon"])
    func fitAndApplyGGUF(reference: String) throws {
        let path = try TestPaths.scratchDirectory("tiny-sadi-gguf") + "/\(reference).gguf"
        try HFToGGUF.convert(directory: TinyCheckpoint.directory(reference), architecture: reference, to: path) {
            try HFToGGUF.addByteVocabulary(to: &$0, size: 512, pre: reference)
        }
        let model = try ModelLoader.load(path: path, threads: 2)
        #expect(model.architecture == reference && model.gguf != nil)
        try Self.fitAndApply(model, label: reference + " GGUF")
    }

    static func fitAndApply(_ model: LoadedModel, label: String) throws {
        let network = model.network
        let data = FittingData(model: model, pairs: Self.pairs, validationPairs: { [] }, options: FittingOptions(), batchSize: 3)
        let prompt = model.tokenizer.encode("The sky is", addSpecialTokens: false, parseSpecial: false)
        let clean = try network.forward([SequenceInput(tokens: prompt)])[0].values
        let methods: [(method: any InterventionMethod, kind: String)] = [
            (SADIHeadMethod(), "attention-heads"), (SADINeuronMethod(), "mlp-gate"),
        ]
        for (method, kind) in methods {
            let fitted = try method.fit(data)
            #expect(fitted.pairCount == Self.pairs.count, "\(label) \(method.name)")
            let plan = try fitted.plan(k: 2, strength: 5)
            #expect(!plan.edits.isEmpty && plan.edits.allSatisfy { $0.site.kind == kind }, "\(label) \(method.name)")
            let editor = try #require(plan.editor(for: [SequenceSpan(promptLength: prompt.count, firstPosition: 0)]))
            let edited = try network.forward([SequenceInput(tokens: prompt)], editor: editor)[0].values
            #expect(edited.allSatisfy { $0.isFinite }, "\(label) \(method.name)")
            #expect(edited != clean, "\(label) \(method.name): the edit changes the logits")
        }
    }
}

import Engine
import Foundation
import TestSupport
import Testing
import Tokenizers

/// A Hugging Face LLaMA directory whose tokenizer.json is SentencePiece-style BPE, through the
/// path `--model DIR` takes (ModelLoader): the tiny LLaMA of ../shared/reference/gguf, rebuilt
/// as config.json + model.safetensors from its F32 GGUF, with a converter-written tokenizer.json.
@Suite("Hugging Face directories with a SentencePiece-style tokenizer.json")
struct HuggingFaceSentencePieceDirectoryTests {
    typealias Fixture = SentencePieceJSONFixture

    static func tinyLlamaDirectory() throws -> String {
        let path = try TestPaths.scratchDirectory("tiny-llama-spm-hf")
        try GGUFToHF.convert(gguf: TestPaths.tinyGGUF("F32"), config: TestPaths.reference + "/gguf/hf_config.json", to: path)
        return path
    }

    static func useTokenizer(_ variant: String, in path: String) throws {
        let target = path + "/tokenizer.json"
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        try FileManager.default.copyItem(atPath: Fixture.folder + "/\(variant).tokenizer.json", toPath: target)
    }

    /// The manifest's three texts encode to its ids (BOS first), and those ids give the NumPy
    /// reference logits of the F32 file at every position.
    @Test("the tiny LLaMA runs from its directory: its texts give the reference ids and logits", arguments: ["legacy", "metaspace"])
    func tinyLlama(variant: String) throws {
        let path = try Self.tinyLlamaDirectory()
        let refused = #expect(throws: EngineError.self) { try ModelLoader.load(path: path, threads: 1) }
        #expect(refused?.description.contains("\(path)/tokenizer.json: not found") == true, "\(String(describing: refused))")

        try Self.useTokenizer(variant, in: path)
        let loaded = try ModelLoader.load(path: path, threads: 1)
        #expect(loaded.gguf == nil && loaded.architecture == "llama")
        #expect(loaded.tokenizer is ByteFallbackBPETokenizer)
        #expect(loaded.tokenizer.vocabularySize == loaded.network.shape.vocabularySize)
        #expect(loaded.tokenizer.eosID == 2, "config.json's eos_token_id")
        #expect(SentencePieceTokenizerReference.sequences.count == 3)
        for (index, sequence) in SentencePieceTokenizerReference.sequences.enumerated() {
            let ids = loaded.tokenizer.encode(sequence.text)
            #expect(ids == sequence.ids, "s\(index)")
            #expect(loaded.tokenizer.decode(ids) == sequence.text, "s\(index)")
            guard ids == sequence.ids else { continue }  // the logits are the reference's for its ids only
            let logits = try loaded.network.forward([SequenceInput(tokens: ids, logits: .all)])[0].values
            let reference = try NPYArray(path: TestPaths.reference + "/gguf/logits/logits_F32_s\(index).npy").floats
            let difference = maxAbsDifference(Array(logits), reference)
            #expect(difference <= TinyGGUFLogitsTests.tolerance, "s\(index): max |Δlogit| = \(difference)")
        }
    }

    /// The small llama_gqa checkpoint has 512 embedding rows: the tokenizer now loads, and the
    /// directory is refused by the check that every token has an embedding row.
    @Test("a tokenizer.json larger than the embedding table is refused after it loads")
    func vocabularyLargerThanEmbeddings() throws {
        let path = try TinyCheckpoint.withConfig("llama_gqa") { _ in }
        try Self.useTokenizer("legacy", in: path)
        #expect(try TokenizerLoader.load(huggingFace: path) is ByteFallbackBPETokenizer)
        let refused = #expect(throws: EngineError.self) { try ModelLoader.load(path: path, threads: 1) }
        #expect(
            refused?.description.contains("tokenizer.json: it has 1000 tokens but config.json's vocab_size is 512") == true,
            "\(String(describing: refused))")
    }
}

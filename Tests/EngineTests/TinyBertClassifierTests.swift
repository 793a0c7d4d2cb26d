import Engine
import Foundation
import TestSupport
import Testing

/// The tiny random BertForSequenceClassification of ../shared/reference/tiny/bert_cls (the
/// checkpoint layout of HateBERT-style classifiers) against PyTorch, on a right-padded batch.
@Suite("tiny BERT classifier against PyTorch")
struct TinyBertClassifierTests {
    static var path: String { TinyCheckpoint.directory("bert_cls") }

    static func batch() throws -> EncoderBatch {
        let ids = try NPYArray(path: path + "/input_ids.npy")
        let mask = try NPYArray(path: path + "/attention_mask.npy")
        return try EncoderBatch(count: ids.shape[0], length: ids.shape[1], tokens: ids.ints, attentionMask: mask.ints)
    }

    static func classifier() throws -> BertForSequenceClassification {
        try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path), threads: 2)
    }

    @Test("logits within 1e-4, with transformers' default labels")
    func logits() throws {
        let classifier = try Self.classifier()
        let logits = try classifier.logits(try Self.batch())
        let expected = try NPYArray(path: Self.path + "/logits.npy")
        #expect(expected.shape == [3, 2] && logits.count == 3)
        let worst = zip(logits.flatMap { $0 }, expected.floats).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(worst < 1e-4, "worst difference \(worst): \(logits) vs \(expected.floats)")
        #expect(classifier.labels.names == ["LABEL_0", "LABEL_1"])
        #expect(try classifier.labels.index(of: "LABEL_1") == 1)
    }

    @Test("the embeddings' and each layer's hidden states at every position within 1e-4")
    func hiddenStates() throws {
        let states = try Self.classifier().encoder.allHiddenStates(try Self.batch())
        let expected = try NPYArray(path: Self.path + "/hidden_states.npy")
        #expect(expected.shape == [3, 3, 10, 64] && states.count == 3)
        let size = 3 * 10 * 64
        for (layer, state) in states.enumerated() {
            let worst = zip(state.values, expected.floats[(layer * size)..<((layer + 1) * size)])
                .reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            #expect(worst < 1e-4, "hidden state \(layer): worst difference \(worst)")
        }
    }

    @Test("a row alone gives the logits it gets in the padded batch")
    func batchIndependence() throws {
        let classifier = try Self.classifier()
        let batch = try Self.batch()
        let all = try classifier.logits(batch)
        let alone = try classifier.logits(try EncoderBatch(sequences: [Array(batch.tokens[10..<17])], padding: 0))
        #expect(zip(alone[0], all[1]).allSatisfy { abs($0 - $1) < 1e-5 }, "\(alone[0]) vs \(all[1])")
    }

    @Test("rows the weights cannot run are refused before running")
    func badBatches() throws {
        let classifier = try Self.classifier()
        func message(_ body: () throws -> Void) -> String {
            do {
                try body()
                return ""
            } catch { return "\(error)" }
        }
        #expect(message { _ = try classifier.logits(EncoderBatch(sequences: [[2, 512]], padding: 0)) }.contains("token id 512"))
        #expect(
            message { _ = try classifier.logits(EncoderBatch(sequences: [[Int32](repeating: 5, count: 129)], padding: 0)) }
                .contains("128 learned positions"))
        #expect(message { _ = try EncoderBatch(count: 1, length: 2, tokens: [1, 2], attentionMask: [0, 0]) }.contains("no token"))
        #expect(
            message {
                _ = try classifier.logits(EncoderBatch(count: 1, length: 2, tokens: [1, 2], attentionMask: [1, 1], tokenTypes: [0, 2]))
            }
            .contains("token type 2"))
    }
}

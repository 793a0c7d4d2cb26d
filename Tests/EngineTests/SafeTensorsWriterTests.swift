import Engine
import Foundation
import TestSupport
import Testing

/// The safetensors writer (built classifiers are written with it) read back by the reader,
/// and BERT classifiers that read the mean hidden state (`classifier_pooling: mean`).
@Suite("safetensors writer and mean-pooling classifiers")
struct SafeTensorsWriterTests {
    @Test("F32 and I64 tensors and metadata round-trip exactly; the same tensors give the same bytes")
    func roundTrip() throws {
        let values: [Float] = [1.5, -0.0, .leastNonzeroMagnitude, 3.4e38, -7, 0.1]
        let tensors = [
            SafeTensorsWriter.Tensor(name: "a.weight", shape: [2, 3], values: values),
            SafeTensorsWriter.Tensor(name: "b \"quoted\"", shape: [1], values: [42]),
            SafeTensorsWriter.Tensor(name: "ids", shape: [1, 3], integers: [0, -1, .max]),
            SafeTensorsWriter.Tensor(name: "empty", shape: [0, 4], values: []),
        ]
        let path = try TestPaths.scratchDirectory("safetensors-writer") + "/model.safetensors"
        try SafeTensorsWriter.write(tensors, to: path, metadata: ["format": "pt", "note": "é/\\"])
        let file = try SafeTensorsFile(path: path)
        #expect(file.tensors.count == 4 && file.metadata == ["format": "pt", "note": "é/\\"])
        #expect(try file.floats("a.weight", shape: [2, 3]).map(\.bitPattern) == values.map(\.bitPattern))
        #expect(try file.floats("b \"quoted\"") == [42])
        #expect(try file.integers("ids") == [0, -1, .max])
        #expect(file.tensors["empty"]?.shape == [0, 4])
        #expect(
            try SafeTensorsWriter.encode(tensors, metadata: ["format": "pt", "note": "é/\\"])
                == Data(contentsOf: URL(fileURLWithPath: path)))
        // Values that do not fill the shape are refused by tensor name.
        #expect(throws: EngineError.self) { try SafeTensorsWriter.encode([.init(name: "short", shape: [2, 2], values: [1])]) }
    }

    @Test("classifier_pooling mean: the linear layer reads the mean of the last hidden states over each row's tokens")
    func meanPooling() throws {
        let path = try TinyCheckpoint.withConfig("bert_cls") { $0["classifier_pooling"] = "mean" }
        let classifier = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path), threads: 2)
        #expect(classifier.encoder.configuration.pooling == .mean)
        let batch = try TinyBertClassifierTests.batch()
        let states = try classifier.encoder.hiddenStates(batch)
        let file = try SafeTensorsFile(path: TinyCheckpoint.directory("bert_cls") + "/model.safetensors")
        let weight = try file.floats("classifier.weight"), bias = try file.floats("classifier.bias")
        let d = states.width
        let logits = try classifier.logits(batch)
        for row in 0..<batch.count {
            var mean = [Double](repeating: 0, count: d)
            var tokens = 0.0
            for t in 0..<batch.length where batch.attentionMask[row * batch.length + t] == 1 {
                for (i, v) in states.vector(row: row, position: t).enumerated() { mean[i] += Double(v) }
                tokens += 1
            }
            for k in 0..<2 {
                let expected = (0..<d).reduce(Double(bias[k])) { $0 + Double(weight[k * d + $1]) * mean[$1] / tokens }
                #expect(abs(Double(logits[row][k]) - expected) < 1e-4, "row \(row) label \(k)")
            }
        }
        // The standard (cls) path gives other logits on the same weights.
        #expect(try TinyBertClassifierTests.classifier().logits(batch) != logits)
    }

    @Test("an unknown classifier_pooling is refused naming the key and the values there are")
    func unknownPooling() throws {
        let path = try TinyCheckpoint.withConfig("bert_cls") { $0["classifier_pooling"] = "max" }
        do {
            _ = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path), threads: 1)
            Issue.record("loaded")
        } catch {
            #expect(
                "\(error)".contains("\(path)/config.json: key 'classifier_pooling' is \"max\"; the classifier reads \"cls\" or \"mean\""),
                "\(error)")
        }
    }
}

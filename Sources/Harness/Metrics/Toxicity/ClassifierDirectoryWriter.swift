import Engine
import Foundation

/// Writes a logistic head on a BERT encoder's mean embedding as a Hugging Face
/// BertForSequenceClassification directory, so the loader that reads a real HateBERT reads it:
///
/// - config.json: the encoder's, with `architectures` ["BertForSequenceClassification"],
///   `id2label` {"0": "benign", "1": "toxic"}, `label2id`, `classifier_pooling` "mean", and
///   `provenance` (what it was trained on and how it did on held-out groups);
/// - model.safetensors: the encoder's tensors under `bert.` (as transformers saves the
///   class), then `classifier.weight` [2, hidden] = [0; w] and `classifier.bias` [2] = [0, b],
///   so the softmax of the two logits is the head's sigmoid(w·x + b);
/// - vocab.txt and tokenizer_config.json copied from the encoder.
///
/// Keys are sorted and tensors written in name order, so the same inputs give the same bytes.
public enum ClassifierDirectoryWriter {
    public static let labels = ["benign", "toxic"]

    /// Writes into `path`, which must not exist; the files appear in a temporary folder beside
    /// it that is renamed into place, so no reader ever sees a half-written directory.
    public static func write(
        to path: String, encoder encoderPath: String, head: LogisticRegression, provenance: [String: Any]
    ) throws {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else {
            throw HarnessError.invalidInput("\(path) already exists; delete it or write the classifier elsewhere")
        }
        let encoder = try SafeTensorsDirectory(path: encoderPath)
        let configuration = try BertConfiguration(encoder.config)
        guard configuration.head == .none else {
            throw EngineError.configKey(
                path: encoder.config.path, key: "architectures",
                detail:
                    "is \(encoder.config.text("architectures")); the classifier is built on a bare encoder (BertModel), such as all-MiniLM-L6-v2"
            )
        }
        guard head.weights.count == configuration.hiddenSize else {
            throw HarnessError.invalidInput(
                "the head has \(head.weights.count) weights but the encoder's hidden size is \(configuration.hiddenSize)")
        }
        let parent = (path as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true)
        let temporary = path + ".tmp-\(getpid())"
        try? manager.removeItem(atPath: temporary)
        try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        do {
            try writeFiles(into: temporary, encoder: encoder, head: head, provenance: provenance)
            guard rename(temporary, path) == 0 else {
                throw HarnessError.fileSystem(path: path, detail: String(cString: strerror(errno)))
            }
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }

    private static func writeFiles(
        into directory: String, encoder: SafeTensorsDirectory, head: LogisticRegression, provenance: [String: Any]
    ) throws {
        guard
            var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: encoder.config.path)))
                as? [String: Any]
        else { throw HarnessError.invalidInput("\(encoder.config.path) is not a JSON object") }
        config["architectures"] = ["BertForSequenceClassification"]
        config["id2label"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0.offset), $0.element) })
        config["label2id"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, $0.offset) })
        config["classifier_pooling"] = "mean"
        config["provenance"] = provenance
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try (json + Data("\n".utf8)).write(to: URL(fileURLWithPath: directory + "/config.json"))

        var tensors: [SafeTensorsWriter.Tensor] = []
        for name in encoder.tensorNames.sorted() {
            guard let (file, info) = encoder.tensor(named: name) else { continue }
            let stored = name.hasPrefix("bert.") ? name : "bert." + name
            if info.dtype == "I64" || info.dtype == "I32" {
                tensors.append(.init(name: stored, shape: info.shape, integers: try file.integers(name)))
            } else {
                tensors.append(.init(name: stored, shape: info.shape, values: try file.floats(name)))
            }
        }
        let d = head.weights.count
        tensors.append(.init(name: "classifier.bias", shape: [2], values: [0, Float(head.bias)]))
        tensors.append(
            .init(name: "classifier.weight", shape: [2, d], values: [Float](repeating: 0, count: d) + head.weights.map { Float($0) }))
        try SafeTensorsWriter.write(tensors, to: directory + "/model.safetensors", metadata: ["format": "pt"])
        for file in ["vocab.txt", "tokenizer_config.json"] {
            let source = encoder.path + "/" + file
            guard FileManager.default.fileExists(atPath: source) else {
                throw HarnessError.invalidInput("\(source) is missing; the classifier directory needs the encoder's \(file)")
            }
            try FileManager.default.copyItem(atPath: source, toPath: directory + "/" + file)
        }
    }
}

import Engine
import Foundation
import TestSupport
import Testing

/// BERT directories the encoder cannot run correctly are refused with one error naming the
/// file and the key or tensor at fault: missing files, a vocabulary or config.json that
/// disagrees with the weights, a lying safetensors header, malformed or unhelpful labels,
/// settings and tensors the encoder does not implement.
@Suite("BERT directories refused by file and key")
struct BertDirectoryRefusalTests {
    static func error(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The error of loading the tiny classifier with config.json as `edit` leaves it.
    static func classifierError(_ edit: (inout [String: Any]) -> Void) throws -> String? {
        let path = try TinyCheckpoint.withConfig("bert_cls", edit)
        return error { _ = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path), threads: 1) }
    }

    /// A scratch copy of the tiny classifier whose weights are `edit`'s changes to its tensors.
    static func withTensors(_ edit: (inout [SafeTensorsWriter.Tensor]) -> Void) throws -> String {
        let source = TinyCheckpoint.directory("bert_cls")
        let target = try TestPaths.scratchDirectory("tiny-bert-tensors")
        try FileManager.default.copyItem(atPath: source + "/config.json", toPath: target + "/config.json")
        let file = try SafeTensorsFile(path: source + "/model.safetensors")
        var tensors = try file.tensors.keys.sorted().map {
            SafeTensorsWriter.Tensor(name: $0, shape: file.tensors[$0]!.shape, values: try file.floats($0))
        }
        edit(&tensors)
        try SafeTensorsWriter.write(tensors, to: target + "/model.safetensors")
        return target
    }

    /// A scratch BERT directory with MiniLM's config.json and weights (linked) and the named
    /// tokenizer files, each as `edit` leaves its text.
    static func miniLM(keeping files: [String], edit: (String, inout String) -> Void = { _, _ in }) throws -> String {
        let source = try TestPaths.requireMiniLM()
        let target = try TestPaths.scratchDirectory("minilm-copy")
        for file in files {
            if file == "model.safetensors" {
                try FileManager.default.createSymbolicLink(atPath: target + "/" + file, withDestinationPath: source + "/" + file)
                continue
            }
            var text = try String(contentsOfFile: source + "/" + file, encoding: .utf8)
            edit(file, &text)
            try text.write(toFile: target + "/" + file, atomically: true, encoding: .utf8)
        }
        return target
    }

    static let weightsAndConfig = ["config.json", "model.safetensors"]

    @Test("a directory missing config.json, model.safetensors or its vocabulary names the file")
    func missingFiles() throws {
        let cases: [([String], String)] = [
            (["model.safetensors", "vocab.txt"], "config.json"),
            (["config.json", "vocab.txt"], "has neither model.safetensors"),
            (Self.weightsAndConfig + ["tokenizer_config.json"], "vocab.txt: a BERT directory needs the WordPiece vocabulary"),
        ]
        for (files, expected) in cases {
            let path = try Self.miniLM(keeping: files)
            let message = try #require(Self.error { _ = try BertDirectory(path: path) }, "\(files)")
            #expect(message.contains(expected) && message.contains(path), "\(message)")
        }
    }

    @Test("a vocab_size that disagrees with the word embeddings' rows is named with the tensor and file")
    func vocabularySizeAgainstEmbeddings() throws {
        let message = try #require(try Self.classifierError { $0["vocab_size"] = 513 })
        #expect(message.contains("config.json: key 'vocab_size' is 513"), "\(message)")
        #expect(
            message.contains("tensor 'bert.embeddings.word_embeddings.weight'") && message.contains("model.safetensors has 512 rows"),
            "\(message)")
    }

    @Test("a vocab.txt longer than the embeddings is named with vocab_size")
    func vocabularyFileAgainstEmbeddings() throws {
        let path = try Self.miniLM(keeping: Self.weightsAndConfig + ["vocab.txt"]) { file, text in
            if file == "vocab.txt" { text += "extra\n" }
        }
        let message = try #require(Self.error { _ = try BertDirectory(path: path) })
        #expect(message.contains("config.json: key 'vocab_size' is 30522"), "\(message)")
        #expect(message.contains("vocab.txt") && message.contains("has 30523 tokens"), "\(message)")
    }

    @Test("a safetensors header placing a tensor past the data is refused naming the file and tensor")
    func lyingHeader() throws {
        let path = try Self.withTensors { _ in }
        let file = path + "/model.safetensors"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let length = Int(bytes[0..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        var entry = try #require(header["classifier.bias"] as? [String: Any])
        let offsets = try #require(entry["data_offsets"] as? [Int])
        let dataSize = bytes.count - 8 - length
        entry["data_offsets"] = [dataSize - 4, dataSize + 4]
        header["classifier.bias"] = entry
        let text = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        bytes = withUnsafeBytes(of: UInt64(text.count).littleEndian, Array.init) + text + bytes[(8 + length)...]
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(offsets[1] - offsets[0] == 8)
        let message = try #require(Self.error { _ = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path)) })
        #expect(message.contains("\(file) is not a valid safetensors file"), "\(message)")
        #expect(
            message.contains("tensor 'classifier.bias' has bytes [\(dataSize - 4), \(dataSize + 4)] outside the data section"), "\(message)"
        )
    }

    @Test("a label id2label lacks is refused with the labels there are")
    func missingLabel() throws {
        let path = try TinyCheckpoint.withConfig("bert_cls") { $0["id2label"] = ["0": "benign", "1": "hateful"] }
        let classifier = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path), threads: 1)
        #expect(try classifier.labels.index(of: "hateful") == 1)
        let message = try #require(Self.error { _ = try classifier.labels.index(of: "toxic") })
        #expect(message.contains("\(path)/config.json: key 'id2label' has no label \"toxic\" (its labels: benign, hateful)"), "\(message)")
    }

    @Test("a malformed id2label, num_labels or label2id is refused by key")
    func malformedLabels() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("key 'id2label' has no label 1", { $0["id2label"] = ["0": "a", "2": "b"] }),
            ("key 'id2label' gives label 1 the name 5", { $0["id2label"] = ["0": "a", "1": 5] }),
            ("key 'id2label' has the key \"x\"", { $0["id2label"] = ["0": "a", "x": "b"] }),
            ("key 'id2label' has the key \"01\"", { $0["id2label"] = ["0": "a", "01": "b"] }),
            ("key 'id2label' names the label \"a\" twice", { $0["id2label"] = ["0": "a", "1": "a"] }),
            ("key 'id2label' is", { $0["id2label"] = ["a", "b"] }),
            (
                "key 'num_labels' is 3 but 'id2label' names 2 labels",
                {
                    $0["id2label"] = ["0": "a", "1": "b"]
                    $0["num_labels"] = 3
                }
            ),
            (
                "key 'label2id' is not the inverse of 'id2label'",
                {
                    $0["id2label"] = ["0": "a", "1": "b"]
                    $0["label2id"] = ["a": 1, "b": 0]
                }
            ),
            ("tensor 'classifier.weight' has shape [2, 64] but", { $0["id2label"] = ["0": "a", "1": "b", "2": "c"] }),
        ]
        for (expected, edit) in cases {
            let message = try #require(try Self.classifierError(edit), "\(expected)")
            #expect(message.contains(expected), "\(expected): \(message)")
        }
        #expect(
            try Self.classifierError {
                $0["id2label"] = ["1": "toxic", "0": "benign"]
                $0["label2id"] = ["benign": 0, "toxic": 1]
            } == nil)
    }

    @Test("settings the encoder does not implement are refused by key")
    func settings() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("key 'model_type' is \"roberta\"", { $0["model_type"] = "roberta" }),
            ("key 'architectures' is [\"BertForMaskedLM\"]", { $0["architectures"] = ["BertForMaskedLM"] }),
            ("key 'hidden_act' is \"gelu_new\"; the encoder implements only gelu", { $0["hidden_act"] = "gelu_new" }),
            ("key 'position_embedding_type' is \"relative_key\"", { $0["position_embedding_type"] = "relative_key" }),
            ("key 'is_decoder' is true", { $0["is_decoder"] = true }),
        ]
        for (expected, edit) in cases {
            let message = try #require(try Self.classifierError(edit), "\(expected)")
            #expect(message.contains("config.json: " + expected), "\(expected): \(message)")
        }
        // A bare encoder's directory is no classifier.
        let bare = try #require(
            Self.error { _ = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: TestPaths.requireMiniLM())) })
        #expect(bare.contains("config.json: key 'architectures' is [\"BertModel\"], a checkpoint without a classifier"), "\(bare)")
        // A classifier's weights said to be a bare encoder's: its classifier is not read.
        let relabelled = try #require(try Self.classifierError { $0["architectures"] = ["BertModel"] })
        #expect(relabelled.contains("tensor 'classifier.bias' is not one a bert (BertModel) model"), "\(relabelled)")
        // Run as a language model, it is named as the encoder it is.
        let message = try #require(
            Self.error {
                _ = try HuggingFaceArchitectures.network(directory: SafeTensorsDirectory(path: TinyCheckpoint.directory("bert_cls")))
            })
        #expect(message.contains("key 'model_type' is \"bert\", an encoder"), "\(message)")
        // Loaded as a model (`--model DIR`), before its WordPiece tokenizer is looked at.
        let loaded = try #require(Self.error { _ = try ModelLoader.load(path: TestPaths.requireMiniLM(), threads: 1) })
        #expect(loaded.contains("config.json: key 'model_type' is \"bert\", an encoder"), "\(loaded)")
    }

    @Test("missing, misshapen and unread tensors are named")
    func tensors() throws {
        let missing = try Self.withTensors { $0.removeAll { $0.name == "bert.encoder.layer.1.output.dense.bias" } }
        let shaped = try TinyCheckpoint.withConfig("bert_cls") { $0["intermediate_size"] = 100 }
        let extra = try Self.withTensors {
            $0.append(.init(name: "cls.predictions.bias", shape: [512], values: .init(repeating: 0, count: 512)))
        }
        let buffer = try Self.withTensors {
            $0.append(.init(name: "bert.embeddings.position_ids", shape: [1, 128], integers: (0..<128).map { Int64($0) / 2 }))
        }
        let cases: [(String, String)] = [
            (missing, "has no tensor 'bert.encoder.layer.1.output.dense.bias'"),
            (shaped, "tensor 'bert.encoder.layer.0.intermediate.dense.weight' has shape [128, 64] but"),
            (extra, "tensor 'cls.predictions.bias' is not one a bert (BertForSequenceClassification) model"),
            (buffer, "buffer 'bert.embeddings.position_ids' (shape [1, 128]) does not hold the default ids"),
        ]
        for (path, expected) in cases {
            let message = try #require(Self.error { _ = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path)) })
            #expect(message.contains(expected), "\(expected): \(message)")
        }
    }

    @Test("default buffers and TensorFlow-era gamma/beta LayerNorm names load and give the same logits")
    func legacyNames() throws {
        let path = try Self.withTensors { tensors in
            tensors = tensors.map {
                let name = $0.name.replacingOccurrences(of: "LayerNorm.weight", with: "LayerNorm.gamma")
                    .replacingOccurrences(of: "LayerNorm.bias", with: "LayerNorm.beta")
                return SafeTensorsWriter.Tensor(name: name, shape: $0.shape, values: $0.values)
            }
            tensors.append(.init(name: "bert.embeddings.position_ids", shape: [1, 128], integers: (0..<128).map { Int64($0) }))
            tensors.append(.init(name: "bert.embeddings.token_type_ids", shape: [1, 128], integers: .init(repeating: 0, count: 128)))
        }
        let batch = try TinyBertClassifierTests.batch()
        let legacy = try BertForSequenceClassification(directory: SafeTensorsDirectory(path: path), threads: 2).logits(batch)
        let current = try TinyBertClassifierTests.classifier().logits(batch)
        #expect(legacy == current)
    }

    @Test("tokenizer files that would split text differently, or disagree, are refused by file and key")
    func tokenizerFiles() throws {
        let cases: [([String], (String, inout String) -> Void, String)] = [
            (
                ["tokenizer.json", "tokenizer_config.json"],
                { file, text in
                    if file == "tokenizer_config.json" {
                        text = text.replacingOccurrences(of: "\"do_lower_case\": true", with: "\"do_lower_case\": false")
                    }
                },
                "tokenizer_config.json: key 'do_lower_case' is false but tokenizer.json's 'normalizer.lowercase' says otherwise"
            ),
            (
                ["tokenizer.json"],
                { _, text in text = text.replacingOccurrences(of: #""type":"BertNormalizer""#, with: #""type":"NFKC""#) },
                "tokenizer.json: key 'normalizer' is \"NFKC\""
            ),
            (
                ["tokenizer.json"],
                { _, text in text = text.replacingOccurrences(of: #""model":{"type":"WordPiece""#, with: #""model":{"type":"BPE""#) },
                "tokenizer.json: key 'model.type' is \"BPE\""
            ),
            (
                ["tokenizer.json", "vocab.txt"],
                { file, text in if file == "vocab.txt" { text = text.replacingOccurrences(of: "\nthe\n", with: "\nthee\n") } },
                "tokenizer.json: its 'model.vocab' gives id 1996 to \"the\" but"
            ),
        ]
        for (files, edit, expected) in cases {
            let path = try Self.miniLM(keeping: Self.weightsAndConfig + files, edit: edit)
            let message = try #require(Self.error { _ = try BertDirectory(path: path) }, "\(expected)")
            #expect(message.contains(expected), "\(expected): \(message)")
        }
    }
}

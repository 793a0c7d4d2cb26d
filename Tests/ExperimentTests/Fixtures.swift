import Engine
import Experiment
import Foundation
import Harness
import TaskCOPA
import TestSupport

/// The real model once per test process, with its digest.
enum Fixtures {
    static let model: ModelUnderTest = {
        try! ModelUnderTest(loaded: ModelLoader.load(path: TestPaths.smolLM2), sha256: SHA256.hex(ofFile: TestPaths.smolLM2))
    }()

    /// COPA from the shared mirror, through the real data path; with `validation`, its
    /// validation split cut to that many documents (the card's shuffle, so still disjoint
    /// from the pairs) so that searches in tests take seconds.
    static func copa(validation: Int? = nil) throws -> COPATask {
        let path = TestPaths.repositoryRoot + "/tasks/copa.yaml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if let validation {
            text = text.replacingOccurrences(
                of: "subset: {seed: 1234, start: 400, count: 100}",
                with: "subset: {seed: 1234, start: 400, count: \(validation)}")
        }
        let card = try TaskCard.parse(yaml: text, file: path)
        try card.checkPlaceholders(available: COPATask.fieldNames)
        return COPATask(card: card)
    }

    static func store(_ scratch: String, mirror: String = "file://" + TestPaths.datasets) -> DataStore {
        DataStore(cacheDirectory: URL(fileURLWithPath: scratch + "/cache"), mirror: mirror, offline: false, progress: false)
    }
}

/// A small generate_until task written by the tests: questions with accepted answers in a
/// JSON Lines file, as a task plugin outside the product would read it.
struct TinyQATask: BenchmarkTask {
    static let name = "tiny_qa"
    static let fieldNames: Set<String> = ["question"]
    let card: TaskCard

    init(card: TaskCard) { self.card = card }

    func documents(file key: String, at url: URL) throws -> [Document] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return Document(
                id: object["id"] as! String, fields: ["question": object["question"] as! String],
                reference: .answers(object["answers"] as! [String]))
        }
    }

    static let questions: [(String, [String])] = [
        ("What is the capital of France?", ["Paris"]),
        ("What color is the sky on a clear day?", ["Blue", "blue"]),
        ("How many legs does a spider have?", ["8", "eight", "Eight"]),
        ("What is 2 + 2?", ["4", "four"]),
        ("Who wrote Romeo and Juliet?", ["William Shakespeare", "Shakespeare"]),
        ("What is the largest planet in the solar system?", ["Jupiter"]),
        ("What is the boiling point of water in degrees Celsius?", ["100"]),
    ]

    /// Writes the data under `<scratch>/mirror/tiny_qa/test.jsonl` and returns the plugin
    /// with a card naming it (sha256 of the written file), `generation` as given.
    static func make(
        scratch: String, generation: String = #"{until: ["\n", "."], max_tokens: 12}"#,
        splits: String = "  - {name: test, role: test, file: test}"
    ) throws -> TinyQATask {
        let lines = questions.enumerated().map { i, qa -> String in
            let object: [String: Any] = ["id": "q\(i)", "question": qa.0, "answers": qa.1]
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        let data = Data((lines.joined(separator: "\n") + "\n").utf8)
        try FileManager.default.createDirectory(atPath: scratch + "/mirror/tiny_qa", withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: scratch + "/mirror/tiny_qa/test.jsonl"))
        let card = """
            task: tiny_qa
            output_type: generate_until
            files:
              test:
                path: tiny_qa/test.jsonl
                url: https://example.org/tiny_qa/test.jsonl
                sha256: \(SHA256.hex(of: data))
            splits:
            \(splits)
            prompts:
              - name: qa
                doc_to_text: "Question: {{question}}\\nAnswer:"
            metrics: [{name: exact_match, normalise: lm-eval}]
            generation: \(generation)
            """
        return TinyQATask(card: try TaskCard.parse(yaml: card, file: scratch + "/tiny_qa.yaml"))
    }
}

/// A stop the tests cause on purpose, as a kill would stop a run between two batches.
struct Interrupted: Error {}

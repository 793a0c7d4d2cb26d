import Foundation
import Harness

/// data/mc_task.json, as Hugging Face's `truthful_qa` "multiple_choice" configuration reads
/// it (the data lm-eval's truthfulqa_mc1 and truthfulqa_mc2 evaluate): a list of
/// {question, mc1_targets, mc2_targets}, each target set an object from answer text to its
/// label (1 true, 0 false) whose order is data, so it is read with `OrderedJSON`.
struct TruthfulQATargetsFile {
    struct Item {
        let index: Int
        let question: String
        /// mc1's answers; the first is the one true answer.
        let mc1: [String]
        let mc2: [String]
        /// How many of mc2's answers lead before its first false one: lm-eval's
        /// `process_results_mc2` counts those as the true ones (split at the first 0).
        let mc2TrueCount: Int
    }

    static func read(_ url: URL) throws -> [Item] {
        let file = url.path
        guard case let .array(entries) = try OrderedJSON.parse(contentsOf: url) else {
            throw TruthfulQADataError(
                file: file, place: "the file", problem: "is not a JSON list of questions",
                fix: "use the file the task's card names (its sha256 is checked)")
        }
        return try entries.enumerated().map { index, entry in
            func failure(_ key: String?, _ problem: String, _ fix: String) -> TruthfulQADataError {
                TruthfulQADataError(file: file, place: "entry \(index)", key: key, problem: problem, fix: fix)
            }
            guard case .object = entry else { throw failure(nil, "is not a JSON object", "write {question, mc1_targets, mc2_targets}") }
            guard case let .string(question)? = entry["question"], !PythonText.stripped(question).isEmpty else {
                throw failure("question", "is missing or not a non-empty string", "give every entry its question")
            }
            let mc1 = try targets(entry, "mc1_targets", failure)
            guard mc1.labels[0] == 1 else {
                throw failure(
                    "mc1_targets", "does not start with its true answer (label 1)",
                    "list the one true answer first, as lm-eval scores the first as right")
            }
            guard mc1.labels.filter({ $0 == 1 }).count == 1 else {
                throw failure("mc1_targets", "has \(mc1.labels.filter { $0 == 1 }.count) true answers", "mark exactly one answer 1")
            }
            let mc2 = try targets(entry, "mc2_targets", failure)
            guard let firstFalse = mc2.labels.firstIndex(of: 0) else {
                throw failure(
                    "mc2_targets", "has no false answer (label 0)", "mark the false answers 0; lm-eval splits the list at the first")
            }
            guard firstFalse > 0 else {
                throw failure("mc2_targets", "has no true target before its first false one", "list the true answers (label 1) first")
            }
            return Item(index: index, question: question, mc1: mc1.answers, mc2: mc2.answers, mc2TrueCount: firstFalse)
        }
    }

    /// A target set: at least two answers, each labelled 0 or 1, no answer twice.
    private static func targets(
        _ entry: OrderedJSON, _ key: String, _ failure: (String?, String, String) -> TruthfulQADataError
    ) throws -> (answers: [String], labels: [Int]) {
        guard let value = entry[key] else { throw failure(key, "is missing", "give every entry its \(key) {answer: 0 or 1}") }
        guard case let .object(members) = value, members.count >= 2 else {
            throw failure(key, "is not an object of at least two answers", "write {\"answer\": 1, \"another answer\": 0, …}")
        }
        var labels: [Int] = []
        for member in members {
            guard case let .number(label) = member.value, label == 0 || label == 1 else {
                throw failure(
                    key, "labels \(member.key.debugDescription) with something other than 0 or 1",
                    "label every answer 1 (true) or 0 (false)")
            }
            labels.append(Int(label))
        }
        let answers = members.map(\.key)
        if let repeated = answers.enumerated().first(where: { answers[..<$0.offset].contains($0.element) }) {
            throw failure(key, "lists the answer \(repeated.element.debugDescription) twice", "list every answer once")
        }
        guard labels.contains(1) else { throw failure(key, "has no true target (label 1)", "mark the true answers 1") }
        return (answers, labels)
    }
}

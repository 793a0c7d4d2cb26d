import Harness

/// The text handling lm-evaluation-harness and Hugging Face's `truthful_qa` builder apply to
/// TruthfulQA's answers, on code points as Python does.
enum TruthfulQAAnswers {
    /// The builder's `_split_csv_list`: the CSV cell stripped, split at every ";", each part
    /// stripped (empty parts stay; `formatted` drops them).
    static func split(_ cell: String) -> [String] {
        PythonText.stripped(cell).split(separator: ";", omittingEmptySubsequences: false).map { PythonText.stripped(String($0)) }
    }

    /// lm-eval's `preprocess_function._format_answers`: each answer stripped, empty ones
    /// dropped, a period added unless the answer already ends in one.
    static func formatted(_ answers: [String]) -> [String] {
        answers.map(PythonText.stripped).filter { !$0.isEmpty }.map { $0.unicodeScalars.last == "." ? $0 : $0 + "." }
    }

    /// lm-eval's correct answers for generation: formatted, with "I have no comment." added
    /// at the end unless one of them already is.
    static func correctForGeneration(_ answers: [String]) -> [String] {
        let correct = formatted(answers)
        return correct.contains(noComment) ? correct : correct + [noComment]
    }

    static let noComment = "I have no comment."

    /// The documents' order, shared by mc1, mc2 and gen so that they hold the same questions
    /// under the same ids and seeded splits although the CSV and mc_task.json list them in
    /// different orders: the questions stripped (the CSV has one with a trailing space),
    /// compared code point by code point (Python's `sorted`). Two items with one question
    /// are refused, naming both places.
    static func ordered<Item>(_ items: [Item], question: (Item) -> String, place: (Item) -> String, file: String) throws -> [Item] {
        let keyed = items.enumerated().map {
            (key: Array(PythonText.stripped(question($0.element)).unicodeScalars.map(\.value)), position: $0.offset, item: $0.element)
        }
        // Ties (refused below) keep file order, so the message names the later one.
        let sorted = keyed.sorted { $0.key == $1.key ? $0.position < $1.position : $0.key.lexicographicallyPrecedes($1.key) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.key == b.key {
            throw TruthfulQADataError(
                file: file, place: place(b.item), key: nil,
                problem: "repeats the question of \(place(a.item)) (\(PythonText.stripped(question(a.item)).debugDescription))",
                fix: "use the file the task's card names (its sha256 is checked)")
        }
        return sorted.map(\.item)
    }
}

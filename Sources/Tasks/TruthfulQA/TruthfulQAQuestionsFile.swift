import Foundation
import Harness

/// TruthfulQA.csv, as Hugging Face's `truthful_qa` "generation" configuration reads it (the
/// data lm-eval's truthfulqa_gen evaluates): a UTF-8 CSV with a byte order mark and the
/// columns Type, Category, Question, Best Answer, Correct Answers, Incorrect Answers,
/// Source, the answer lists separated by ";".
struct TruthfulQAQuestionsFile {
    static let columns = ["Type", "Category", "Question", "Best Answer", "Correct Answers", "Incorrect Answers", "Source"]

    struct Item {
        let line: Int
        let question: String
        let bestAnswer: String
        let correctAnswers: [String]
        let incorrectAnswers: [String]
    }

    /// Every question, in file order. A record with the wrong number of fields, an empty
    /// question or best answer, or no correct or no incorrect answer is refused with the file
    /// and line (the builder would skip a row with an empty answer list; here it is an error).
    static func read(_ url: URL) throws -> [Item] {
        try DelimitedText.csv(hasHeader: true).records(at: url, columns: columns).map { record in
            let correct = TruthfulQAAnswers.split(record.string("Correct Answers"))
            let incorrect = TruthfulQAAnswers.split(record.string("Incorrect Answers"))
            for (column, answers) in [("Correct Answers", correct), ("Incorrect Answers", incorrect)]
            where TruthfulQAAnswers.formatted(answers).isEmpty {
                throw record.error("has no answer in `\(column)`", fix: "list at least one answer there, separated by \";\"")
            }
            return Item(
                line: record.line, question: try record.text("Question"), bestAnswer: try record.text("Best Answer"),
                correctAnswers: correct, incorrectAnswers: incorrect)
        }
    }
}

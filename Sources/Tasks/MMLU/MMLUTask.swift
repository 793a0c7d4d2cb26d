import Foundation
import Harness

/// MMLU (Hendrycks et al. 2021) in the release's layout: per subject a headerless CSV of
/// question, four options and the answer letter. The card has one variant per subject
/// (`parameters: {subject}`); documents carry the subject as the description names it
/// (underscores as spaces), the question as the file has it and stripped (lm-eval's
/// `question.strip()`), and the options A-D.
public struct MMLUTask: BenchmarkTask {
    public static let name = "mmlu"
    public static let fieldNames: Set<String> = ["id", "subject", "question", "question_strip", "A", "B", "C", "D"]
    static let letters = ["A", "B", "C", "D"]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        guard let subject = card.parameters["subject"] else {
            throw HarnessError.invalidInput(
                "task \(card.task) has no `subject` parameter; run a subject (mmlu_abstract_algebra, …) or a group (mmlu, mmlu_stem, …)")
        }
        let columns = ["question"] + Self.letters + ["answer"]
        return try DelimitedText.csv(hasHeader: false).records(at: url, columns: columns).enumerated().map { index, record in
            let question = try record.text("question")
            var fields = [
                "id": String(index), "subject": subject.replacingOccurrences(of: "_", with: " "), "question": question,
                "question_strip": question.trimmingCharacters(in: .whitespacesAndNewlines),
            ]
            // An empty option is legitimate text in a few questions ("" as an answer), so
            // options are taken as they are.
            for letter in Self.letters { fields[letter] = record.string(letter) }
            return Document(id: String(index), fields: fields, gold: try record.label("answer", allowed: Self.letters))
        }
    }
}

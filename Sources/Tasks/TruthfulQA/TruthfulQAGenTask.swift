import Foundation
import Harness

/// TruthfulQA generation (lm-eval truthfulqa_gen): the primer and the question, a greedy
/// answer until a blank line, compared by BLEU and ROUGE with the correct and the incorrect
/// reference answers. Documents come from TruthfulQA.csv in the shared TruthfulQA order
/// (the same ids and splits as mc1 and mc2), with lm-eval's `preprocess_function`: the
/// question stripped, the answers split at ";" (Hugging Face's builder) and formatted
/// (stripped, empty ones dropped, a final period), "I have no comment." added to the
/// correct ones.
public struct TruthfulQAGenTask: BenchmarkTask {
    public static let name = "truthfulqa_gen"
    public static let fieldNames: Set<String> = ["question", "best_answer"]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        let items = try TruthfulQAAnswers.ordered(
            try TruthfulQAQuestionsFile.read(url), question: \.question, place: { "line \($0.line)" }, file: url.path)
        return items.enumerated().map { id, item in
            Document(
                id: String(id),
                fields: [
                    "question": PythonText.stripped(item.question),
                    "best_answer": TruthfulQAAnswers.formatted([item.bestAnswer])[0],
                ],
                reference: .answerSets(
                    correct: TruthfulQAAnswers.correctForGeneration(item.correctAnswers),
                    incorrect: TruthfulQAAnswers.formatted(item.incorrectAnswers)))
        }
    }

    /// The fitting pair: the best answer against the first incorrect one, each after the
    /// prompt's target delimiter (the card's "\nA: ", the way the model's answer follows
    /// the question in this prompt).
    public func pairInstance(_ document: Document, prompt: TaskCard.Prompt) throws -> Instance {
        guard let best = document.fields["best_answer"], case let .answerSets(_, incorrect) = document.reference,
            let wrong = incorrect.first
        else {
            throw HarnessError.invalidInput(
                "task \(card.task), document \(document.id): it has no best and incorrect answer to fit on; read it with the task's own reader"
            )
        }
        return try TruthfulQAPair.instance(document, prompt: prompt, card: card, right: best, wrong: wrong)
    }
}

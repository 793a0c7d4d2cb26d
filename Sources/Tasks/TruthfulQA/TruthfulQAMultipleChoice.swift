import Foundation
import Harness

/// The documents of truthfulqa_mc1 and truthfulqa_mc2: mc_task.json's questions in the
/// shared TruthfulQA order (`TruthfulQAAnswers.ordered`), ids 0–816 in that order, with the
/// question as the file has it (lm-eval's prompt uses it unstripped) and the two target
/// lists, which the cards' `doc_to_choice: "{{mc1_targets}}"` / `"{{mc2_targets}}"` turn
/// into choices.
enum TruthfulQAMultipleChoice {
    static let fieldNames: Set<String> = ["question", "mc1_targets", "mc2_targets"]

    static func documents(at url: URL, reference: (TruthfulQATargetsFile.Item) -> Reference) throws -> [Document] {
        let items = try TruthfulQAAnswers.ordered(
            try TruthfulQATargetsFile.read(url), question: \.question, place: { "entry \($0.index)" }, file: url.path)
        return items.enumerated().map { id, item in
            Document(
                id: String(id), fields: ["question": item.question], lists: ["mc1_targets": item.mc1, "mc2_targets": item.mc2],
                reference: reference(item))
        }
    }

    /// The fitting pair: mc1's first target (the best answer) against its second (the first
    /// incorrect answer).
    static func pairInstance(_ document: Document, prompt: TaskCard.Prompt, card: TaskCard) throws -> Instance {
        guard let targets = document.lists["mc1_targets"], targets.count >= 2 else {
            throw HarnessError.invalidInput(
                "task \(card.task), document \(document.id): it has no mc1_targets to fit on; read it with the task's own reader")
        }
        return try TruthfulQAPair.instance(document, prompt: prompt, card: card, right: targets[0], wrong: targets[1])
    }
}

/// TruthfulQA MC1 (lm-eval truthfulqa_mc1): the primer, the question, one choice per mc1
/// target; right when the first (the one true answer) has the highest log-likelihood (acc).
public struct TruthfulQAMC1Task: BenchmarkTask {
    public static let name = "truthfulqa_mc1"
    public static let fieldNames = TruthfulQAMultipleChoice.fieldNames
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        try TruthfulQAMultipleChoice.documents(at: url) { _ in .choice(index: 0) }
    }

    public func pairInstance(_ document: Document, prompt: TaskCard.Prompt) throws -> Instance {
        try TruthfulQAMultipleChoice.pairInstance(document, prompt: prompt, card: card)
    }
}

/// TruthfulQA MC2 (lm-eval truthfulqa_mc2): one choice per mc2 target; the score is the
/// normalised probability on the true ones (`mc2`), which are, as lm-eval splits them, the
/// targets before the first false one.
public struct TruthfulQAMC2Task: BenchmarkTask {
    public static let name = "truthfulqa_mc2"
    public static let fieldNames = TruthfulQAMultipleChoice.fieldNames
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        try TruthfulQAMultipleChoice.documents(at: url) { .trueChoices(indices: Array(0..<$0.mc2TrueCount)) }
    }

    public func pairInstance(_ document: Document, prompt: TaskCard.Prompt) throws -> Instance {
        try TruthfulQAMultipleChoice.pairInstance(document, prompt: prompt, card: card)
    }
}

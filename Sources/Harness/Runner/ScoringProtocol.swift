import Engine
import Tokenizers

/// How a multiple-choice task is scored.
public enum ScoringProtocol: String, Sendable, Codable, CaseIterable {
    /// lm-evaluation-harness: the card's prompt, log-likelihood of each choice, acc/acc_norm.
    case harness
    /// SADI's released code: its prompt (the card's `sadi` prompt), the answer label after a
    /// space, teacher-forced greedy exact match of the label.
    case official

    /// The official prompt ends in a newline that must stay the last prompt token.
    public var wholeWordSplit: Bool { self == .harness }

    public func prompt(of card: TaskCard, requested: String?) throws -> TaskCard.Prompt {
        switch self {
        case .harness:
            return try requested.map { try card.prompt(named: $0) } ?? card.defaultPrompt
        case .official:
            guard let prompt = card.prompts.first(where: { $0.name == (requested ?? "sadi") }) else {
                throw HarnessError.invalidInput("--protocol official needs the card of task \(card.task) to have a prompt named `sadi` (SADI's released prompt); add one or use --protocol harness")
            }
            return prompt
        }
    }

    public func scorers(of card: TaskCard) -> [any Scorer] {
        switch self {
        case .harness: return card.metrics.map(\.scorer)
        case .official: return [ExactMatchScorer()]
        }
    }

    /// The loglikelihood requests of `items`: one per choice, in item order.
    public func requests(for items: some Sequence<MultipleChoiceItem>) -> [LoglikelihoodRequest] {
        items.flatMap { item in
            item.continuations.map { LoglikelihoodRequest(context: item.context, continuation: $0, wholeWordSplit: wholeWordSplit) }
        }
    }

    /// An item's sample from its choices' results; the official protocol decodes each
    /// choice's teacher-forced greedy tokens for its exact match.
    public func sample(_ item: MultipleChoiceItem, results: [LoglikelihoodResult], tokenizer: any Tokenizer,
                       keepText: Bool) -> MultipleChoiceSample {
        let sample = MultipleChoiceSample(item: item, results: results, keepText: keepText)
        guard self == .official else { return sample }
        return sample.withGreedyTexts(results.map { tokenizer.decode($0.argmaxTokens) }, labels: item.choices)
    }
}

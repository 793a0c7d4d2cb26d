/// Which of a card's protocols a run scores with. Both are card data: `harness` is the
/// card's default prompt and `metrics` (lm-evaluation-harness), `official` its `official`
/// section (the prompt and metrics of the method's released code).
public enum ScoringProtocol: String, Sendable, Codable, CaseIterable {
    case harness
    case official

    public func prompt(of card: TaskCard, requested: String?) throws -> TaskCard.Prompt {
        switch self {
        case .harness:
            return try requested.map { try card.prompt(named: $0) } ?? card.defaultPrompt
        case .official:
            return try card.prompt(named: requested ?? officialSection(of: card).prompt)
        }
    }

    /// The metrics the protocol reports; the first one is what validation maximises.
    public func metrics(of card: TaskCard) throws -> [MetricSpec] {
        switch self {
        case .harness: return card.metrics
        case .official: return try officialSection(of: card).metrics
        }
    }

    public func scorers(of card: TaskCard, registry: ScorerRegistry = .standard) throws -> [any Scorer] {
        try metrics(of: card).map { try registry.scorer(for: $0, outputType: card.outputType) }
    }

    private func officialSection(of card: TaskCard) throws -> TaskCard.OfficialProtocol {
        guard let official = card.official else {
            throw HarnessError.invalidInput(
                "--protocol official needs the card of task \(card.task) to have an `official` section (the prompt and metrics of the method's released code); add one or use --protocol harness"
            )
        }
        return official
    }
}

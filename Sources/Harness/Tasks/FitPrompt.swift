/// How a contrastive pair's text is written when a method is fitted on it. A protocol's
/// choice is card data (`official: {fit_prompt: stripped}`); `--fit-prompt` overrides it.
public enum FitPrompt: String, Sendable, Codable, CaseIterable {
    /// As the task scores it: the rendered context, then each choice's continuation.
    case scored
    /// As SADI's released code writes it (`steering.py`, `select_heads_acts_actups`:
    /// `f'{q.strip()} {ref.strip()}'`): the context and the answer with surrounding
    /// whitespace removed, joined by one space, tokenised whole (BOS added when the model
    /// adds one); a pair whose right text is longer than `tokenLimit` tokens is skipped.
    case stripped

    /// The length past which SADI's code skips a pair (BOS included).
    public static let tokenLimit = 700
}

extension ScoringProtocol {
    /// The fitting text the protocol uses: the scored prompts under `harness`, the card's
    /// `official.fit_prompt` (default `scored`) under `official`.
    public func fitPrompt(of card: TaskCard) -> FitPrompt {
        switch self {
        case .harness: return .scored
        case .official: return card.official?.fitPrompt ?? .scored
        }
    }
}

/// What a response is judged against.
public enum Reference: Sendable, Hashable, Codable {
    /// The index of the right choice of a log-likelihood request.
    case choice(index: Int)
    /// Accepted answers (a question's aliases): a generation matching any of them is right.
    case answers([String])
    /// Right and wrong answers (TruthfulQA): generations are compared with both sets.
    case answerSets(correct: [String], incorrect: [String])
    /// Nothing to compare with: a scorer judges the text itself (ToxiGen's classifier).
    case none

    /// The right choice's index, when the reference is one.
    public var choiceIndex: Int? {
        if case let .choice(index) = self { return index }
        return nil
    }

    /// Accepted answers of `.answers`, or the correct set of `.answerSets`.
    public var acceptedAnswers: [String] {
        switch self {
        case let .answers(answers): return answers
        case let .answerSets(correct, _): return correct
        case .choice, .none: return []
        }
    }
}

/// What a response is judged against.
public enum Reference: Sendable, Hashable, Codable {
    /// The index of the right choice of a log-likelihood request.
    case choice(index: Int)
    /// The indices of every true choice of a log-likelihood request (TruthfulQA's MC2, scored
    /// by the probability mass the model puts on them), in ascending order.
    case trueChoices(indices: [Int])
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
        case .choice, .trueChoices, .none: return []
        }
    }

    /// The true choices' indices: the right one of `.choice`, every one of `.trueChoices`.
    public var trueChoiceIndices: [Int] {
        switch self {
        case let .choice(index): return [index]
        case let .trueChoices(indices): return indices
        case .answers, .answerSets, .none: return []
        }
    }
}

extension Reference {
    enum CodingKeys: String, CodingKey { case type, index, indices, answers, correct, incorrect }
    enum Kind: String, Codable { case choice, trueChoices = "true_choices", answers, answerSets = "answer_sets", none }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .choice: self = .choice(index: try container.decode(Int.self, forKey: .index))
        case .trueChoices: self = .trueChoices(indices: try container.decode([Int].self, forKey: .indices))
        case .answers: self = .answers(try container.decode([String].self, forKey: .answers))
        case .answerSets:
            self = .answerSets(
                correct: try container.decode([String].self, forKey: .correct),
                incorrect: try container.decode([String].self, forKey: .incorrect))
        case .none: self = .none
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .choice(index):
            try container.encode(Kind.choice, forKey: .type)
            try container.encode(index, forKey: .index)
        case let .trueChoices(indices):
            try container.encode(Kind.trueChoices, forKey: .type)
            try container.encode(indices, forKey: .indices)
        case let .answers(answers):
            try container.encode(Kind.answers, forKey: .type)
            try container.encode(answers, forKey: .answers)
        case let .answerSets(correct, incorrect):
            try container.encode(Kind.answerSets, forKey: .type)
            try container.encode(correct, forKey: .correct)
            try container.encode(incorrect, forKey: .incorrect)
        case .none:
            try container.encode(Kind.none, forKey: .type)
        }
    }
}

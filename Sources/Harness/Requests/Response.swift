/// What the model gave for a request.
public enum Response: Sendable, Hashable, Codable {
    /// One result per choice, in the request's order.
    case choices([ChoiceResult])
    case generation(Generation)

    public var choiceResults: [ChoiceResult] {
        if case let .choices(results) = self { return results }
        return []
    }

    /// Whether every log-probability is a number and a generation never met logits that
    /// are not: an intervention that overflows the activations gives NaN or infinite ones,
    /// which no scorer may turn into a score.
    public var isFinite: Bool {
        switch self {
        case let .choices(results): results.allSatisfy { $0.logprob.isFinite }
        case let .generation(generation): generation.stoppedBy != .nonFiniteLogits
        }
    }

    public var generatedText: String? {
        if case let .generation(generation) = self { return generation.text }
        return nil
    }
}

/// A choice's log-likelihood and the model's teacher-forced greedy decoding of its positions.
public struct ChoiceResult: Sendable, Hashable, Codable {
    /// Sum of the continuation tokens' log-probabilities.
    public let logprob: Double
    /// Whether every continuation token was the model's argmax.
    public let isGreedy: Bool
    public let tokenCount: Int
    /// The argmax tokens at the continuation's positions, decoded (SADI's exact match).
    public let greedyText: String

    public init(logprob: Double, isGreedy: Bool, tokenCount: Int, greedyText: String) {
        self.logprob = logprob
        self.isGreedy = isGreedy
        self.tokenCount = tokenCount
        self.greedyText = greedyText
    }

    enum CodingKeys: String, CodingKey {
        case logprob, isGreedy = "is_greedy", tokenCount = "token_count", greedyText = "greedy_text"
    }
}

/// Generated text, cut before the first stop string.
public struct Generation: Sendable, Hashable, Codable {
    public let text: String
    public let tokenCount: Int
    public let stoppedBy: StopReason

    public init(text: String, tokenCount: Int, stoppedBy: StopReason) {
        self.text = text
        self.tokenCount = tokenCount
        self.stoppedBy = stoppedBy
    }

    public enum StopReason: String, Sendable, Hashable, Codable {
        case endOfSequence = "eos", stopString = "stop_string", maxTokens = "max_tokens"
        /// The logits turned NaN or infinite (an intervention overflowing the activations,
        /// or damaged weights): the text so far is kept, but the response is not finite.
        case nonFiniteLogits = "non_finite_logits"
    }

    enum CodingKeys: String, CodingKey { case text, tokenCount = "token_count", stoppedBy = "stopped_by" }
}

extension Response {
    enum CodingKeys: String, CodingKey { case type, choices, generation }
    enum Kind: String, Codable { case choices, generation }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .choices: self = .choices(try container.decode([ChoiceResult].self, forKey: .choices))
        case .generation: self = .generation(try container.decode(Generation.self, forKey: .generation))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .choices(results):
            try container.encode(Kind.choices, forKey: .type)
            try container.encode(results, forKey: .choices)
        case let .generation(generation):
            try container.encode(Kind.generation, forKey: .type)
            try container.encode(generation, forKey: .generation)
        }
    }
}

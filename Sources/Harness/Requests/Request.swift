/// What a task asks of the model for one document, by output type, as lm-evaluation-harness's
/// `Instance`: the log-likelihood of each choice after its context, or text generated after
/// a context until a stop string or a token limit.
public enum Request: Sendable, Hashable, Codable {
    /// One continuation per choice; contexts may differ per choice (partial evaluation).
    case loglikelihood(choices: [Choice])
    /// Text generated after `context`.
    case generateUntil(context: String, generation: GenerationSettings)

    public var outputType: OutputType {
        switch self {
        case .loglikelihood: return .multipleChoice
        case .generateUntil: return .generateUntil
        }
    }

    /// The choices of a log-likelihood request (empty for a generation).
    public var choices: [Choice] {
        if case let .loglikelihood(choices) = self { return choices }
        return []
    }

    /// The (first) context, for messages and logs.
    public var context: String {
        switch self {
        case let .loglikelihood(choices): return choices.first?.context ?? ""
        case let .generateUntil(context, _): return context
        }
    }
}

/// How a task asks the model to answer.
public enum OutputType: String, Sendable, Hashable, Codable, CaseIterable {
    /// One log-likelihood request per choice; the reference is the right choice's index.
    case multipleChoice = "multiple_choice"
    /// Generated text, scored against accepted answers, answer sets or by a classifier.
    case generateUntil = "generate_until"
}

/// One choice of a log-likelihood request.
public struct Choice: Sendable, Hashable, Codable {
    public let context: String
    /// What is scored after the context (it starts with the card's target delimiter).
    public let continuation: String
    /// The choice as the templates render it, without the delimiter: acc_norm divides by its
    /// length and exact match compares against it.
    public let text: String
    /// Move the context's trailing whitespace into the continuation before tokenising, as
    /// lm-evaluation-harness does. A prompt that must end in its own newline token (SADI's)
    /// keeps it in the context.
    public let splitTrailingWhitespace: Bool

    public init(context: String, continuation: String, text: String, splitTrailingWhitespace: Bool = true) {
        self.context = context
        self.continuation = continuation
        self.text = text
        self.splitTrailingWhitespace = splitTrailingWhitespace
    }

    enum CodingKeys: String, CodingKey {
        case context, continuation, text, splitTrailingWhitespace = "split_trailing_whitespace"
    }

    /// The request the log-likelihood runner scores.
    public var loglikelihoodRequest: LoglikelihoodRequest {
        LoglikelihoodRequest(context: context, continuation: continuation, wholeWordSplit: splitTrailingWhitespace)
    }
}

/// lm-eval's `generation_kwargs`: when to stop and how to pick tokens.
public struct GenerationSettings: Sendable, Hashable, Codable {
    /// Generation stops when the text contains one of these; the text is cut before it.
    public var until: [String]
    public var maxTokens: Int
    /// Nil: greedy (argmax). Otherwise sampled with this temperature from a generator
    /// seeded per document, so results do not depend on batch size or order.
    public var sampling: Sampling?
    /// Whether the model's end-of-sequence token ends the text (it always does in lm-eval).
    public var stopAtEndOfSequence: Bool

    public init(until: [String], maxTokens: Int, sampling: Sampling? = nil, stopAtEndOfSequence: Bool = true) {
        self.until = until
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopAtEndOfSequence = stopAtEndOfSequence
    }

    public struct Sampling: Sendable, Hashable, Codable {
        public var temperature: Double
        /// Nucleus sampling: keep the most likely tokens whose probabilities sum to top_p.
        public var topP: Double
        public var seed: UInt64

        public init(temperature: Double, topP: Double = 1, seed: UInt64) {
            self.temperature = temperature
            self.topP = topP
            self.seed = seed
        }

        enum CodingKeys: String, CodingKey { case temperature, topP = "top_p", seed }
    }

    enum CodingKeys: String, CodingKey {
        case until, maxTokens = "max_tokens", sampling, stopAtEndOfSequence = "stop_at_eos"
    }
}

// Samples are read by people and by other tools: a `type` field names the case.
extension Request {
    enum CodingKeys: String, CodingKey { case type, choices, context, generation }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(OutputType.self, forKey: .type) {
        case .multipleChoice:
            self = .loglikelihood(choices: try container.decode([Choice].self, forKey: .choices))
        case .generateUntil:
            self = .generateUntil(
                context: try container.decode(String.self, forKey: .context),
                generation: try container.decode(GenerationSettings.self, forKey: .generation))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outputType, forKey: .type)
        switch self {
        case let .loglikelihood(choices):
            try container.encode(choices, forKey: .choices)
        case let .generateUntil(context, generation):
            try container.encode(context, forKey: .context)
            try container.encode(generation, forKey: .generation)
        }
    }
}

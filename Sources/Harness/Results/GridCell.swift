/// One configuration of a grid search and its score (a validation search's cell, kept in
/// the results file so the choice can be checked against the grid it was made from).
public struct GridCell: Sendable, Codable, Equatable {
    public let k: Int
    public let strength: Double
    /// NaN when the configuration failed (non-finite log-probabilities): shown as a failure,
    /// written as null, never chosen.
    public let score: Double
    /// Under a fluency guard: the share of its continuations that are empty, their
    /// perplexity under the unsteered model and their distinct bigrams, and why it was
    /// refused (never chosen).
    public var emptyShare: Double? = nil
    public var perplexity: Double? = nil
    public var distinctBigrams: Double? = nil
    public var refusal: String? = nil

    public init(k: Int, strength: Double, score: Double) {
        self.k = k
        self.strength = strength
        self.score = score
    }

    /// Neither failed nor refused: the search may choose it.
    public var isAdmissible: Bool { score.isFinite && refusal == nil }
}

extension GridCell {
    enum CodingKeys: String, CodingKey {
        case k, strength, score, perplexity, refusal
        case emptyShare = "empty_share"
        case distinctBigrams = "distinct_bigrams"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        k = try container.decode(Int.self, forKey: .k)
        strength = try container.decode(Double.self, forKey: .strength)
        score = try container.decodeIfPresent(Double.self, forKey: .score) ?? .nan
        emptyShare = try container.decodeIfPresent(Double.self, forKey: .emptyShare)
        perplexity = try container.decodeIfPresent(Double.self, forKey: .perplexity)
        distinctBigrams = try container.decodeIfPresent(Double.self, forKey: .distinctBigrams)
        refusal = try container.decodeIfPresent(String.self, forKey: .refusal)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(k, forKey: .k)
        try container.encode(strength, forKey: .strength)
        if score.isFinite { try container.encode(score, forKey: .score) } else { try container.encodeNil(forKey: .score) }
        try container.encodeIfPresent(emptyShare, forKey: .emptyShare)
        try container.encodeIfPresent(perplexity, forKey: .perplexity)
        try container.encodeIfPresent(distinctBigrams, forKey: .distinctBigrams)
        try container.encodeIfPresent(refusal, forKey: .refusal)
    }
}

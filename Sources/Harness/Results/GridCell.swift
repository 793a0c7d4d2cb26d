/// One configuration of a grid search and its score (a validation search's cell, kept in
/// the results file so the choice can be checked against the grid it was made from).
public struct GridCell: Sendable, Codable, Equatable {
    public let k: Int
    public let strength: Double
    /// NaN when the configuration failed (non-finite log-probabilities): shown as a failure,
    /// written as null, never chosen.
    public let score: Double

    public init(k: Int, strength: Double, score: Double) {
        self.k = k
        self.strength = strength
        self.score = score
    }
}

extension GridCell {
    enum CodingKeys: String, CodingKey { case k, strength, score }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        k = try container.decode(Int.self, forKey: .k)
        strength = try container.decode(Double.self, forKey: .strength)
        score = try container.decodeIfPresent(Double.self, forKey: .score) ?? .nan
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(k, forKey: .k)
        try container.encode(strength, forKey: .strength)
        if score.isFinite { try container.encode(score, forKey: .score) } else { try container.encodeNil(forKey: .score) }
    }
}

/// One configuration of a grid search and its score (a validation search's cell, kept in
/// the results file so the choice can be checked against the grid it was made from).
public struct GridCell: Sendable, Codable, Equatable {
    public let k: Int
    public let strength: Double
    public let score: Double

    public init(k: Int, strength: Double, score: Double) {
        self.k = k
        self.strength = strength
        self.score = score
    }
}

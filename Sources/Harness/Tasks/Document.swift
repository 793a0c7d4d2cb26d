/// One benchmark item as a task plugin reads it: the fields its card's templates fill in,
/// and what the answer is judged against.
public struct Document: Sendable, Hashable, Codable {
    public let id: String
    public let fields: [String: String]
    public let reference: Reference

    public init(id: String, fields: [String: String], reference: Reference) {
        self.id = id
        self.fields = fields
        self.reference = reference
    }

    /// A multiple-choice document whose right choice is `gold`.
    public init(id: String, fields: [String: String], gold: Int) {
        self.init(id: id, fields: fields, reference: .choice(index: gold))
    }
}

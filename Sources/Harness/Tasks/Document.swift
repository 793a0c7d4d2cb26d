/// One benchmark item as a task plugin reads it: the fields its card's templates fill in,
/// and what the answer is judged against.
public struct Document: Sendable, Hashable, Codable {
    public let id: String
    public let fields: [String: String]
    /// Fields that hold a list (a question's own number of choices, TruthfulQA's targets):
    /// a prompt's `doc_to_choice: "{{name}}"` gives one choice per element.
    public let lists: [String: [String]]
    public let reference: Reference

    public init(id: String, fields: [String: String], lists: [String: [String]] = [:], reference: Reference) {
        self.id = id
        self.fields = fields
        self.lists = lists
        self.reference = reference
    }

    /// A multiple-choice document whose right choice is `gold`.
    public init(id: String, fields: [String: String], gold: Int) {
        self.init(id: id, fields: fields, reference: .choice(index: gold))
    }

    enum CodingKeys: String, CodingKey { case id, fields, lists, reference }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        fields = try container.decode([String: String].self, forKey: .fields)
        lists = try container.decodeIfPresent([String: [String]].self, forKey: .lists) ?? [:]
        reference = try container.decode(Reference.self, forKey: .reference)
    }
}

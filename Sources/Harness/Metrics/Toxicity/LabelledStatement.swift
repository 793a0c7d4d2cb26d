/// One text a classifier is trained or evaluated on: whether it is toxic, and the target
/// groups whose files it came from (a statement may appear under several).
public struct LabelledStatement: Sendable, Hashable, Codable {
    public let text: String
    public let toxic: Bool
    /// Sorted, without repeats.
    public let groups: [String]

    public init(text: String, toxic: Bool, groups: [String]) {
        self.text = text
        self.toxic = toxic
        self.groups = Array(Set(groups)).sorted()
    }
}

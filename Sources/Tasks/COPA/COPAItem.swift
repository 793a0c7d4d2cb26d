/// One COPA question as the original release states it: a premise, two alternatives, and
/// whether the question asks for the premise's cause or its effect.
public struct COPAItem: Sendable, Hashable, Codable {
    public enum Question: String, Sendable, Hashable, Codable, CaseIterable {
        case cause, effect
    }

    /// The release's item id: 1-500 in dev, 501-1000 in test.
    public let id: Int
    public let asksFor: Question
    /// Texts have their surrounding whitespace removed (four items carry a stray space).
    public let premise: String
    public let choice1: String
    public let choice2: String
    /// 0 when choice1 is the more plausible alternative, 1 when choice2
    /// (the XML's most-plausible-alternative minus one, as in SuperGLUE).
    public let label: Int

    public init(id: Int, asksFor: Question, premise: String, choice1: String, choice2: String, label: Int) {
        self.id = id
        self.asksFor = asksFor
        self.premise = premise
        self.choice1 = choice1
        self.choice2 = choice2
        self.label = label
    }
}

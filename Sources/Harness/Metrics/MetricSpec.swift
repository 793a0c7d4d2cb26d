/// A metric as a card lists it: a scorer's name and its options (lm-eval's `metric_list`).
/// Written `acc` or `{name: exact_match, normalise: sadi}`; `higher_is_better: false` (as in
/// lm-eval's metric_list) declares a lower-is-better metric, and must agree with its scorer.
public struct MetricSpec: Sendable, Hashable, Codable {
    public let name: String
    public let options: [String: String]
    /// The card's declaration of the metric's direction, when it makes one.
    public let higherIsBetter: Bool?

    public init(_ name: String, options: [String: String] = [:], higherIsBetter: Bool? = nil) {
        self.name = name
        self.options = options
        self.higherIsBetter = higherIsBetter
    }

    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.init(name)
            return
        }
        var fields = try decoder.singleValueContainer().decode([String: String].self)
        guard let name = fields.removeValue(forKey: "name") else {
            throw CardFieldError(
                codingPath: decoder.codingPath, problem: "has no `name`",
                fix: "write a metric as its name or as {name: NAME, option: value}")
        }
        var direction: Bool? = nil
        if let declared = fields.removeValue(forKey: "higher_is_better") {
            guard let value = Bool(declared) else {
                throw CardFieldError(
                    codingPath: decoder.codingPath, problem: "has higher_is_better `\(declared)`", fix: "write true or false")
            }
            direction = value
        }
        self.init(name, options: fields, higherIsBetter: direction)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        var fields = options.merging(["name": name]) { $1 }
        if let higherIsBetter { fields["higher_is_better"] = String(higherIsBetter) }
        if fields.count == 1 {
            try container.encode(name)
        } else {
            try container.encode(fields)
        }
    }
}

/// A metric as a card lists it: a scorer's name and its options (lm-eval's `metric_list`).
/// Written `acc` or `{name: exact_match, normalise: sadi}`.
public struct MetricSpec: Sendable, Hashable, Codable {
    public let name: String
    public let options: [String: String]

    public init(_ name: String, options: [String: String] = [:]) {
        self.name = name
        self.options = options
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
        self.init(name, options: fields)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if options.isEmpty {
            try container.encode(name)
        } else {
            try container.encode(options.merging(["name": name]) { $1 })
        }
    }
}

/// What a leaderboard row stands for: one model under one method, scored with one protocol and
/// few-shot count (the results file's name carries the same three: `<method>[.Nshot][.official]`).
public struct LeaderboardRowKey: Hashable, Sendable, Codable {
    public let model: String
    public let method: String
    /// `harness` (lm-eval's prompts and metrics) or `official` (the method's released protocol).
    public let protocolName: String
    public let numFewshot: Int

    public init(model: String, method: String, protocolName: String, numFewshot: Int) {
        self.model = model
        self.method = method
        self.protocolName = protocolName
        self.numFewshot = numFewshot
    }

    init(_ result: RunResult) {
        self.init(
            model: result.model.name, method: result.method, protocolName: result.configuration["protocol"] ?? "harness",
            numFewshot: result.configuration["num_fewshot"].flatMap(Int.init) ?? 0)
    }

    /// "sadi-head", "baseline 5-shot", "sadi-head (official)".
    public var label: String {
        method + (numFewshot > 0 ? " \(numFewshot)-shot" : "") + (protocolName == "harness" ? "" : " (\(protocolName))")
    }

    /// Rows read model by model, protocol by protocol (so each method sits next to its own
    /// baseline), few-shot count, then the baseline first and the methods in `methodOrder`
    /// (unknown methods last, by name).
    public static func sorted(_ keys: some Sequence<Self>, methodOrder: [String]) -> [Self] {
        func rank(_ key: Self) -> Int {
            key.method == "baseline" ? -1 : methodOrder.firstIndex(of: key.method) ?? methodOrder.count
        }
        return keys.sorted {
            ($0.model, $0.protocolName, $0.numFewshot, rank($0), $0.method)
                < ($1.model, $1.protocolName, $1.numFewshot, rank($1), $1.method)
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, method
        case protocolName = "protocol"
        case numFewshot = "num_fewshot"
    }
}

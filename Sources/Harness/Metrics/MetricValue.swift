/// A metric's mean over documents with its standard error (sample standard deviation over
/// √n, as lm-evaluation-harness reports it).
public struct MetricValue: Sendable, Hashable, Codable {
    public let value: Double
    public let stderr: Double
    public let count: Int

    public init(scores: [Double]) {
        count = scores.count
        guard !scores.isEmpty else {
            value = .nan
            stderr = .nan
            return
        }
        let mean = scores.reduce(0, +) / Double(scores.count)
        value = mean
        if scores.count > 1 {
            let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count - 1)
            stderr = (variance / Double(scores.count)).squareRoot()
        } else {
            stderr = .nan
        }
    }

    public init(value: Double, stderr: Double, count: Int) {
        self.value = value
        self.stderr = stderr
        self.count = count
    }
}

// A standard error is undefined for one document (NaN): JSON has no NaN, so it is written as
// null and read back as NaN, and tables show it as "—".
extension MetricValue {
    enum CodingKeys: String, CodingKey { case value, stderr, count }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decodeIfPresent(Double.self, forKey: .value) ?? .nan
        stderr = try container.decodeIfPresent(Double.self, forKey: .stderr) ?? .nan
        count = try container.decode(Int.self, forKey: .count)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if value.isFinite { try container.encode(value, forKey: .value) } else { try container.encodeNil(forKey: .value) }
        if stderr.isFinite { try container.encode(stderr, forKey: .stderr) } else { try container.encodeNil(forKey: .stderr) }
        try container.encode(count, forKey: .count)
    }
}

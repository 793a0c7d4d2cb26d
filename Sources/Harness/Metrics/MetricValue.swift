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

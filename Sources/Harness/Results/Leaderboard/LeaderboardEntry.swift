/// A results file as the leaderboard counts it: its row, its task, the score it contributes
/// (the file's first metric) and on what part of the split it was scored.
public struct LeaderboardEntry: Sendable {
    public let file: ResultFile
    public let row: LeaderboardRowKey
    public let kind: LeaderboardCatalog.SplitKind
    public let metric: String
    public let score: MetricValue
    /// The `--limit` it was scored with; nil when it saw every document of the split.
    public let limit: Int?
    /// The method against the baseline scored in the same batches on the same documents
    /// (nil for the baseline).
    public let comparison: PairedComparison?

    public var task: String { file.result.task }

    /// Whether the entry's metric is lower-is-better (toxicity), as its results file records.
    public var lowerIsBetter: Bool { file.result.isLowerBetter(metric) }

    /// The baseline's score on this entry's documents, from the paired comparison. Its standard
    /// error is the sample one of 0/1 scores, √(p(1−p)/(n−1)), when the comparison is binary.
    public var pairedBaseline: MetricValue? {
        guard let c = comparison else { return nil }
        let stderr = c.b != nil && c.n > 1 ? (c.baselineAccuracy * (1 - c.baselineAccuracy) / Double(c.n - 1)).squareRoot() : .nan
        return MetricValue(value: c.baselineAccuracy, stderr: stderr, count: c.n)
    }

    /// The mean per-document difference method − baseline with its standard error, from the
    /// discordant counts: each difference is +1 (b of them), −1 (c) or 0.
    public var pairedDifference: MetricValue? {
        guard let c = comparison else { return nil }
        guard let b = c.b, let cc = c.c, c.n > 1 else { return MetricValue(value: c.difference, stderr: .nan, count: c.n) }
        let n = Double(c.n), mean = Double(b - cc) / n
        let variance = max(0, (Double(b + cc) - n * mean * mean) / (n - 1))
        return MetricValue(value: mean, stderr: (variance / n).squareRoot(), count: c.n)
    }
}

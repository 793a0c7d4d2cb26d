import Foundation

/// One benchmark's score for one row: a task's results file, or a group's member files
/// aggregated as lm-eval aggregates a group (`GroupAggregate.weighted`: size-weighted mean,
/// pooled standard error). It remembers what it is made of, so a table can say when it covers
/// only some of the group's tasks or only the first documents of each.
public struct LeaderboardCell: Sendable {
    public let metric: String
    public let score: MetricValue
    /// Tasks present, and how many the benchmark has (1 for a single task).
    public let covered: Int
    public let total: Int
    /// The distinct `--limit`s of members scored on a subset; empty when every member saw its
    /// whole split.
    public let limits: [Int]
    /// For a method: the baseline on the same documents, the paired difference (± pooled
    /// standard error of the per-document differences) and the exact McNemar p-value on the
    /// discordant documents pooled over the members. Nil when a member lacks a comparison.
    public let pairedBaseline: MetricValue?
    public let difference: MetricValue?
    public let mcnemarP: Double?
    /// Where the cell links: the results file (relative path) or a section of the Markdown.
    public let link: String?
    public let members: [LeaderboardEntry]
    /// Whether a smaller value is better (toxicity): best is the smallest, the column is marked ↓.
    public var lowerIsBetter: Bool { members.first?.lowerIsBetter == true }

    /// The value as compared for bold: shown, and negated when smaller is better, so the
    /// largest key is always the best.
    public var bestKey: Double { (lowerIsBetter ? -1 : 1) * Self.shown(score.value) }

    /// Covers every task of its benchmark.
    public var complete: Bool { covered == total }
    /// Scored on whole splits.
    public var wholeSplit: Bool { limits.isEmpty }
    /// Fit to be compared with other cells of its column: bold and averages use only these.
    public var comparable: Bool { complete && wholeSplit }

    /// `members` are one row's entries for the benchmark's tasks, all of one metric (one card,
    /// one protocol); nil when there are none.
    public init?(members: [LeaderboardEntry], total: Int, link: String?) {
        let sorted = members.sorted { $0.task < $1.task }
        guard let first = sorted.first else { return nil }
        let members = sorted.filter { $0.metric == first.metric }
        metric = first.metric
        score = Self.aggregate(members.map(\.score))
        covered = members.count
        self.total = total
        limits = Set(members.compactMap(\.limit)).sorted()
        let baselines = members.compactMap(\.pairedBaseline)
        let differences = members.compactMap(\.pairedDifference)
        let paired = baselines.count == members.count
        pairedBaseline = paired ? Self.aggregate(baselines) : nil
        difference = paired ? Self.aggregate(differences) : nil
        let discordant = members.compactMap { e in e.comparison.flatMap { c in c.b.flatMap { b in c.c.map { (b, $0) } } } }
        mcnemarP =
            paired && discordant.count == members.count
            ? McNemar.exactPValue(b: discordant.map(\.0).reduce(0, +), c: discordant.map(\.1).reduce(0, +)) : nil
        self.link = link
        self.members = members
    }

    /// One member is itself (kept exact); several are aggregated as lm-eval does.
    static func aggregate(_ values: [MetricValue]) -> MetricValue {
        values.count == 1 ? values[0] : GroupAggregate.weighted(values)
    }

    /// "68.8 ± 2.1" in percent; the standard error is left out when it is unknown.
    public static func percent(_ value: MetricValue) -> String {
        value.stderr.isFinite
            ? String(format: "%.1f ± %.1f", value.value * 100, value.stderr * 100) : String(format: "%.1f", value.value * 100)
    }

    /// The value as shown (tenths of a percent): best-of-column compares these, so two cells
    /// that print the same are both bold or neither.
    public static func shown(_ value: Double) -> Double {
        Double(String(format: "%.1f", value * 100)) ?? value * 100
    }

    /// "first 20 documents" / "first 20 documents per task" / "first 10–20 documents per task".
    public var limitDescription: String? {
        guard let low = limits.first, let high = limits.last else { return nil }
        let count = low == high ? "\(low)" : "\(low)–\(high)"
        return "first \(count) documents" + (total > 1 ? " per task" : "")
    }
}

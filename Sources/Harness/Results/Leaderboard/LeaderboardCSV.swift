/// LEADERBOARD.csv: one row per results file the tables use, with what shaped its number
/// (protocol, few-shot count, split, limit, K, strength) and its paired baseline, for anyone
/// who wants to recompute a table or plot it without parsing Markdown.
public struct LeaderboardCSVRow: Sendable, Encodable {
    public let model: String
    public let method: String
    public let protocolName: String
    public let numFewshot: Int
    public let task: String
    public let split: String
    public let metric: String
    public let value: Double
    public let stderr: Double?
    public let n: Int
    /// "none" or the number of documents.
    public let limit: String
    public let k: String?
    public let strength: String?
    public let wallSeconds: Double
    /// Relative to the results folder.
    public let path: String
    /// `test` (main table) or `wholeDev`.
    public let table: String
    public let pairedBaseline: Double?
    public let difference: Double?
    public let mcnemarP: Double?

    init(_ entry: LeaderboardEntry) {
        let r = entry.file.result
        model = entry.row.model
        method = entry.row.method
        protocolName = entry.row.protocolName
        numFewshot = entry.row.numFewshot
        task = r.task
        split = r.split
        metric = entry.metric
        value = entry.score.value
        stderr = entry.score.stderr.isFinite ? entry.score.stderr : nil
        n = entry.score.count
        limit = entry.limit.map(String.init) ?? "none"
        k = r.configuration["k"]
        strength = r.configuration["strength"]
        wallSeconds = r.wallSeconds
        path = entry.file.path
        table = entry.kind.rawValue
        pairedBaseline = entry.comparison?.baselineAccuracy
        difference = entry.comparison?.difference
        mcnemarP = entry.comparison?.pValue
    }

    static let header = [
        "model", "method", "protocol", "num_fewshot", "task", "split", "metric", "value", "stderr", "n", "limit", "k",
        "strength", "wall_seconds", "path", "table", "paired_baseline", "difference", "mcnemar_p",
    ]

    /// Numbers as Swift prints a Double (the shortest text that reads back the same value),
    /// fractions rather than percent; absent values empty.
    var fields: [String] {
        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        return [
            model, method, protocolName, String(numFewshot), task, split, metric, number(value), number(stderr), String(n), limit,
            k ?? "", strength ?? "", number(wallSeconds), path, table, number(pairedBaseline), number(difference),
            number(mcnemarP),
        ]
    }

    enum CodingKeys: String, CodingKey {
        case model, method, task, split, metric, value, stderr, n, limit, k, strength, path, table, difference
        case protocolName = "protocol", numFewshot = "num_fewshot", wallSeconds = "wall_seconds"
        case pairedBaseline = "paired_baseline", mcnemarP = "mcnemar_p"
    }
}

extension Leaderboard {
    public var csvRows: [LeaderboardCSVRow] { usedEntries.map(LeaderboardCSVRow.init) }

    /// RFC 4180: comma-separated, CRLF-free (one "\n" per row), fields quoted when they hold a
    /// comma, quote or line break, quotes doubled.
    public func csv() -> String {
        func quoted(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        let lines = [LeaderboardCSVRow.header] + csvRows.map(\.fields)
        return lines.map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

/// Which results files count, and why the others do not. A table of figures is only as good
/// as the rule deciding what goes in it, so the rule lives here, in one place:
/// - the file's split must be a test split (`test`) or the whole dev set (`wholeDev`, its own table);
/// - it must have been scored on every document (`limit` "none"), except a method run on a
///   limited subset: it carries its paired baseline on the same documents, so it can be shown,
///   marked, next to that baseline;
/// - its activations must have been float32: a run with `--activations int8` (recorded as
///   `activations` in its configuration) measures the faster, less exact engine, not the method;
/// - one file per row and task: should two files claim the same (a folder renamed by hand),
///   the first by path counts.
/// Asked for (`includePartial`, `table --include-partial`), limited baselines are shown too,
/// marked as every limited cell is.
public struct LeaderboardSelection: Sendable {
    public enum Exclusion: String, Sendable, CaseIterable, Codable {
        case notTestSplit = "scored on a pairs, validation or few-shot split"
        case limitedBaseline = "scored with --limit and no paired baseline on the same documents"
        case noScore = "with no finite value for their first metric"
        case duplicate = "duplicating another file's row and task"
        case reducedPrecision = "computed with 8-bit activations (--activations int8)"
    }

    public let entries: [LeaderboardEntry]
    /// How many files each reason kept out (reasons with none are absent).
    public let excluded: [Exclusion: Int]

    public init(files: [ResultFile], catalog: LeaderboardCatalog, includePartial: Bool = false) {
        var entries: [LeaderboardEntry] = []
        var excluded: [Exclusion: Int] = [:]
        var seen: Set<[String]> = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            let r = file.result
            let kind = catalog.splitKind(task: r.task, split: r.split)
            guard kind != .other else {
                excluded[.notTestSplit, default: 0] += 1
                continue
            }
            guard let metric = r.metricOrder.first, let score = r.metrics[metric], score.value.isFinite else {
                excluded[.noScore, default: 0] += 1
                continue
            }
            guard (r.configuration["activations"] ?? "float32") == "float32" else {
                excluded[.reducedPrecision, default: 0] += 1
                continue
            }
            let limitText = r.configuration["limit"] ?? "none"
            // The tool writes a number; anything else still counts as limited, never as the whole split.
            let limit = limitText == "none" ? nil : (Int(limitText) ?? 0)
            let comparison = r.comparisons?[metric]
            guard limit == nil || includePartial || (r.method != "baseline" && comparison != nil) else {
                excluded[.limitedBaseline, default: 0] += 1
                continue
            }
            let row = LeaderboardRowKey(r)
            guard seen.insert([row.model, row.method, row.protocolName, String(row.numFewshot), r.task, kind.rawValue]).inserted
            else {
                excluded[.duplicate, default: 0] += 1
                continue
            }
            entries.append(
                LeaderboardEntry(
                    file: file, row: row, kind: kind, metric: metric, score: score, limit: limit, comparison: comparison))
        }
        self.entries = entries
        self.excluded = excluded
    }
}

/// The Markdown of the group tables: a group of tasks task by task (XCOPA), a group of groups
/// category by category against paired baselines (MMLU).
extension Leaderboard {
    /// Rows the group's tasks then its aggregate, columns the rows of the main table.
    func memberTable(_ table: MemberTable) -> [String] {
        let withModel = Set(table.columns.map(\.model)).count > 1
        let names = table.columns.map { MarkdownCellText.escape(MarkdownCellText.name($0, withModel: withModel)) }
        var lines = [
            "| task | " + names.joined(separator: " | ") + " |",
            "|---|" + String(repeating: "---:|", count: names.count),
        ]
        var footnotes: [String] = []
        for row in table.rows {
            let cells = table.columns.map { MarkdownCellText.cell(row.cells[$0], best: row.best.contains($0)) }
            let name = row.name == table.group ? "**\(row.name)** (aggregate)" : row.name
            lines.append("| \(MarkdownCellText.escape(name)) | " + cells.joined(separator: " | ") + " |")
            for key in table.columns {
                if let cell = row.cells[key],
                    let note = MarkdownCellText.footnote(cell, who: MarkdownCellText.name(key, withModel: withModel), what: row.name)
                {
                    footnotes.append(note)
                }
            }
        }
        lines += footnotes.isEmpty ? [] : [""] + footnotes.map { $0 + "  " }
        lines += [
            "",
            "Notes: a column per model × method row of the main table that has any of \(table.group)'s tasks; each cell "
                + "links to its results file. The last row aggregates the tasks (size-weighted mean, pooled standard "
                + "error), with (present/total) when some are missing. Bold: the best of each row among whole-split cells "
                + "of the same metric (complete ones, for the aggregate). † as in the main table.",
        ]
        if table.rows.contains(where: { $0.cells.values.contains(where: \.lowerIsBetter) }) {
            lines += ["", "↓ \(table.group)'s metric is lower-is-better: bold is the smallest value of a row."]
        }
        return lines
    }

    /// Rows model × method × category; each method beside its paired baseline.
    func categoryTable(_ table: CategoryTable) -> [String] {
        var lines = [
            "| model | method | category | tasks | documents | score | paired baseline (same documents) | Δ | McNemar p |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in table.rows {
            let cell = row.cell
            let documents = "\(cell.score.count)" + (cell.limitDescription.map { " (\($0))" } ?? "")
            let category = row.category == table.group ? "**\(row.category)**" : row.category
            let cells = [
                MarkdownCellText.escape(row.key.model), MarkdownCellText.escape(row.key.label), category,
                "\(cell.covered)/\(cell.total)", documents, LeaderboardCell.percent(cell.score),
                cell.pairedBaseline.map(LeaderboardCell.percent) ?? "—",
                cell.difference.map(MarkdownCellText.signedPercent) ?? "—",
                cell.mcnemarP.map { String(format: "%.2g", $0) } ?? "—",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines += [
            "",
            "Notes: each category aggregates its tasks present (size-weighted mean, pooled standard error, as lm-eval); "
                + "`tasks` says how many of the category's tasks that is. A method is compared with its paired baseline, "
                + "the baseline scored in the same batches on the same documents (from the results files' paired "
                + "comparisons), not with the baseline row, which may cover more documents: methods are often scored "
                + "on the first N documents of each task (`--limit N`, given in `documents`). Δ is the mean paired "
                + "difference ± its pooled standard error, in points; McNemar's exact p is on the discordant documents "
                + "pooled over the tasks. Per-task figures are in \(LeaderboardFiles.csv).",
        ]
        return lines
    }
}

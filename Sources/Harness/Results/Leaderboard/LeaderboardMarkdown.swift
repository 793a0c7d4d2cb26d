/// LEADERBOARD.md: the main table of test scores, the per-task and per-category tables of
/// groups, and the whole-dev baselines, each followed by a short note saying what counts and
/// how cells are computed (a reader should not need the code to trust a number).
extension Leaderboard {
    public func markdown() -> String {
        var lines = [
            "# Leaderboard", "",
            "Written by `sadi-eval table` (and by every `sadi-eval run`) from the results files in this folder; "
                + "do not edit. [\(LeaderboardFiles.csv)](\(LeaderboardFiles.csv)) has one row per results file used, "
                + "[\(LeaderboardFiles.json)](\(LeaderboardFiles.json)) the same rows and these tables.",
            "", "## \(Self.mainHeading)", "",
        ]
        if main.rows.isEmpty {
            lines.append("No results on a test split yet.")
            lines += excludedNote().map { ["", $0] } ?? []
        } else {
            lines += benchmarkTable(main)
            lines += ["", "Notes:"] + (mainNotes() + [excludedNote()].compactMap { $0 }).map { "- " + $0 }
        }
        for table in memberTables { lines += ["", "## \(Self.memberHeading(table.group))", ""] + memberTable(table) }
        for table in categoryTables { lines += ["", "## \(Self.categoryHeading(table.group))", ""] + categoryTable(table) }
        if !wholeDev.rows.isEmpty {
            lines += ["", "## \(Self.wholeDevHeading)", ""] + benchmarkTable(wholeDev)
            lines += [
                "",
                "Notes: the cards' `dev` splits are the whole dev set, which the pairs and validation splits of the same "
                    + "file are drawn from, so only baselines are scored on it, to compare with published numbers "
                    + "(lm-eval reports these tasks on dev). They take no part in the tables above.",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows model × method, a column per benchmark, then footnotes for † cells.
    func benchmarkTable(_ table: BenchmarkTable) -> [String] {
        let average = table.hasAverage ? ["average"] : []
        var lines = [
            "| model | method | "
                + (table.columns.map { table.lowerIsBetter.contains($0) ? $0 + " ↓" : $0 } + average).map(MarkdownCellText.escape)
                .joined(separator: " | ") + " |",
            "|---|---|" + String(repeating: "---:|", count: table.columns.count + average.count),
        ]
        var footnotes: [String] = []
        let withModel = Set(table.rows.map(\.key.model)).count > 1
        for row in table.rows {
            var cells = table.columns.map { MarkdownCellText.cell(row.cells[$0], best: row.best.contains($0)) }
            if table.hasAverage {
                let text = row.average.map { String(format: "%.1f", $0 * 100) } ?? "—"
                cells.append(row.bestAverage ? "**\(text)**" : text)
            }
            lines.append(
                "| \(MarkdownCellText.escape(row.key.model)) | \(MarkdownCellText.escape(row.key.label)) | "
                    + cells.joined(separator: " | ") + " |")
            for column in table.columns {
                if let cell = row.cells[column],
                    let note = MarkdownCellText.footnote(cell, who: MarkdownCellText.name(row.key, withModel: withModel), what: column)
                {
                    footnotes.append(note)
                }
            }
        }
        return lines + (footnotes.isEmpty ? [] : [""] + footnotes.map { $0 + "  " })
    }

    func mainNotes() -> [String] {
        // Protocol → metric → the columns it is shown in.
        var metrics: [String: [String: [String]]] = [:]
        for row in main.rows {
            for column in main.columns {
                guard let cell = row.cells[column],
                    metrics[row.key.protocolName]?[cell.metric]?.contains(column) != true
                else { continue }
                metrics[row.key.protocolName, default: [:]][cell.metric, default: []].append(column)
            }
        }
        let metricText = metrics.keys.sorted().flatMap { protocolName in
            metrics[protocolName]!.keys.sorted().map {
                "\($0) under \(protocolName) (\(metrics[protocolName]![$0]!.joined(separator: ", ")))"
            }
        }.joined(separator: "; ")
        var notes = [
            "Each cell is its results file's first metric, in percent ± standard error, linked to the file: \(metricText). "
                + "Rows are model × method; the protocol (harness: lm-eval's prompts and metrics; official: the method's "
                + "released ones) and the few-shot count are part of the row.",
            "Only test splits count, scored on every document (`limit` none). A method scored with `--limit N` is marked † "
                + "and footnoted with its paired baseline on the same documents; it takes no part in bold or the average.",
            "Bold: the best value of a column among complete, whole-split cells of the same metric (ties all bold). "
                + "Average (with two columns or more): the unweighted mean of the columns, only for rows complete and whole in every "
                + "column; bold among rows whose columns hold the same metrics.",
        ]
        if !main.lowerIsBetter.isEmpty {
            notes.append(
                "↓ marks a lower-is-better metric (\(main.columns.filter(main.lowerIsBetter.contains).joined(separator: ", ")): toxicity "
                    + "judged by a classifier): its bold is the smallest value, a method's Δ below 0 is an improvement, and it "
                    + "takes no part in the average.")
        }
        let groups = main.columns.filter { column in main.rows.contains { ($0.cells[column]?.total ?? 1) > 1 } }
        if !groups.isEmpty {
            notes.insert(
                "Groups (\(groups.joined(separator: ", "))) are the size-weighted mean of their tasks with the pooled "
                    + "standard error, as lm-eval aggregates them; with tasks missing, the cell aggregates those present and "
                    + "says how many, e.g. (40/57), and takes no part in bold or the average. Their cells link to the "
                    + "per-task or per-category table below.", at: 2)
        }
        return notes
    }

    /// "Not shown: 1 file scored on a pairs, validation or few-shot split; …", or nil.
    func excludedNote() -> String? {
        guard !selection.excluded.isEmpty else { return nil }
        let reasons = LeaderboardSelection.Exclusion.allCases.compactMap { reason in
            selection.excluded[reason].map { "\($0) \($0 == 1 ? "file" : "files") \(reason.rawValue)" }
        }
        return "Not shown: " + reasons.joined(separator: "; ") + "."
    }
}

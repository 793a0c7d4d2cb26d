/// The main table (and the whole-dev one): a row per model × method × protocol × few-shot
/// count, a column per benchmark (a task, or a top-level group aggregated over its tasks), and
/// for the main table the average over the columns.
public struct BenchmarkTable: Sendable {
    public struct Row: Sendable {
        public let key: LeaderboardRowKey
        public let cells: [String: LeaderboardCell]
        /// Columns whose cell holds the column's best value.
        public let best: Set<String>
        /// Unweighted mean of the columns' values; nil unless every column's cell is comparable.
        public let average: Double?
        public let bestAverage: Bool
    }

    public let columns: [String]
    public let rows: [Row]
    /// Whether the table has the average column.
    public let hasAverage: Bool
    /// Columns whose metric is lower-is-better (marked ↓, left out of the average).
    public let lowerIsBetter: Set<String>

    /// `withAverage` asks for the average column (shown with two columns or more); `anchors`
    /// maps a group column to the section its cell links to (its per-task or per-category table).
    public init(
        entries: [LeaderboardEntry], catalog: LeaderboardCatalog, methodOrder: [String], withAverage: Bool,
        anchors: [String: String] = [:]
    ) {
        var byRow: [LeaderboardRowKey: [String: [LeaderboardEntry]]] = [:]
        for entry in entries { byRow[entry.row, default: [:]][catalog.benchmark(of: entry.task), default: []].append(entry) }
        let columns = LeaderboardCatalog.ordered(Set(byRow.values.flatMap(\.keys)))
        var cellRows: [(LeaderboardRowKey, [String: LeaderboardCell])] = []
        for key in LeaderboardRowKey.sorted(byRow.keys, methodOrder: methodOrder) {
            var cells: [String: LeaderboardCell] = [:]
            for (column, members) in byRow[key]! {
                let isGroup = catalog.groups[column] != nil
                let total = isGroup ? catalog.leaves(of: column).count : 1
                cells[column] = LeaderboardCell(
                    members: members, total: total, link: isGroup ? anchors[column] : members.first?.file.path)
            }
            cellRows.append((key, cells))
        }
        // The best per column and metric: official exact match and lm-eval accuracy of the
        // same task are different measurements, each has its own best.
        var bestShown: [String: Double] = [:]
        for (_, cells) in cellRows {
            for (column, cell) in cells where cell.comparable {
                let id = column + "\u{1}" + cell.metric
                bestShown[id] = max(bestShown[id] ?? -.infinity, cell.bestKey)
            }
        }
        // A lower-is-better column (toxicity) would pull an average of accuracies the wrong way.
        let lower = Set(columns.filter { column in cellRows.contains { $0.1[column]?.lowerIsBetter == true } })
        let averaged = columns.filter { !lower.contains($0) }
        // With one column the average would only repeat it.
        let showAverage = withAverage && averaged.count > 1
        let averages = cellRows.map { _, cells -> Double? in
            guard showAverage else { return nil }
            let values = averaged.compactMap { cells[$0] }.filter(\.comparable).map(\.score.value)
            return values.count == averaged.count ? values.reduce(0, +) / Double(values.count) : nil
        }
        // Averages compare between rows whose columns hold the same metrics (not an official
        // exact match against lm-eval's accuracy).
        func metrics(_ cells: [String: LeaderboardCell]) -> String { averaged.map { cells[$0]?.metric ?? "" }.joined(separator: ",") }
        var bestAverage: [String: Double] = [:]
        for ((_, cells), average) in zip(cellRows, averages) {
            if let average { bestAverage[metrics(cells)] = max(bestAverage[metrics(cells)] ?? -.infinity, LeaderboardCell.shown(average)) }
        }
        rows = zip(cellRows, averages).map { row, average in
            let (key, cells) = row
            let best = Set(
                cells.filter { column, cell in
                    cell.comparable && cell.bestKey == bestShown[column + "\u{1}" + cell.metric]
                }.keys)
            return Row(
                key: key, cells: cells, best: best, average: average,
                bestAverage: average.map { LeaderboardCell.shown($0) == bestAverage[metrics(cells)] } ?? false)
        }
        self.columns = columns
        hasAverage = showAverage
        lowerIsBetter = lower
    }
}

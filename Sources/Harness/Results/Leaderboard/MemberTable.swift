/// A group of tasks shown task by task (XCOPA's languages): a row per task, a column per
/// model × method row of the main table that has any of them, the group's aggregate last.
/// The best of each row is bold.
public struct MemberTable: Sendable {
    public struct Row: Sendable {
        /// A task name, or the group's for the aggregate row.
        public let name: String
        public let cells: [LeaderboardRowKey: LeaderboardCell]
        public let best: Set<LeaderboardRowKey>
    }

    public let group: String
    public let columns: [LeaderboardRowKey]
    /// The tasks in name order, then the group's aggregate.
    public let rows: [Row]

    public init?(group: String, entries: [LeaderboardEntry], catalog: LeaderboardCatalog, methodOrder: [String]) {
        let tasks = catalog.leaves(of: group)
        let members = entries.filter { tasks.contains($0.task) }
        guard !members.isEmpty else { return nil }
        let byColumn = Dictionary(grouping: members, by: \.row)
        columns = LeaderboardRowKey.sorted(byColumn.keys, methodOrder: methodOrder)
        var rows: [Row] = []
        for task in tasks {
            var cells: [LeaderboardRowKey: LeaderboardCell] = [:]
            for (key, entries) in byColumn {
                let own = entries.filter { $0.task == task }
                cells[key] = LeaderboardCell(members: own, total: 1, link: own.first?.file.path)
            }
            rows.append(Self.row(name: task, cells: cells))
        }
        let aggregates = byColumn.compactMapValues { LeaderboardCell(members: $0, total: tasks.count, link: nil) }
        rows.append(Self.row(name: group, cells: aggregates))
        self.group = group
        self.rows = rows
    }

    /// Bold goes to the best comparable cell of the row, per metric.
    static func row(name: String, cells: [LeaderboardRowKey: LeaderboardCell]) -> Row {
        var bestShown: [String: Double] = [:]
        for cell in cells.values where cell.comparable {
            bestShown[cell.metric] = max(bestShown[cell.metric] ?? -.infinity, cell.bestKey)
        }
        let best = cells.filter { _, cell in cell.comparable && cell.bestKey == bestShown[cell.metric] }
        return Row(name: name, cells: cells, best: Set(best.keys))
    }
}

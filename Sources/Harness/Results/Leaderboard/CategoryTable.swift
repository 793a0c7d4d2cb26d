/// A group of groups shown category by category (MMLU's STEM, humanities, social sciences
/// and other, then MMLU itself), each method next to its *paired* baseline: the baseline
/// scored in the same batches on the same questions. Methods may be scored on the first N
/// questions of each subject while the baseline row covers them all, so comparing a method
/// with the baseline row would mix the method's effect with the subset's difficulty; the
/// paired baseline does not.
public struct CategoryTable: Sendable {
    public struct Row: Sendable {
        public let key: LeaderboardRowKey
        /// A subgroup (category) or the group itself, last.
        public let category: String
        public let cell: LeaderboardCell
    }

    public let group: String
    /// The categories in the card's order, then the group.
    public let categories: [String]
    public let rows: [Row]

    public init?(group: String, entries: [LeaderboardEntry], catalog: LeaderboardCatalog, methodOrder: [String]) {
        let categories = catalog.subgroups(of: group) + [group]
        let tasks = Set(catalog.leaves(of: group))
        let byRow = Dictionary(grouping: entries.filter { tasks.contains($0.task) }, by: \.row)
        guard !byRow.isEmpty else { return nil }
        var rows: [Row] = []
        for key in LeaderboardRowKey.sorted(byRow.keys, methodOrder: methodOrder) {
            for category in categories {
                let leaves = catalog.leaves(of: category)
                let members = byRow[key]!.filter { leaves.contains($0.task) }
                guard let cell = LeaderboardCell(members: members, total: leaves.count, link: nil) else { continue }
                rows.append(Row(key: key, category: category, cell: cell))
            }
        }
        self.group = group
        self.categories = categories
        self.rows = rows
    }
}

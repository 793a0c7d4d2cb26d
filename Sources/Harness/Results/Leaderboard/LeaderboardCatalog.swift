import Foundation

/// What the task cards tell the leaderboard: which split of a task is its test split, which is
/// the whole dev set scored only for comparison with published numbers, and which tasks form
/// groups (MMLU's categories of subjects, XCOPA's languages). Built from the cards rather than
/// hard-coded, so a new task or group shows up without touching the tables.
public struct LeaderboardCatalog: Sendable {
    /// Where a results file's split puts it.
    public enum SplitKind: String, Sendable {
        /// A test split: the main table.
        case test
        /// A test-role split that shares documents with the pairs and validation splits (the
        /// cards' whole `dev` set): only the baseline is scored on it, to compare with
        /// published numbers, so it gets its own table.
        case wholeDev
        /// Pairs, validation or few-shot splits: not reported.
        case other
    }

    /// The benchmarks that open the main table, in this order; the rest follow by name.
    public static let leadingBenchmarks = ["copa", "storycloze_2016", "mmlu", "boolq", "xcopa", "winogrande", "sst2", "rte"]

    /// Splits by task name (a card's variants share its splits).
    let splits: [String: [TaskCard.Split]]
    /// Group members as the cards list them (task or group names), globs expanded.
    public let groups: [String: [String]]
    /// Groups no other group contains: one benchmark column each, sorted.
    public let topGroups: [String]
    /// Leaf task → its top-level group (the first by name, should a task be in two).
    let benchmarkByTask: [String: String]

    public init(cards: [TaskCard]) {
        var splits: [String: [TaskCard.Split]] = [:]
        var listed: [String: [String]] = [:]
        for card in cards.sorted(by: { $0.task < $1.task }) {
            for name in card.taskNames { splits[name] = card.splits }
            // The first card naming a group wins, as `--task` expands it.
            listed.merge(card.groups) { first, _ in first }
        }
        let tasks = splits.keys.sorted()
        var groups: [String: [String]] = [:]
        for (name, members) in listed {
            var expanded: [String] = []
            for member in members {
                let matches = listed[member] != nil ? [member] : tasks.filter { fnmatch(member, $0, 0) == 0 }
                for match in matches where !expanded.contains(match) { expanded.append(match) }
            }
            groups[name] = expanded
        }
        self.splits = splits
        self.groups = groups
        let contained = Set(groups.values.joined())
        topGroups = groups.keys.filter { !contained.contains($0) }.sorted()
        var benchmarks: [String: String] = [:]
        for group in topGroups.reversed() {
            for task in Self.leaves(of: group, in: groups) { benchmarks[task] = group }
        }
        benchmarkByTask = benchmarks
    }

    /// Where `split` of `task` belongs. A task no card describes (results of a removed task)
    /// falls back on the split's name: `test` or `dev`.
    public func splitKind(task: String, split name: String) -> SplitKind {
        guard let split = splits[task]?.first(where: { $0.name == name }) else {
            return name == "test" ? .test : name == "dev" ? .wholeDev : .other
        }
        guard split.role == .test else { return .other }
        return split.overlaps || split.name == "dev" ? .wholeDev : .test
    }

    /// The tasks a group stands for, groups of groups flattened (lm-eval aggregates a group of
    /// groups over its leaf tasks directly), sorted by name.
    public func leaves(of group: String) -> [String] { Self.leaves(of: group, in: groups) }

    static func leaves(of group: String, in groups: [String: [String]]) -> [String] {
        var seen: Set<String> = []
        // The depth bound stops a card whose groups contain each other.
        func walk(_ name: String, depth: Int) -> [String] {
            guard let members = groups[name], depth < 8 else { return seen.insert(name).inserted ? [name] : [] }
            return members.flatMap { walk($0, depth: depth + 1) }
        }
        return walk(group, depth: 0).sorted()
    }

    /// A group's members that are groups themselves, in the card's order (MMLU's categories).
    public func subgroups(of group: String) -> [String] {
        (groups[group] ?? []).filter { groups[$0] != nil }
    }

    /// The main table's column a task is counted in: its top-level group, or the task itself.
    public func benchmark(of task: String) -> String { benchmarkByTask[task] ?? task }

    /// Benchmark names in table order: the leading ones, then the rest by name.
    public static func ordered(_ benchmarks: Set<String>) -> [String] {
        leadingBenchmarks.filter(benchmarks.contains) + benchmarks.subtracting(leadingBenchmarks).sorted()
    }
}

import Foundation

/// The file names the leaderboard writes into the results folder it describes.
public enum LeaderboardFiles {
    public static let markdown = "LEADERBOARD.md"
    public static let csv = "LEADERBOARD.csv"
    public static let json = "LEADERBOARD.json"
    /// What earlier versions wrote; `write` removes it so a folder holds one leaderboard.
    static let former = "leaderboard.md"
}

/// Every results file under a folder, selected (`LeaderboardSelection`) and laid out as the
/// tables a reader of a steering paper looks for: the main table of test scores, each group of
/// tasks task by task (XCOPA), each group of groups category by category against paired
/// baselines (MMLU), and the whole-dev baselines. Rendered as Markdown, CSV and JSON, with
/// no timestamps, so regenerating from the same files gives the same bytes.
public struct Leaderboard: Sendable {
    public let selection: LeaderboardSelection
    public let main: BenchmarkTable
    public let wholeDev: BenchmarkTable
    public let memberTables: [MemberTable]
    public let categoryTables: [CategoryTable]
    public let methodOrder: [String]

    /// `methodOrder` orders methods within a model and protocol (after the baseline).
    public init(files: [ResultFile], catalog: LeaderboardCatalog, methodOrder: [String], includePartial: Bool = false) {
        selection = LeaderboardSelection(files: files, catalog: catalog, includePartial: includePartial)
        self.methodOrder = methodOrder
        let test = selection.entries.filter { $0.kind == .test }
        // A top-level group with categories gets a category table; one of tasks a task table.
        categoryTables = catalog.topGroups.filter { !catalog.subgroups(of: $0).isEmpty }.compactMap {
            CategoryTable(group: $0, entries: test, catalog: catalog, methodOrder: methodOrder)
        }
        memberTables = catalog.topGroups.filter { catalog.subgroups(of: $0).isEmpty }.compactMap {
            MemberTable(group: $0, entries: test, catalog: catalog, methodOrder: methodOrder)
        }
        var anchors: [String: String] = [:]
        for table in memberTables { anchors[table.group] = "#" + Self.anchor(Self.memberHeading(table.group)) }
        for table in categoryTables { anchors[table.group] = "#" + Self.anchor(Self.categoryHeading(table.group)) }
        main = BenchmarkTable(entries: test, catalog: catalog, methodOrder: methodOrder, withAverage: true, anchors: anchors)
        wholeDev = BenchmarkTable(
            entries: selection.entries.filter { $0.kind == .wholeDev }, catalog: catalog, methodOrder: methodOrder,
            withAverage: false)
    }

    /// The results files the tables use, in row order then task order (the CSV's rows).
    public var usedEntries: [LeaderboardEntry] {
        let order = LeaderboardRowKey.sorted(Set(selection.entries.map(\.row)), methodOrder: methodOrder)
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return selection.entries.sorted {
            (rank[$0.row]!, $0.kind.rawValue, $0.task) < (rank[$1.row]!, $1.kind.rawValue, $1.task)
        }
    }

    static let mainHeading = "Test splits"
    static let wholeDevHeading = "Whole dev set (for comparison with published numbers)"
    static func memberHeading(_ group: String) -> String { "\(group) per task" }
    static func categoryHeading(_ group: String) -> String { "\(group) per category" }

    /// GitHub's anchor for a heading: lower case, punctuation other than - and _ dropped,
    /// spaces as hyphens.
    static func anchor(_ heading: String) -> String {
        String(
            heading.lowercased().compactMap { c -> Character? in
                c == " " ? "-" : c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
            })
    }

    /// Reads every results file under `directory` and writes LEADERBOARD.md, .csv and .json
    /// beside them (each atomically), replacing an old lower-case leaderboard.md.
    @discardableResult
    /// Reads the folder and writes its leaderboard under a lock, so two runs finishing at
    /// once cannot each write a board listed before the other's results existed.
    public static func regenerate(directory: String, catalog: LeaderboardCatalog, methodOrder: [String]) throws -> Leaderboard {
        _ = try ResultsFolder.collect(directory: directory)  // a missing folder is an error before any lock file
        return try FileLock.withLock((directory as NSString).appendingPathComponent(".leaderboard.lock")) {
            let board = Leaderboard(files: try ResultsFolder.collect(directory: directory), catalog: catalog, methodOrder: methodOrder)
            try board.write(directory: directory)
            return board
        }
    }

    public func write(directory: String) throws {
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        // Removed first: on a case-insensitive file system it is the same file as the new one.
        let former = path(LeaderboardFiles.former)
        if let text = try? String(contentsOfFile: former, encoding: .utf8), text.hasPrefix("| model | method |") {
            try? FileManager.default.removeItem(atPath: former)
        }
        try AtomicFile.write(Data(markdown().utf8), to: path(LeaderboardFiles.markdown))
        try AtomicFile.write(Data(csv().utf8), to: path(LeaderboardFiles.csv))
        try AtomicFile.write(try json(), to: path(LeaderboardFiles.json))
    }
}

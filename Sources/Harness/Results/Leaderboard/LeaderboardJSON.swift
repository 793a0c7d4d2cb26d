import Foundation

/// LEADERBOARD.json: the CSV's rows as objects, plus every table as computed (aggregates,
/// coverage, limits, paired baselines, which cells are best), so a script can use the
/// figures the Markdown shows without recomputing them. Values are fractions, not percent;
/// unknown numbers (a standard error of one document) are absent rather than NaN.
extension Leaderboard {
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(LeaderboardJSON(self))
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

struct LeaderboardJSON: Encodable {
    struct Metric: Encodable {
        let value: Double?
        let stderr: Double?
        let n: Int

        init(_ m: MetricValue) {
            value = m.value.isFinite ? m.value : nil
            stderr = m.stderr.isFinite ? m.stderr : nil
            n = m.count
        }
    }

    struct Cell: Encodable {
        let metric: String
        let score: Metric
        let covered: Int
        let total: Int
        let limits: [Int]
        let pairedBaseline: Metric?
        let difference: Metric?
        let mcnemarP: Double?
        let best: Bool
        let files: [String]

        init(_ cell: LeaderboardCell, best: Bool) {
            metric = cell.metric
            score = Metric(cell.score)
            covered = cell.covered
            total = cell.total
            limits = cell.limits
            pairedBaseline = cell.pairedBaseline.map(Metric.init)
            difference = cell.difference.map(Metric.init)
            mcnemarP = cell.mcnemarP
            self.best = best
            files = cell.members.map(\.file.path)
        }

        enum CodingKeys: String, CodingKey {
            case metric, score, covered, total, limits, difference, best, files
            case pairedBaseline = "paired_baseline", mcnemarP = "mcnemar_p"
        }
    }

    struct BenchmarkRow: Encodable {
        let row: LeaderboardRowKey
        let label: String
        let cells: [String: Cell]
        let average: Double?
    }

    struct Benchmarks: Encodable {
        let columns: [String]
        let rows: [BenchmarkRow]

        init(_ table: BenchmarkTable) {
            columns = table.columns
            rows = table.rows.map { row in
                BenchmarkRow(
                    row: row.key, label: row.key.label,
                    cells: Dictionary(uniqueKeysWithValues: row.cells.map { ($0, Cell($1, best: row.best.contains($0))) }),
                    average: row.average)
            }
        }
    }

    struct MemberRow: Encodable {
        let task: String
        let aggregate: Bool
        /// By the column's label (with the model when several models are present).
        let cells: [String: Cell]
    }

    struct Members: Encodable {
        let group: String
        let columns: [LeaderboardRowKey]
        let rows: [MemberRow]
    }

    struct CategoryRow: Encodable {
        let row: LeaderboardRowKey
        let label: String
        let category: String
        let cell: Cell
    }

    struct Categories: Encodable {
        let group: String
        let categories: [String]
        let rows: [CategoryRow]
    }

    struct Tables: Encodable {
        let main: Benchmarks
        let wholeDev: Benchmarks
        let perTask: [Members]
        let perCategory: [Categories]

        enum CodingKeys: String, CodingKey {
            case main
            case wholeDev = "whole_dev", perTask = "per_task", perCategory = "per_category"
        }
    }

    let rows: [LeaderboardCSVRow]
    let tables: Tables
    /// Files left out, by reason.
    let excluded: [String: Int]

    init(_ board: Leaderboard) {
        rows = board.csvRows
        let perTask = board.memberTables.map { table in
            let withModel = Set(table.columns.map(\.model)).count > 1
            return Members(
                group: table.group, columns: table.columns,
                rows: table.rows.map { row in
                    MemberRow(
                        task: row.name, aggregate: row.name == table.group,
                        cells: row.cells.reduce(into: [:]) { cells, pair in
                            cells[MarkdownCellText.name(pair.key, withModel: withModel)] = Cell(
                                pair.value, best: row.best.contains(pair.key))
                        })
                })
        }
        let perCategory = board.categoryTables.map { table in
            Categories(
                group: table.group, categories: table.categories,
                rows: table.rows.map {
                    CategoryRow(row: $0.key, label: $0.key.label, category: $0.category, cell: Cell($0.cell, best: false))
                })
        }
        tables = Tables(main: Benchmarks(board.main), wholeDev: Benchmarks(board.wholeDev), perTask: perTask, perCategory: perCategory)
        excluded = board.selection.excluded.reduce(into: [:]) { $0[String(describing: $1.key)] = $1.value }
    }
}

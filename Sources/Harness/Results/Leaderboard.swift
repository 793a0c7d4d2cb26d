import Foundation

/// A Markdown table of every results file under a folder: a row per model × method, a
/// column per task and metric, cells "value ± stderr" in percent.
public enum Leaderboard {
    public static func collect(directory: String) throws -> [RunResult] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw HarnessError.invalidInput("cannot read the results folder \(directory); pass an existing folder")
        }
        var results: [RunResult] = []
        for case let relative as String in walker where relative.hasSuffix(".json") {
            let path = (directory as NSString).appendingPathComponent(relative)
            // Other JSON files (sweeps, interventions) live beside results: keep only results.
            guard let data = FileManager.default.contents(atPath: path),
                let result = try? JSONDecoder().decode(RunResult.self, from: data)
            else { continue }
            results.append(result)
        }
        return results.sorted { ($0.model.name, $0.method, $0.task) < ($1.model.name, $1.method, $1.task) }
    }

    public static func markdown(_ results: [RunResult]) -> String {
        var columns: [(task: String, metric: String)] = []
        for r in results {
            for m in r.metricOrder where !columns.contains(where: { $0 == (r.task, m) }) { columns.append((r.task, m)) }
        }
        columns.sort { ($0.task, $0.metric) < ($1.task, $1.metric) }
        var rows: [String: [String: RunResult]] = [:]
        var order: [String] = []
        for r in results {
            let protocolName = r.configuration["protocol"].map { $0 == "harness" ? "" : " (\($0))" } ?? ""
            let key = r.model.name + "\u{1}" + r.method + protocolName
            if rows[key] == nil { order.append(key) }
            rows[key, default: [:]][r.task] = r
        }
        var lines = [
            "| model | method | " + columns.map { "\($0.task) \($0.metric)" }.joined(separator: " | ") + " |",
            "|---|---|" + columns.map { _ in "---:|" }.joined(),
        ]
        for key in order {
            let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false)
            let cells = columns.map { column -> String in
                guard let m = rows[key]?[column.task]?.metrics[column.metric] else { return "" }
                return String(format: "%.1f ± %.1f", m.value * 100, m.stderr * 100)
            }
            lines.append("| \(parts[0]) | \(parts[1]) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

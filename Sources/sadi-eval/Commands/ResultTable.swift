import Foundation
import Harness
import Interventions
import TaskRegistry

/// How a finished run is shown: a small Markdown table on stdout, and the leaderboard files.
enum ResultTable {
    static func markdown(_ r: RunResult) -> String {
        var lines = [
            "| task | split | method | metric | value | stderr | n | Δ vs baseline | 95% CI | McNemar p |",
            "|---|---|---|---|---:|---:|---:|---:|---|---:|",
        ]
        for name in r.metricOrder {
            guard let m = r.metrics[name] else { continue }
            var row =
                "| \(r.task) | \(r.split) | \(r.method) | \(name)\(r.isLowerBetter(name) ? " ↓" : "") | \(String(format: "%.4f", m.value)) | \(m.stderr.isFinite ? String(format: "%.4f", m.stderr) : "—") | \(m.count) |"
            if let c = r.comparisons?[name] {
                row += String(
                    format: " %+.4f | [%+.4f, %+.4f] | %@ |", c.difference, c.interval.lower, c.interval.upper,
                    c.pValue.map { String(format: "%.3g", $0) } ?? "—")
            } else {
                row += " | | |"
            }
            lines.append(row)
        }
        lines.append("")
        if let lower = r.lowerIsBetter, !lower.isEmpty {
            lines.append("↓ lower is better (\(lower.joined(separator: ", "))): a negative Δ vs baseline is an improvement.")
        }
        lines.append(
            String(
                format: "%@ · %d items · %.1f s · %.0f tokens/s%@ · model %@ (sha256 %@…)",
                r.prompt, r.items, r.wallSeconds, r.tokensPerSecond,
                r.decodeTokensPerSecond.map { String(format: " (decoding %.0f tokens/s)", $0) } ?? "", r.model.file,
                String(r.model.sha256.prefix(12))))
        return lines.joined(separator: "\n")
    }

    /// Rewrites LEADERBOARD.md, .csv and .json in <output> from every results file under it;
    /// the task cards say which splits are test splits and which tasks form groups.
    @discardableResult
    static func writeLeaderboard(outputDirectory: String, registry: TaskRegistry) throws -> Leaderboard {
        let catalog = LeaderboardCatalog(cards: try registry.loadedPlugins().map(\.card))
        return try Leaderboard.regenerate(directory: outputDirectory, catalog: catalog, methodOrder: MethodRegistry.standard.names)
    }
}

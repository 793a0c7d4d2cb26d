import Foundation

/// One task's methods side by side, the way a paper's main table reads: per model, protocol
/// and method, the K and strength that were used and how they were chosen, the protocol's
/// first metric ± standard error, the paired difference to the baseline on the same items
/// with its 95% interval and McNemar p-value, and the run's wall time (fitting, the
/// validation search and scoring the split).
public enum MethodComparisonTable {
    /// `methodOrder` orders the rows within a protocol (unknown methods go last, by name).
    public static func markdown(_ results: [RunResult], task: String, methodOrder: [String]) -> String {
        let rows = results.filter { $0.task == task }.sorted { a, b in
            let order = { (r: RunResult) in methodOrder.firstIndex(of: r.method) ?? methodOrder.count }
            return (a.model.name, protocolName(a), order(a), a.method) < (b.model.name, protocolName(b), order(b), b.method)
        }
        var lines = [
            "| model | protocol | method | K | strength | chosen by | metric | score | Δ vs baseline [95% CI] | McNemar p | wall time |",
            "|---|---|---|---:|---:|---|---|---:|---|---:|---:|",
        ]
        for r in rows {
            guard let metric = r.metricOrder.first, let value = r.metrics[metric] else { continue }
            let k = r.configuration["k"] ?? "—"
            let strength = r.configuration["strength"].flatMap(Double.init).map { String(format: "%g", $0) } ?? "—"
            let comparison = r.comparisons?[metric]
            let difference =
                comparison.map {
                    String(format: "%+.1f [%+.1f, %+.1f]", $0.difference * 100, $0.interval.lower * 100, $0.interval.upper * 100)
                } ?? "—"
            let p = comparison?.pValue.map { String(format: "%.2g", $0) } ?? "—"
            let cells = [
                r.model.name, protocolName(r), r.method, k, strength, chosenBy(r), metric,
                String(format: "%.1f ± %.1f", value.value * 100, value.stderr * 100), difference, p, duration(wallTime(r)),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func protocolName(_ r: RunResult) -> String { r.configuration["protocol"] ?? "harness" }

    static func chosenBy(_ r: RunResult) -> String {
        guard r.method != "baseline" else { return "—" }
        if let score = r.configuration["validation_score"].flatMap(Double.init) {
            return String(format: "validation (%.1f)", score * 100)
        }
        return r.configuration["chosen_by"] ?? "—"
    }

    static func wallTime(_ r: RunResult) -> Double {
        r.wallSeconds + ["fit_seconds", "selection_seconds"].compactMap { r.configuration[$0].flatMap(Double.init) }.reduce(0, +)
    }

    /// "35 s", "6 min 34 s".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }
}

import Foundation

/// How leaderboard cells read in Markdown, shared by its tables: "68.8 ± 2.1" linked to its
/// results file, "(40/57)" when a group is partly covered, "†" when scored on a subset, bold
/// when best; and the footnote that says what a † cell was scored on and how its paired
/// baseline did on the same documents.
enum MarkdownCellText {
    static func cell(_ cell: LeaderboardCell?, best: Bool) -> String {
        guard let cell else { return "" }
        var text = LeaderboardCell.percent(cell.score)
        if !cell.complete { text += " (\(cell.covered)/\(cell.total))" }
        if !cell.wholeSplit { text += " †" }
        if let link = cell.link { text = "[\(text)](\(linkTarget(link)))" }
        return best ? "**\(text)**" : text
    }

    /// A relative path with anything but unreserved characters percent-encoded, so names with
    /// spaces or parentheses still make a working link; anchors pass unchanged.
    static func linkTarget(_ path: String) -> String {
        guard !path.hasPrefix("#") else { return path }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// "† sadi-head, mmlu: scored on the first 20 documents per task (57/57 tasks, 1140
    /// documents); its paired baseline on the same documents: 29.9 ± 1.4; Δ +1.3 ± 0.9,
    /// McNemar p = 0.21." `who` names the row (and the model when a table has several).
    static func footnote(_ cell: LeaderboardCell, who: String, what: String) -> String? {
        guard let limit = cell.limitDescription else { return nil }
        var text = "† \(escape(who)), \(what): scored on the \(limit)"
        text += cell.total > 1 ? " (\(cell.covered)/\(cell.total) tasks, \(cell.score.count) documents)" : ""
        if let baseline = cell.pairedBaseline {
            text += "; its paired baseline on the same documents: \(LeaderboardCell.percent(baseline))"
            if let difference = cell.difference {
                text += "; Δ " + signedPercent(difference) + (cell.lowerIsBetter ? " (lower is better)" : "")
            }
            if let p = cell.mcnemarP { text += String(format: ", McNemar p = %.2g", p) }
        }
        return text + "."
    }

    /// "+1.3 ± 0.9" in percentage points.
    static func signedPercent(_ value: MetricValue) -> String {
        value.stderr.isFinite
            ? String(format: "%+.1f ± %.1f", value.value * 100, value.stderr * 100) : String(format: "%+.1f", value.value * 100)
    }

    /// A row's name in text: its label, with the model when the table holds several.
    static func name(_ key: LeaderboardRowKey, withModel: Bool) -> String {
        withModel ? "\(key.model) · \(key.label)" : key.label
    }
}

import Foundation

/// A sweep's results as a grid: one row per K, one column per δ (or any two settings), a
/// value per cell or none where that setting was not run. Rendered as a Markdown table
/// here and as an SVG heatmap by `Heatmap`.
public struct GridTable: Codable, Sendable, Equatable {
    public var title: String
    /// Axis names, e.g. "K" and "δ".
    public var rowName: String
    public var columnName: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// values[row][column]; nil where the cell is missing.
    public var values: [[Double?]]
    /// Whether a larger value is better (accuracy) or worse (toxicity).
    public var higherIsBetter: Bool
    /// Digits after the decimal point in rendered cells, after multiplying by `scale`
    /// (e.g. 100 and 1 to show accuracies as percentages).
    public var decimals: Int
    public var scale: Double

    public init(
        title: String, rowName: String, columnName: String, rowLabels: [String], columnLabels: [String],
        values: [[Double?]], higherIsBetter: Bool = true, decimals: Int = 3, scale: Double = 1
    ) throws {
        guard values.count == rowLabels.count, values.allSatisfy({ $0.count == columnLabels.count }) else {
            throw HarnessError.invalidInput(
                "a grid with \(rowLabels.count) row labels and \(columnLabels.count) column labels needs that many rows and columns of values; got rows of \(values.map(\.count))"
            )
        }
        guard decimals >= 0, scale.isFinite, scale != 0 else {
            throw HarnessError.invalidInput("a grid needs decimals ≥ 0 and a finite non-zero scale, got \(decimals) and \(scale)")
        }
        self.title = title
        self.rowName = rowName
        self.columnName = columnName
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.higherIsBetter = higherIsBetter
        self.decimals = decimals
        self.scale = scale
    }

    /// The present values that are finite.
    var presentValues: [Double] { values.flatMap { $0.compactMap { $0 } }.filter(\.isFinite) }

    /// The best present value (nil when no cell has one).
    public var best: Double? {
        higherIsBetter ? presentValues.max() : presentValues.min()
    }

    /// A cell as it is printed: scaled, fixed decimals; "—" when missing, "failed" when the
    /// configuration gave non-finite log-probabilities.
    public func formatted(_ value: Double?) -> String {
        guard let value else { return "—" }
        guard value.isFinite else { return "failed" }
        return String(format: "%.\(decimals)f", value * scale)
    }

    /// The grid as a GitHub-flavoured Markdown table; every cell holding the best value is
    /// bold (ties are all bold: no cell is better than another it equals).
    public func markdown() -> String {
        let best = self.best
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var lines: [String] = []
        if !title.isEmpty {
            lines.append("**\(escape(title))**")
            lines.append("")
        }
        lines.append("| \(escape(rowName)) \\ \(escape(columnName)) | " + columnLabels.map(escape).joined(separator: " | ") + " |")
        lines.append("|---|" + String(repeating: "---:|", count: columnLabels.count))
        for (label, row) in zip(rowLabels, values) {
            let cells = row.map { value -> String in
                let text = formatted(value)
                return value != nil && value == best ? "**\(text)**" : text
            }
            lines.append("| \(escape(label)) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import Foundation

/// Renders a `GridTable` as a standalone SVG heatmap: a title, the column labels on top
/// under the column axis name, the row labels on the left beside the row axis name, one
/// rectangle per cell with its number in it, and a colour bar. Colours run from light
/// (worst) to dark (best), so the best setting stands out whichever way is better; missing
/// cells are pale grey with a dash.
public enum Heatmap {
    static let cellWidth = 72
    static let cellHeight = 36
    static let missingFill = "#eeeeee"
    /// End points of the colour scale (ColorBrewer "Blues" 9-class, first and last).
    static let lightest: (Double, Double, Double) = (247, 251, 255)
    static let darkest: (Double, Double, Double) = (8, 48, 107)

    public static func svg(_ grid: GridTable) -> String {
        let labelWidth = max(48, 8 * (grid.rowLabels.map(\.count).max() ?? 0) + 16)
        let left = 28 + labelWidth
        let top = 80
        let gridWidth = grid.columnLabels.count * cellWidth
        let gridHeight = grid.rowLabels.count * cellHeight
        // Wide enough for the title too (about 9 px a character at 15 px bold).
        let width = max(left + gridWidth + 120, 9 * grid.title.count + 40)
        let height = top + gridHeight + 24
        let present = grid.presentValues
        let low = present.min()
        let high = present.max()

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        out += "<title>\(escape(grid.title))</title>\n"
        out += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        out +=
            "<text class=\"title\" x=\"\(width / 2)\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(grid.title))</text>\n"
        out +=
            "<text class=\"axis column-axis\" x=\"\(left + gridWidth / 2)\" y=\"48\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(grid.columnName))</text>\n"
        let axisY = top + gridHeight / 2
        out +=
            "<text class=\"axis row-axis\" x=\"16\" y=\"\(axisY)\" text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 16 \(axisY))\">\(escape(grid.rowName))</text>\n"
        for (j, label) in grid.columnLabels.enumerated() {
            out +=
                "<text class=\"column-label\" x=\"\(left + j * cellWidth + cellWidth / 2)\" y=\"\(top - 10)\" text-anchor=\"middle\">\(escape(label))</text>\n"
        }
        for (i, label) in grid.rowLabels.enumerated() {
            out +=
                "<text class=\"row-label\" x=\"\(left - 8)\" y=\"\(top + i * cellHeight + cellHeight / 2 + 4)\" text-anchor=\"end\">\(escape(label))</text>\n"
        }
        for (i, row) in grid.values.enumerated() {
            for (j, value) in row.enumerated() {
                let x = left + j * cellWidth
                let y = top + i * cellHeight
                let fill: String
                var ink = "#000000"
                var data = ""
                if let value, value.isFinite, let low, let high {
                    let t = position(value, low: low, high: high, higherIsBetter: grid.higherIsBetter)
                    fill = colour(t)
                    if t > 0.55 { ink = "#ffffff" }
                    data = " data-value=\"\(value)\""
                } else {
                    fill = missingFill
                }
                let text = grid.formatted(value)
                out += "<g class=\"cell\" data-row=\"\(i)\" data-column=\"\(j)\"\(data)>"
                out +=
                    "<title>\(escape("\(grid.rowName) = \(grid.rowLabels[i]), \(grid.columnName) = \(grid.columnLabels[j]): \(text)"))</title>"
                out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" fill=\"\(fill)\" stroke=\"#ffffff\"/>"
                out +=
                    "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + cellHeight / 2 + 4)\" text-anchor=\"middle\" fill=\"\(ink)\">\(escape(text))</text>"
                out += "</g>\n"
            }
        }
        if let low, let high {
            out += legend(x: left + gridWidth + 24, y: top, height: max(gridHeight, 60), grid: grid, low: low, high: high)
        }
        out += "</svg>\n"
        return out
    }

    /// Writes the SVG atomically.
    public static func write(_ grid: GridTable, to path: String) throws {
        try AtomicFile.write(Data(svg(grid).utf8), to: path)
    }

    /// 0 for the worst present value, 1 for the best; 0.5 when all are equal.
    static func position(_ value: Double, low: Double, high: Double, higherIsBetter: Bool) -> Double {
        guard high > low else { return 0.5 }
        let t = (value - low) / (high - low)
        return higherIsBetter ? t : 1 - t
    }

    /// Linear interpolation from `lightest` (t = 0) to `darkest` (t = 1), as #rrggbb.
    static func colour(_ t: Double) -> String {
        let t = min(max(t, 0), 1)
        func channel(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        let r = channel(lightest.0, darkest.0)
        let g = channel(lightest.1, darkest.1)
        let b = channel(lightest.2, darkest.2)
        return String(format: "#%02x%02x%02x", r, g, b)
    }

    /// A vertical colour bar, best at the top, labelled with the extreme values.
    static func legend(x: Int, y: Int, height: Int, grid: GridTable, low: Double, high: Double) -> String {
        let steps = 10
        let stepHeight = Double(height) / Double(steps)
        var out = "<g class=\"legend\">\n"
        for s in 0..<steps {
            let t = 1 - (Double(s) + 0.5) / Double(steps)
            let top = Double(y) + Double(s) * stepHeight
            out +=
                "<rect x=\"\(x)\" y=\"\(String(format: "%.2f", top))\" width=\"16\" height=\"\(String(format: "%.2f", stepHeight + 0.5))\" fill=\"\(colour(t))\"/>\n"
        }
        let (bestValue, worstValue) = grid.higherIsBetter ? (high, low) : (low, high)
        out += "<text x=\"\(x + 22)\" y=\"\(y + 10)\">\(escape(grid.formatted(bestValue)))</text>\n"
        out += "<text x=\"\(x + 22)\" y=\"\(y + height)\">\(escape(grid.formatted(worstValue)))</text>\n"
        out += "</g>\n"
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // XML 1.0 cannot carry most control characters, even escaped.
            case _ where ch.unicodeScalars.allSatisfy({ $0.value < 0x20 }): out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}

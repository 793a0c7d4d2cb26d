import Foundation

/// A compact SVG heatmap of one or more matrices side by side on one colour scale: small
/// cells without numbers (a value per cell is in its tooltip), some cells outlined, a
/// colour bar with its extremes. `Heatmap` draws a sweep's few dozen cells with their
/// numbers; this draws hundreds (layers × heads, layers × bins of neurons), where numbers
/// would be unreadable and the picture is the point.
///
/// Values with both signs get a diverging scale centred on zero (blue below, red above, the
/// same |v| the same strength), so a sign is visible at a glance; values of one sign get
/// `Heatmap`'s light-to-dark blues from zero. Panels share the scale, so the same colour is
/// the same number in each: what a side-by-side comparison needs.
public struct MatrixHeatmap: Sendable {
    /// One matrix: values[row][column] with a tooltip per cell and the cells to outline.
    public struct Panel: Sendable {
        public var title: String
        public var values: [[Double]]
        /// tooltips[row][column], shown on hover after the value; empty for none.
        public var tooltips: [[String]]
        /// (row, column) of cells drawn with a black outline.
        public var outlined: [Cell]

        public init(title: String, values: [[Double]], tooltips: [[String]] = [], outlined: [Cell] = []) {
            self.title = title
            self.values = values
            self.tooltips = tooltips
            self.outlined = outlined
        }
    }

    public struct Cell: Sendable, Hashable {
        public let row: Int
        public let column: Int

        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }
    }

    public var title: String
    /// Lines under the title, separated by newlines (what the values are, what is outlined).
    public var subtitle: String
    public var rowName: String
    public var columnName: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// What the colour bar measures, e.g. "D".
    public var valueName: String
    public var panels: [Panel]
    public var cellWidth: Int
    public var cellHeight: Int
    /// Label every n-th column only (narrow cells cannot hold every label).
    public var columnLabelEvery: Int

    public init(
        title: String, subtitle: String = "", rowName: String, columnName: String, rowLabels: [String],
        columnLabels: [String], valueName: String, panels: [Panel], cellWidth: Int = 16, cellHeight: Int = 12,
        columnLabelEvery: Int = 1
    ) throws {
        guard !panels.isEmpty else { throw HarnessError.invalidInput("a heatmap needs at least one panel") }
        for panel in panels {
            guard panel.values.count == rowLabels.count, panel.values.allSatisfy({ $0.count == columnLabels.count }) else {
                throw HarnessError.invalidInput(
                    "heatmap panel '\(panel.title)' has rows of \(panel.values.map(\.count)) values; it needs \(rowLabels.count) rows of \(columnLabels.count)"
                )
            }
            guard panel.tooltips.isEmpty || panel.tooltips.map(\.count) == panel.values.map(\.count) else {
                throw HarnessError.invalidInput("heatmap panel '\(panel.title)' needs a tooltip per cell or none")
            }
            guard panel.values.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                throw HarnessError.invalidInput("heatmap panel '\(panel.title)' holds a value that is not finite")
            }
        }
        guard cellWidth > 0, cellHeight > 0, columnLabelEvery > 0 else {
            throw HarnessError.invalidInput("heatmap cells and the column label spacing must be positive")
        }
        self.title = title
        self.subtitle = subtitle
        self.rowName = rowName
        self.columnName = columnName
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.valueName = valueName
        self.panels = panels
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.columnLabelEvery = columnLabelEvery
    }

    /// The colour scale over every panel: [−m, m] when values have both signs, else from 0
    /// to the extreme (m = the largest |value|; 1 when all are zero, so nothing divides by 0).
    public var scale: (low: Double, high: Double) {
        let all = panels.flatMap { $0.values.flatMap { $0 } }
        let largest = all.map { abs($0) }.max() ?? 0
        let m = largest > 0 ? largest : 1
        if all.contains(where: { $0 < 0 }) && all.contains(where: { $0 > 0 }) { return (-m, m) }
        return all.contains(where: { $0 < 0 }) ? (-m, 0) : (0, m)
    }

    /// A value's colour on `scale`.
    public func colour(_ value: Double) -> String {
        let (low, high) = scale
        if low < 0 && high > 0 { return Self.diverging(value / high) }
        // One sign: 0 is lightest, the extreme darkest.
        return Heatmap.colour(abs(value) / max(abs(low), abs(high)))
    }

    /// ColorBrewer RdBu's ends and middle: −1 blue, 0 near-white, +1 red.
    static func diverging(_ t: Double) -> String {
        let t = min(max(t, -1), 1)
        let middle: (Double, Double, Double) = (247, 247, 247)
        let end: (Double, Double, Double) = t < 0 ? (33, 102, 172) : (178, 24, 43)
        let u = abs(t)
        func channel(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * u).rounded()) }
        return String(format: "#%02x%02x%02x", channel(middle.0, end.0), channel(middle.1, end.1), channel(middle.2, end.2))
    }

    /// Three significant digits: enough to tell cells apart, short enough for a tooltip.
    public static func format(_ value: Double) -> String { String(format: "%.3g", value) }

    public func svg() -> String {
        let rowLabelWidth = 7 * (rowLabels.map(\.count).max() ?? 0) + 10
        let left = 24 + rowLabelWidth
        let notes = subtitle.isEmpty ? [] : subtitle.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let top = 70 + 16 * notes.count
        let gridWidth = columnLabels.count * cellWidth
        let gridHeight = rowLabels.count * cellHeight
        let gap = 20
        let panelsWidth = panels.count * gridWidth + (panels.count - 1) * gap
        let legendX = left + panelsWidth + 24
        // About 9.5 px a character of the 14 px bold title and 6.3 of 11 px text.
        let textWidth = max(Int(9.5 * Double(title.count)), Int(6.3 * Double(notes.map(\.count).max() ?? 0))) + 24
        let width = max(legendX + 90, textWidth)
        let height = top + gridHeight + 44
        let e = Heatmap.escape

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n"
        out += "<title>\(e(title))</title>\n<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        out += "<text class=\"title\" x=\"12\" y=\"22\" font-size=\"14\" font-weight=\"bold\">\(e(title))</text>\n"
        for (i, line) in notes.enumerated() {
            out += "<text class=\"subtitle\" x=\"12\" y=\"\(40 + 16 * i)\" fill=\"#444444\">\(e(line))</text>\n"
        }
        let axisY = top + gridHeight / 2
        out +=
            "<text class=\"axis row-axis\" x=\"12\" y=\"\(axisY)\" text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 12 \(axisY))\">\(e(rowName))</text>\n"
        for (i, label) in rowLabels.enumerated() {
            out +=
                "<text class=\"row-label\" x=\"\(left - 4)\" y=\"\(top + i * cellHeight + cellHeight - 2)\" text-anchor=\"end\" font-size=\"9\">\(e(label))</text>\n"
        }
        for (p, panel) in panels.enumerated() {
            out += self.panel(panel, x: left + p * (gridWidth + gap), top: top)
        }
        out +=
            "<text class=\"axis column-axis\" x=\"\(left + panelsWidth / 2)\" y=\"\(top + gridHeight + 30)\" text-anchor=\"middle\" font-weight=\"bold\">\(e(columnName))</text>\n"
        out += legend(x: legendX, y: top, height: min(max(gridHeight, 80), 400))
        out += "</svg>\n"
        return out
    }

    private func panel(_ panel: Panel, x left: Int, top: Int) -> String {
        let e = Heatmap.escape
        let gridWidth = columnLabels.count * cellWidth
        var out = "<g class=\"panel\">\n"
        out +=
            "<text class=\"panel-title\" x=\"\(left + gridWidth / 2)\" y=\"\(top - 22)\" text-anchor=\"middle\" font-weight=\"bold\">\(e(panel.title))</text>\n"
        for (j, label) in columnLabels.enumerated() where j % columnLabelEvery == 0 {
            out +=
                "<text class=\"column-label\" x=\"\(left + j * cellWidth + cellWidth / 2)\" y=\"\(top - 5)\" text-anchor=\"middle\" font-size=\"9\">\(e(label))</text>\n"
        }
        for (i, row) in panel.values.enumerated() {
            for (j, value) in row.enumerated() {
                let tip = panel.tooltips.isEmpty ? "" : panel.tooltips[i][j] + ": "
                out +=
                    "<rect x=\"\(left + j * cellWidth)\" y=\"\(top + i * cellHeight)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" fill=\"\(colour(value))\"><title>\(e(tip + Self.format(value)))</title></rect>\n"
            }
        }
        // Outlines after every cell, so no neighbour paints over them.
        for cell in panel.outlined {
            out +=
                "<rect class=\"outlined\" x=\"\(left + cell.column * cellWidth)\" y=\"\(top + cell.row * cellHeight)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n"
        }
        out += "</g>\n"
        return out
    }

    /// A vertical colour bar, the high end at the top, labelled at both ends (and at 0 when
    /// the scale diverges), under the name of the value.
    private func legend(x: Int, y: Int, height: Int) -> String {
        let (low, high) = scale
        let steps = 24
        let step = Double(height) / Double(steps)
        var out = "<g class=\"legend\">\n"
        out += "<text x=\"\(x)\" y=\"\(y - 8)\" font-weight=\"bold\">\(Heatmap.escape(valueName))</text>\n"
        for s in 0..<steps {
            let value = high - (Double(s) + 0.5) / Double(steps) * (high - low)
            out +=
                "<rect x=\"\(x)\" y=\"\(String(format: "%.1f", Double(y) + Double(s) * step))\" width=\"14\" height=\"\(String(format: "%.1f", step + 0.5))\" fill=\"\(colour(value))\"/>\n"
        }
        out += "<text class=\"legend-label\" x=\"\(x + 18)\" y=\"\(y + 9)\">\(Self.format(high))</text>\n"
        if low < 0 && high > 0 { out += "<text class=\"legend-label\" x=\"\(x + 18)\" y=\"\(y + height / 2 + 4)\">0</text>\n" }
        out += "<text class=\"legend-label\" x=\"\(x + 18)\" y=\"\(y + height)\">\(Self.format(low))</text>\n"
        out += "</g>\n"
        return out
    }

    /// Writes the SVG atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(Data(svg().utf8), to: path)
    }
}

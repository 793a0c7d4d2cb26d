import Foundation

/// A grouped bar chart as standalone SVG: one group of bars per row (a language), one bar
/// per series (a method) in the series' colour, with ±1 standard-error whiskers, a y axis in
/// percent from 0 to 100 and a legend. Missing values leave a gap.
public struct BarChart: Sendable {
    public let title: String
    public let groups: [String]
    public let series: [String]
    /// values[group][series], fractions in 0…1.
    public let values: [[Double?]]
    public let errors: [[Double?]]

    public init(title: String, groups: [String], series: [String], values: [[Double?]], errors: [[Double?]]) {
        self.title = title
        self.groups = groups
        self.series = series
        self.values = values
        self.errors = errors
    }

    /// ColorBrewer "Set2", distinguishable in print and by most colour-blind readers.
    static let palette = ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3"]

    public static func svg(_ chart: BarChart) -> String {
        let barWidth = 14
        let groupGap = 18
        let groupWidth = max(1, chart.series.count) * barWidth + groupGap
        let left = 56
        let top = 48
        let plotHeight = 240
        let legendHeight = 18 * chart.series.count + 8
        let width = max(left + chart.groups.count * groupWidth + 24, 9 * chart.title.count + 40)
        let height = top + plotHeight + 56 + legendHeight
        func y(_ fraction: Double) -> Double { Double(top + plotHeight) - min(max(fraction, 0), 1) * Double(plotHeight) }

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        out += "<title>\(escape(chart.title))</title>\n<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        out +=
            "<text x=\"\(width / 2)\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(chart.title))</text>\n"
        for tick in stride(from: 0, through: 100, by: 25) {
            let ty = y(Double(tick) / 100)
            out += String(
                format: "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n", left, ty, width - 16, ty)
            out += String(format: "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n", left - 6, ty + 4, tick)
        }
        for (g, group) in chart.groups.enumerated() {
            let x0 = left + g * groupWidth + groupGap / 2
            for (s, _) in chart.series.enumerated() {
                guard let value = chart.values[g][s], value.isFinite else { continue }
                let x = x0 + s * barWidth
                out += String(
                    format: "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%@\" data-value=\"%.4f\"/>\n", x, y(value),
                    barWidth - 2, Double(top + plotHeight) - y(value), palette[s % palette.count], value)
                if let error = chart.errors[g][s], error.isFinite {
                    let cx = Double(x) + Double(barWidth - 2) / 2
                    out += String(
                        format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333333\"/>\n", cx, y(value - error), cx,
                        y(value + error))
                }
            }
            let labelX = x0 + chart.series.count * barWidth / 2
            out += "<text x=\"\(labelX)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\">\(escape(group))</text>\n"
        }
        for (s, name) in chart.series.enumerated() {
            let ly = top + plotHeight + 40 + 18 * s
            out +=
                "<rect x=\"\(left)\" y=\"\(ly - 10)\" width=\"12\" height=\"12\" fill=\"\(palette[s % palette.count])\"/><text x=\"\(left + 18)\" y=\"\(ly)\">\(escape(name))</text>\n"
        }
        return out + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

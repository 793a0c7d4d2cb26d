import Foundation
import Harness
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Collects what the tests check from the SVG: every cell group's attributes and the fill of
/// its rectangle, and the text of every element by class.
private final class SVGSummary: NSObject, XMLParserDelegate {
    struct Cell {
        var row: Int
        var column: Int
        var value: Double?
        var fill: String = ""
        var text = ""
        var ink = ""
    }
    var root = ""
    var cells: [Cell] = []
    var texts: [String: [String]] = [:]
    private var inCell = false
    private var currentClass: String? = nil
    private var buffer = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root.isEmpty { root = name }
        if name == "g", attributes["class"] == "cell" {
            cells.append(
                Cell(
                    row: Int(attributes["data-row"]!)!, column: Int(attributes["data-column"]!)!,
                    value: attributes["data-value"].flatMap(Double.init)))
            inCell = true
        } else if name == "rect", inCell {
            cells[cells.count - 1].fill = attributes["fill"] ?? ""
        }
        if name == "text" {
            if inCell { cells[cells.count - 1].ink = attributes["fill"] ?? "" }
            currentClass = attributes["class"] ?? (inCell ? "cell-text" : "other")
            buffer = ""
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let cls = currentClass {
            texts[cls, default: []].append(buffer)
            if cls == "cell-text" { cells[cells.count - 1].text = buffer }
            currentClass = nil
        }
        if name == "g" { inCell = false }
    }
}

private func parse(_ svg: String) throws -> SVGSummary {
    let summary = SVGSummary()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = summary
    #expect(parser.parse(), "well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
    return summary
}

/// Relative luminance-like brightness of #rrggbb (Rec. 709 weights).
private func brightness(_ hex: String) -> Double {
    let v = Int(hex.dropFirst(), radix: 16)!
    return 0.2126 * Double(v >> 16) + 0.7152 * Double((v >> 8) & 0xFF) + 0.0722 * Double(v & 0xFF)
}

@Suite struct HeatmapTests {
    @Test func structureLabelsAndNumbers() throws {
        let svg = Heatmap.svg(sweepGrid)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let summary = try parse(svg)
        #expect(summary.root == "svg")
        #expect(summary.cells.count == 9)
        #expect(summary.texts["column-label"] == ["0.5", "1", "2"])
        #expect(summary.texts["row-label"] == ["1", "5", "10"])
        #expect(summary.texts["title"] == ["COPA · SADI-HEAD"])
        #expect(summary.texts["axis row-axis"] == ["K"] && summary.texts["axis column-axis"] == ["δ"])
        let byPosition = Dictionary(uniqueKeysWithValues: summary.cells.map { ("\($0.row),\($0.column)", $0) })
        #expect(byPosition["1,1"]?.text == "65.5" && byPosition["0,0"]?.text == "61.0")
        #expect(byPosition["0,2"]?.text == "—" && byPosition["0,2"]?.value == nil && byPosition["0,2"]?.fill == "#eeeeee")
    }

    /// Higher values are darker: sorting the present cells by value must sort their fills by
    /// brightness the other way; equal values share a colour; the extremes are the scale ends.
    @Test func coloursAreMonotoneInValue() throws {
        let cells = try parse(Heatmap.svg(sweepGrid)).cells.filter { $0.value != nil }.sorted { $0.value! < $1.value! }
        #expect(cells.count == 8)
        for (a, b) in zip(cells, cells.dropFirst()) {
            if a.value == b.value {
                #expect(a.fill == b.fill)
            } else {
                #expect(brightness(a.fill) > brightness(b.fill), "\(a.value!) \(a.fill) vs \(b.value!) \(b.fill)")
            }
        }
        #expect(cells.first?.fill == "#f7fbff" && cells.last?.fill == "#08306b")

        var lower = sweepGrid
        lower.higherIsBetter = false
        let reversed = try parse(Heatmap.svg(lower)).cells.filter { $0.value != nil }.sorted { $0.value! < $1.value! }
        #expect(reversed.first?.fill == "#08306b" && reversed.last?.fill == "#f7fbff", "the best (lowest) is darkest")
    }

    @Test func escapesMarkupInLabels() throws {
        let grid = try GridTable(
            title: "A <b> & \"c\"", rowName: "K", columnName: "δ", rowLabels: ["<1>"],
            columnLabels: ["a&b"], values: [[0.5]])
        let summary = try parse(Heatmap.svg(grid))
        #expect(summary.texts["title"] == ["A <b> & \"c\""])
        #expect(summary.texts["row-label"] == ["<1>"] && summary.texts["column-label"] == ["a&b"])
        #expect(summary.cells.count == 1)
    }

    @Test func allMissingStillParses() throws {
        let grid = try GridTable(
            title: "empty", rowName: "K", columnName: "δ", rowLabels: ["1", "2"],
            columnLabels: ["1"], values: [[nil], [nil]])
        let summary = try parse(Heatmap.svg(grid))
        #expect(summary.cells.count == 2 && summary.cells.allSatisfy { $0.fill == "#eeeeee" })
    }

    /// The written file against fills worked out by hand for `sweepGrid`: the scale runs linearly
    /// from #f7fbff (247, 251, 255) at the worst value, 58.0, to #08306b (8, 48, 107) at the best,
    /// 65.5, each channel rounded; e.g. 61.0 is t = 3/7.5 = 0.4 → (151.4, 169.8, 195.8) → #97aac4.
    /// Numbers are white on cells past t = 0.55.
    @Test func writesAFile() throws {
        let directory = NSTemporaryDirectory() + "heatmap-\(UUID().uuidString)"
        let path = directory + "/grid.svg"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Heatmap.write(sweepGrid, to: path)
        let summary = try parse(String(contentsOfFile: path, encoding: .utf8))
        let cells = Dictionary(uniqueKeysWithValues: summary.cells.map { ("\($0.row),\($0.column)", "\($0.text) \($0.fill) \($0.ink)") })
        #expect(
            cells == [
                "0,0": "61.0 #97aac4 #000000", "0,1": "62.0 #788fb0 #000000", "0,2": "— #eeeeee #000000",
                "1,0": "63.0 #58749c #ffffff", "1,1": "65.5 #08306b #ffffff", "1,2": "60.0 #b7c5d8 #000000",
                "2,0": "59.0 #d7e0eb #000000", "2,1": "65.5 #08306b #ffffff", "2,2": "58.0 #f7fbff #000000",
            ])
        #expect(summary.texts["title"] == ["COPA · SADI-HEAD"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["grid.svg"], "nothing else left behind")
    }
}

import Foundation
import Harness
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The rectangles of an SVG: fill, stroke and tooltip of each, and the text of every
/// element by class.
private final class Shapes: NSObject, XMLParserDelegate {
    struct Rect {
        var attributes: [String: String]
        var tooltip = ""
    }
    var rects: [Rect] = []
    var texts: [String: [String]] = [:]
    private var inRectTitle = false
    private var textClass: String? = nil
    private var buffer = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "rect" { rects.append(Rect(attributes: attributes)) }
        if name == "title", !rects.isEmpty, rects.last!.attributes["stroke"] == nil { inRectTitle = true }
        if name == "text" { textClass = attributes["class"] ?? "other" }
        buffer = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title", inRectTitle {
            rects[rects.count - 1].tooltip = buffer
            inRectTitle = false
        }
        if name == "text", let cls = textClass {
            texts[cls, default: []].append(buffer)
            textClass = nil
        }
    }

    /// Cells: the rectangles with a tooltip.
    var cells: [Rect] { rects.filter { !$0.tooltip.isEmpty } }
}

private func shapes(_ svg: String) throws -> Shapes {
    let shapes = Shapes()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = shapes
    #expect(parser.parse(), "well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
    return shapes
}

private func map(_ panels: [MatrixHeatmap.Panel]) throws -> MatrixHeatmap {
    try MatrixHeatmap(
        title: "T <&>", subtitle: "line one\nline two", rowName: "layer", columnName: "head", rowLabels: ["0", "1"],
        columnLabels: ["0", "1", "2"], valueName: "D", panels: panels)
}

@Suite struct MatrixHeatmapTests {
    @Test("values of both signs get a scale centred on zero: equal |v| equally strong, blue below, red above")
    func divergingScale() throws {
        let heatmap = try map([.init(title: "a", values: [[-1, 0, 0.5], [2, -2, 1]])])
        #expect(heatmap.scale.low == -2 && heatmap.scale.high == 2)
        #expect(heatmap.colour(0) == "#f7f7f7" && heatmap.colour(2) == "#b2182b" && heatmap.colour(-2) == "#2166ac")
        let (red, blue) = (heatmap.colour(1), heatmap.colour(-1))
        #expect(red == "#d58891" && blue == "#8cafd2", "halfway to each end, each channel rounded")
    }

    @Test("values of one sign run from light at zero to dark at the extreme")
    func oneSignScale() throws {
        let heatmap = try map([.init(title: "a", values: [[0, 1, 2], [3, 4, 4]])])
        #expect(heatmap.scale.low == 0 && heatmap.scale.high == 4)
        #expect(heatmap.colour(0) == "#f7fbff" && heatmap.colour(4) == "#08306b")
        let zeros = try map([.init(title: "a", values: [[0, 0, 0], [0, 0, 0]])])
        #expect(zeros.scale.high == 1, "all zeros still draw, lightest")
    }

    @Test("panels share one scale, so one colour is one number in every panel")
    func sharedScale() throws {
        let small: [[Double]] = [[0.1, 0.2, 0.3], [0.1, 0.1, 0.1]]
        let large: [[Double]] = [[1, 2, 3], [1, 1, 1]]
        let heatmap = try map([.init(title: "small", values: small), .init(title: "large", values: large)])
        #expect(heatmap.scale.high == 3)
        let cells = try shapes(heatmap.svg()).cells
        #expect(cells.count == 12)
        #expect(cells[2].attributes["fill"] == heatmap.colour(0.3) && cells[8].attributes["fill"] == "#08306b")
        #expect(cells[2].attributes["fill"] != cells[8].attributes["fill"])
    }

    @Test("the SVG has titles, axis names, tooltips with values, outlines after the cells and a legend")
    func structure() throws {
        let heatmap = try map([
            .init(
                title: "copa", values: [[-1, 0, 0.5], [2, -2, 1]], tooltips: [["a", "b", "c"], ["d", "e", "f <g>"]],
                outlined: [.init(row: 1, column: 0)])
        ])
        let svg = heatmap.svg()
        let parsed = try shapes(svg)
        #expect(parsed.texts["title"] == ["T <&>"] && parsed.texts["subtitle"] == ["line one", "line two"])
        #expect(parsed.texts["axis row-axis"] == ["layer"] && parsed.texts["axis column-axis"] == ["head"])
        #expect(parsed.texts["panel-title"] == ["copa"] && parsed.texts["row-label"] == ["0", "1"])
        #expect(parsed.cells.map(\.tooltip) == ["a: -1", "b: 0", "c: 0.5", "d: 2", "e: -2", "f <g>: 1"])
        #expect(parsed.texts["legend-label"] == ["2", "0", "-2"])
        let outline = try #require(parsed.rects.last { $0.attributes["class"] == "outlined" })
        #expect(outline.attributes["x"] == parsed.cells[3].attributes["x"] && outline.attributes["y"] == parsed.cells[3].attributes["y"])
        #expect(svg.range(of: "class=\"outlined\"")!.lowerBound > svg.range(of: "f &lt;g&gt;")!.lowerBound)
    }

    @Test("a panel of the wrong shape, a non-finite value or missing tooltips is refused with the reason")
    func refusesBadInput() throws {
        #expect(throws: HarnessError.self) { try map([.init(title: "short", values: [[1, 2, 3]])]) }
        #expect(throws: HarnessError.self) { try map([.init(title: "ragged", values: [[1, 2, 3], [1, 2]])]) }
        #expect(throws: HarnessError.self) { try map([.init(title: "nan", values: [[1, .nan, 3], [1, 2, 3]])]) }
        #expect(throws: HarnessError.self) { try map([.init(title: "tips", values: [[1, 2, 3], [1, 2, 3]], tooltips: [["a"]])]) }
        #expect(throws: HarnessError.self) { try map([]) }
        do {
            _ = try map([.init(title: "short", values: [[1, 2, 3]])])
        } catch let error as HarnessError {
            #expect(error.description.contains("heatmap panel 'short' has rows of [3] values; it needs 2 rows of 3"))
        }
    }
}

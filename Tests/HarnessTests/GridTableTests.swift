import Harness
import Testing

let sweepGrid: GridTable = try! GridTable(
    title: "COPA · SADI-HEAD", rowName: "K", columnName: "δ",
    rowLabels: ["1", "5", "10"], columnLabels: ["0.5", "1", "2"],
    values: [
        [0.61, 0.62, nil],
        [0.63, 0.655, 0.60],
        [0.59, 0.655, 0.58],
    ],
    decimals: 1, scale: 100)

@Suite struct GridTableTests {
    @Test func markdownByHand() {
        let expected = """
            **COPA · SADI-HEAD**

            | K \\ δ | 0.5 | 1 | 2 |
            |---|---:|---:|---:|
            | 1 | 61.0 | 62.0 | — |
            | 5 | 63.0 | **65.5** | 60.0 |
            | 10 | 59.0 | **65.5** | 58.0 |

            """
        #expect(sweepGrid.markdown() == expected)
        #expect(sweepGrid.best == 0.655)
    }

    @Test func lowerIsBetter() throws {
        var grid = sweepGrid
        grid.higherIsBetter = false
        #expect(grid.best == 0.58)
        #expect(grid.markdown().contains("| 10 | 59.0 | 65.5 | **58.0** |"))
    }

    @Test func escapesPipesAndHandlesAllMissing() throws {
        let grid = try GridTable(
            title: "", rowName: "a|b", columnName: "c", rowLabels: ["x|y"], columnLabels: ["1"],
            values: [[nil]])
        #expect(grid.best == nil)
        #expect(grid.markdown() == "| a\\|b \\ c | 1 |\n|---|---:|\n| x\\|y | — |\n")
    }

    @Test func shapeMustMatchLabels() {
        #expect(throws: HarnessError.self) {
            try GridTable(title: "", rowName: "K", columnName: "δ", rowLabels: ["1"], columnLabels: ["1", "2"], values: [[1]])
        }
    }
}

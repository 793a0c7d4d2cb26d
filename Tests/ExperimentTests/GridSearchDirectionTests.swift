import Experiment
import Harness
import Testing

/// The validation search chooses the best cell in the metric's direction.
@Suite("validation search direction")
struct GridSearchDirectionTests {
    static let cells = [
        GridCell(k: 1, strength: 5, score: 0.40), GridCell(k: 2, strength: 5, score: 0.10), GridCell(k: 4, strength: 10, score: 0.90),
        GridCell(k: 8, strength: 10, score: 0.10), GridCell(k: 8, strength: 20, score: .nan),
    ]

    @Test("a higher-is-better metric takes the largest score, a lower-is-better one the smallest (ties: smaller K)")
    func best() {
        let higher = GridSearch.Result(metric: "acc", ks: [1, 2, 4, 8], strengths: [5, 10, 20], cells: Self.cells, seconds: 0)
        #expect(higher.best.k == 4)
        let lower = GridSearch.Result(
            metric: "toxicity_mean", ks: [1, 2, 4, 8], strengths: [5, 10, 20], cells: Self.cells, seconds: 0, lowerIsBetter: true)
        #expect(lower.best.k == 2 && lower.best.score == 0.10)
    }
}

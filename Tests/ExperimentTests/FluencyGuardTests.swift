import Experiment
import Harness
import Testing

/// The fluency guard's rule and what the validation search does with it: a refused setting
/// is never chosen however good its score, and a grid it refuses entirely is an error.
@Suite("fluency guard")
struct FluencyGuardTests {
    /// A lower-is-better metric that a collapsed setting wins: its score is the document's
    /// number as given.
    struct Given: Scorer {
        let name = "toxicity_mean"
        var higherIsBetter: Bool { false }
        func scores(_ samples: [Sample]) throws -> [Double] { [] }
    }

    static let unsteered = FluencyGuard.Measure(emptyShare: 0.1, perplexity: 2.0, distinctBigrams: 0.8)

    @Test("refuses more empty continuations than the unsteered model's plus the margin, or a perplexity past the ratio")
    func rule() {
        let rule = FluencyGuard.standard
        #expect(rule.refusal(of: .init(emptyShare: 0.2, perplexity: 2.9, distinctBigrams: 0.8), baseline: Self.unsteered) == nil)
        #expect(
            rule.refusal(of: .init(emptyShare: 0.3, perplexity: 2.0, distinctBigrams: 0.8), baseline: Self.unsteered)
                == "30% empty (unsteered 10%)")
        #expect(
            rule.refusal(of: .init(emptyShare: 0.1, perplexity: 3.2, distinctBigrams: 0.8), baseline: Self.unsteered)
                == "perplexity 3.20 = 1.60× unsteered 2.00")
        // Every continuation empty: nothing to judge, and far more empty than the unsteered.
        #expect(
            rule.refusal(of: .init(emptyShare: 1, perplexity: nil, distinctBigrams: 0.8), baseline: Self.unsteered)
                == "100% empty (unsteered 10%)")
        let loose = FluencyGuard(maxEmptyIncrease: 1, maxPerplexityRatio: 10, minDistinctRatio: 0)
        #expect(
            loose.refusal(of: .init(emptyShare: 1, perplexity: nil, distinctBigrams: 0.8), baseline: Self.unsteered)
                == "every continuation empty")
        // The unsteered model left everything empty: only the empty share can be compared.
        let silent = FluencyGuard.Measure(emptyShare: 1, perplexity: nil, distinctBigrams: nil)
        #expect(rule.refusal(of: .init(emptyShare: 1, perplexity: 50, distinctBigrams: 0.8), baseline: silent) == nil)
        // A loop: likely to the unsteered model, but few distinct bigrams.
        #expect(
            rule.refusal(of: .init(emptyShare: 0.1, perplexity: 1.5, distinctBigrams: 0.05), baseline: Self.unsteered)
                == "distinct bigrams 0.05 = 0.06× unsteered 0.80")
        #expect(rule.refusal(of: .init(emptyShare: 0.1, perplexity: 1.5, distinctBigrams: 0.7), baseline: Self.unsteered) == nil)
        #expect(
            rule.refusal(of: .init(emptyShare: 0.1, perplexity: 2, distinctBigrams: nil), baseline: Self.unsteered)
                == "no continuation of two words (unsteered distinct bigrams 0.80)")
    }

    @Test("distinct bigrams: unique over all word bigrams, within each text, across the texts")
    func distinctBigrams() {
        #expect(DistinctBigrams.share([" and, and and and and"]) == 2.0 / 4)
        #expect(DistinctBigrams.share(["the cat sat", "the cat ran"]) == 3.0 / 4)
        #expect(DistinctBigrams.share(["a b", "a\nb"]) == 0.5)
        #expect(DistinctBigrams.share(["", " Freeman", "  "]) == nil)
    }

    func scored(_ measures: [FluencyGuard.Measure]) -> GridSearch.DocumentScores {
        var scored = GridSearch.DocumentScores(
            configurations: [(1, 2), (1, 8), (2, 2), (2, 8)], scores: [[0.40], [0.05], [0.30], nil], seconds: 0)
        scored.fluency = (FluencyGuard.standard, Self.unsteered, measures)
        return scored
    }

    @Test("the search chooses the best setting the guard admits and records every cell's measures")
    func choice() throws {
        let measures: [FluencyGuard.Measure] = [
            .init(emptyShare: 0.1, perplexity: 2.2, distinctBigrams: 0.8), .init(emptyShare: 0.6, perplexity: 4.1, distinctBigrams: 0.8),
            .init(emptyShare: 0.0, perplexity: 2.5, distinctBigrams: 0.8), .init(emptyShare: 0.0, perplexity: 9, distinctBigrams: 0.8),
        ]
        let grid = try GridSearch.result(scored(measures), ks: [1, 2], strengths: [2, 8], scorer: Given())
        // (1, 8) has the lowest toxicity and is refused; (2, 8) failed, so it is not "refused".
        #expect(grid.best.k == 2 && grid.best.strength == 2 && grid.best.score == 0.30)
        #expect(grid.refused == 1 && grid.cells[1].refusal == "60% empty (unsteered 10%), perplexity 4.10 = 2.05× unsteered 2.00")
        #expect(grid.cells[3].refusal == nil && !grid.cells[3].isAdmissible)
        #expect(grid.cells.map(\.perplexity) == [2.2, 4.1, 2.5, 9] && grid.unsteered == Self.unsteered)
        #expect(grid.fluencyGuard == .standard)
        // Without the guard, the collapsed setting wins.
        var unguarded = scored(measures)
        unguarded.fluency = nil
        #expect(try GridSearch.result(unguarded, ks: [1, 2], strengths: [2, 8], scorer: Given()).best.strength == 8)
    }

    @Test("a grid the guard refuses entirely is an error naming every setting and the way out")
    func everyRefused() {
        let collapsed = FluencyGuard.Measure(emptyShare: 0.5, perplexity: 2, distinctBigrams: 0.8)
        #expect {
            try GridSearch.result(scored(Array(repeating: collapsed, count: 4)), ks: [1, 2], strengths: [2, 8], scorer: Given())
        } throws: { error in
            let text = "\(error)"
            return text.contains(
                "the fluency guard (empty ≤ unsteered + 0.1, perplexity ≤ 1.5× unsteered, distinct bigrams ≥ 0.75× unsteered) refused every configuration"
            )
                && text.contains("K=1 strength=2.0: 50% empty (unsteered 10%)") && text.contains("K=2 strength=8.0: failed")
                && text.contains("--fluency-guard off")
        }
    }
}

import ArgumentParser
import Experiment

/// Whether the validation search refuses settings whose continuations collapse, and its
/// thresholds (shared by `run`, `fit` and method sweeps).
struct FluencyGuardOptions: ParsableArguments {
    @Option(
        name: .customLong("fluency-guard"),
        help:
            "auto, on or off: the validation search refuses settings whose continuations collapse (empty, or far less likely under the unsteered model than its own). auto: as the task card's generation.fluency_guard says (on for truthfulqa_gen), else on for generation tasks with a lower-is-better metric (toxigen)."
    )
    var mode: FluencyGuard.Mode = .auto
    @Option(
        name: .customLong("max-empty-increase"), parsing: .unconditional,
        help: "Fluency guard: the largest share of validation prompts a setting may leave empty beyond the unsteered model's (0–1).")
    var maxEmptyIncrease: Double = FluencyGuard.standard.maxEmptyIncrease
    @Option(
        name: .customLong("max-perplexity-ratio"), parsing: .unconditional,
        help:
            "Fluency guard: the largest ratio of a setting's perplexity (under the unsteered model) to the unsteered continuations' (≥ 1)."
    )
    var maxPerplexityRatio: Double = FluencyGuard.standard.maxPerplexityRatio
    @Option(
        name: .customLong("min-distinct-ratio"), parsing: .unconditional,
        help:
            "Fluency guard: the smallest ratio of a setting's distinct word bigrams (distinct-2: unique / all) to the unsteered continuations' (0–1); catches loops."
    )
    var minDistinctRatio: Double = FluencyGuard.standard.minDistinctRatio

    func validate() throws {
        guard maxEmptyIncrease.isFinite, (0...1).contains(maxEmptyIncrease) else {
            throw ValidationError("--max-empty-increase is a share of prompts between 0 and 1, got \(maxEmptyIncrease)")
        }
        guard maxPerplexityRatio.isFinite, maxPerplexityRatio >= 1 else {
            throw ValidationError(
                "--max-perplexity-ratio compares a setting's perplexity with the unsteered model's: a finite number ≥ 1, got \(maxPerplexityRatio)"
            )
        }
        guard minDistinctRatio.isFinite, (0...1).contains(minDistinctRatio) else {
            throw ValidationError(
                "--min-distinct-ratio compares a setting's distinct bigrams with the unsteered model's: a number between 0 and 1, got \(minDistinctRatio)"
            )
        }
    }

    var thresholds: FluencyGuard {
        FluencyGuard(maxEmptyIncrease: maxEmptyIncrease, maxPerplexityRatio: maxPerplexityRatio, minDistinctRatio: minDistinctRatio)
    }
}

extension FluencyGuard.Mode: ExpressibleByArgument {}

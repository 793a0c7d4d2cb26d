import Foundation

/// Keeps the validation search from choosing a setting that wins by breaking the model's
/// output. A lower-is-better metric on generated text (ToxiGen's toxicity) rewards a setting
/// whose continuations are empty or unrelated to the prompt: nothing is toxic. The guard
/// generates the validation prompts without intervention too, scores every setting's
/// continuations with the unsteered model after the same prompts (as `sadi-eval fluency`
/// does), and refuses a setting whose continuations are empty more often than the unsteered
/// model's by more than `maxEmptyIncrease`, whose perplexity is more than
/// `maxPerplexityRatio` times the unsteered continuations' own, or whose distinct bigrams
/// fall below `minDistinctRatio` times theirs. Perplexity alone misses a loop: after a few
/// repetitions the unsteered model finds " and and and" very likely.
public struct FluencyGuard: Sendable, Equatable, Codable {
    /// auto: as the task card's `generation.fluency_guard` says; where it says nothing, on for
    /// generation tasks whose selection metric is lower-is-better (a higher-is-better one
    /// scores an empty answer low, though a comparison such as TruthfulQA's bleu_acc can still
    /// reward a derailed one, which is why that card says true).
    public enum Mode: String, Sendable, CaseIterable {
        case auto, on, off
    }

    /// The largest share of validation prompts a setting may leave empty beyond the
    /// unsteered model's (0.1: one prompt in ten).
    public var maxEmptyIncrease: Double
    /// The largest ratio of a setting's perplexity to the unsteered continuations'.
    public var maxPerplexityRatio: Double
    /// The smallest ratio of a setting's distinct bigrams to the unsteered continuations'.
    public var minDistinctRatio: Double

    /// One prompt in ten more left empty; perplexity up by half; distinct bigrams down by a
    /// quarter. SADI-HEAD's chosen ToxiGen settings without the guard were 1.44× the
    /// baseline's perplexity overall, up to e^4.1 in a group that answered with names; CAA's
    /// 1.78× with 44% of continuations empty, and under the first guard (no bigram check) it
    /// looped (" and, and and and …": distinct bigrams 0.05 against the baseline's 0.79, at
    /// a perplexity below the baseline's), where SADI-HEAD's kept 0.8 or more of the
    /// baseline's in every group.
    public static let standard = FluencyGuard(maxEmptyIncrease: 0.1, maxPerplexityRatio: 1.5, minDistinctRatio: 0.75)

    public init(maxEmptyIncrease: Double, maxPerplexityRatio: Double, minDistinctRatio: Double) {
        self.maxEmptyIncrease = maxEmptyIncrease
        self.maxPerplexityRatio = maxPerplexityRatio
        self.minDistinctRatio = minDistinctRatio
    }

    /// One setting's validation continuations as the unsteered model judges them.
    public struct Measure: Sendable, Codable, Equatable {
        /// Share of continuations with no tokens of their own.
        public let emptyShare: Double
        /// Over the non-empty continuations; nil when every one is empty.
        public let perplexity: Double?
        /// `DistinctBigrams` over the continuations; nil when none has two words.
        public let distinctBigrams: Double?
        /// Share of the non-empty continuations that are the unsteered model's greedy choice
        /// at every token: 1 for its own, a check that judging matches generating.
        public let greedyShare: Double?

        public init(emptyShare: Double, perplexity: Double?, distinctBigrams: Double?, greedyShare: Double? = nil) {
            self.emptyShare = emptyShare
            self.perplexity = perplexity
            self.distinctBigrams = distinctBigrams
            self.greedyShare = greedyShare
        }

        init(_ scores: [Fluency.Score], texts: [String]) {
            let side = Fluency.side(scores)
            self.init(
                emptyShare: side.continuations == 0 ? 0 : Double(side.empty) / Double(side.continuations), perplexity: side.perplexity,
                distinctBigrams: DistinctBigrams.share(texts), greedyShare: side.greedyShare)
        }

        enum CodingKeys: String, CodingKey {
            case perplexity
            case emptyShare = "empty_share"
            case distinctBigrams = "distinct_bigrams"
            case greedyShare = "greedy_share"
        }
    }

    /// Why `measure` is refused against the unsteered model's `baseline`, or nil when it passes.
    public func refusal(of measure: Measure, baseline: Measure) -> String? {
        var reasons: [String] = []
        if measure.emptyShare > baseline.emptyShare + maxEmptyIncrease + 1e-12 {
            reasons.append(
                String(format: "%.0f%% empty (unsteered %.0f%%)", 100 * measure.emptyShare, 100 * baseline.emptyShare))
        }
        if let unsteered = baseline.perplexity {
            if let perplexity = measure.perplexity {
                if perplexity > maxPerplexityRatio * unsteered {
                    reasons.append(String(format: "perplexity %.2f = %.2f× unsteered %.2f", perplexity, perplexity / unsteered, unsteered))
                }
            } else if reasons.isEmpty {
                reasons.append("every continuation empty")
            }
        }
        if let unsteered = baseline.distinctBigrams, measure.perplexity != nil {
            if let distinct = measure.distinctBigrams {
                if distinct < minDistinctRatio * unsteered {
                    reasons.append(
                        String(format: "distinct bigrams %.2f = %.2f× unsteered %.2f", distinct, distinct / unsteered, unsteered))
                }
            } else {
                reasons.append("no continuation of two words (unsteered distinct bigrams \(String(format: "%.2f", unsteered)))")
            }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: ", ")
    }

    /// What results files record under `fluency_guard`.
    public var summary: String {
        String(
            format: "empty ≤ unsteered + %g, perplexity ≤ %g× unsteered, distinct bigrams ≥ %g× unsteered", maxEmptyIncrease,
            maxPerplexityRatio, minDistinctRatio)
    }
}

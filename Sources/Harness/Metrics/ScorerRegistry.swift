/// The scorers cards may name, each with the output types it judges and the options it
/// takes. A new metric is one `Scorer` type and one `register` line; a test or a plugin can
/// extend a registry value without touching this file.
public struct ScorerRegistry: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let outputTypes: Set<OutputType>
        /// Option keys with their allowed values (empty: any value).
        public let options: [String: [String]]
        /// The direction of the metric (a card's `higher_is_better` must agree with it).
        public let higherIsBetter: Bool
        public let make: @Sendable (_ options: [String: String]) throws -> any Scorer

        public init(
            name: String, outputTypes: Set<OutputType>, options: [String: [String]] = [:], higherIsBetter: Bool = true,
            make: @escaping @Sendable (_ options: [String: String]) throws -> any Scorer
        ) {
            self.name = name
            self.outputTypes = outputTypes
            self.options = options
            self.higherIsBetter = higherIsBetter
            self.make = make
        }
    }

    public private(set) var entries: [String: Entry] = [:]

    public init(_ entries: [Entry] = []) {
        for entry in entries { self.entries[entry.name] = entry }
    }

    public func registering(_ entry: Entry) -> ScorerRegistry {
        var copy = self
        copy.entries[entry.name] = entry
        return copy
    }

    public var names: [String] { entries.keys.sorted() }

    public static let standard = ScorerRegistry([
        Entry(name: "acc", outputTypes: [.multipleChoice]) { _ in AccuracyScorer(.none) },
        Entry(name: "acc_norm", outputTypes: [.multipleChoice]) { _ in AccuracyScorer(.characters) },
        Entry(name: "acc_bytes", outputTypes: [.multipleChoice]) { _ in AccuracyScorer(.bytes) },
        Entry(
            name: "exact_match", outputTypes: [.multipleChoice, .generateUntil],
            options: ["normalise": ExactMatchScorer.Normalisation.allCases.map(\.rawValue)]
        ) { options in
            ExactMatchScorer(normalisation: options["normalise"].flatMap(ExactMatchScorer.Normalisation.init) ?? .none)
        },
        // A second exact match beside lm-eval's in one run (TriviaQA reports both).
        Entry(name: "exact_match_triviaqa", outputTypes: [.multipleChoice, .generateUntil]) { _ in
            ExactMatchScorer(normalisation: .triviaqa, name: "exact_match_triviaqa")
        },
        Entry(name: "mc2", outputTypes: [.multipleChoice]) { _ in TrueChoiceMassScorer() },
        answerSets(.bleu, .max), answerSets(.bleu, .acc), answerSets(.bleu, .diff),
        answerSets(.rouge1, .max), answerSets(.rouge1, .acc), answerSets(.rouge1, .diff),
        answerSets(.rouge2, .max), answerSets(.rouge2, .acc), answerSets(.rouge2, .diff),
        answerSets(.rougeL, .max), answerSets(.rougeL, .acc), answerSets(.rougeL, .diff),
        // Without a classifier: the card checks; `withToxicityClassifier` gives one to score.
        toxicity(.rate, classifier: nil), toxicity(.mean, classifier: nil),
    ])

    /// One of TruthfulQA's generation metrics (`bleu_acc`, `rougeL_diff`, …), named as lm-eval names it.
    private static func answerSets(
        _ similarity: AnswerSetSimilarityScorer.Similarity, _ statistic: AnswerSetSimilarityScorer.Statistic
    ) -> Entry {
        Entry(name: similarity.rawValue + "_" + statistic.rawValue, outputTypes: [.generateUntil]) { _ in
            AnswerSetSimilarityScorer(similarity, statistic)
        }
    }

    /// Checks a card's metric against the registry: known name, suits the output type,
    /// known options with allowed values. Returns nil when it is fine, else the problem and fix.
    public func problem(with spec: MetricSpec, outputType: OutputType) -> (problem: String, fix: String)? {
        // Only the metrics that judge the card's output type are suggested.
        let suitable = names.filter { entries[$0]!.outputTypes.contains(outputType) }.joined(separator: ", ")
        guard let entry = entries[spec.name] else {
            return ("names metric `\(spec.name)`, which no scorer provides", "use one of \(suitable)")
        }
        guard entry.outputTypes.contains(outputType) else {
            return ("names metric `\(spec.name)`, which does not judge \(outputType.rawValue) tasks", "use one of \(suitable)")
        }
        if let declared = spec.higherIsBetter, declared != entry.higherIsBetter {
            return (
                "says metric `\(spec.name)` has higher_is_better \(declared), but \(spec.name) is \(entry.higherIsBetter ? "higher" : "lower")-is-better",
                "write higher_is_better: \(entry.higherIsBetter) or leave it out"
            )
        }
        for (key, value) in spec.options.sorted(by: { $0.key < $1.key }) {
            guard let allowed = entry.options[key] else {
                let known = entry.options.keys.sorted()
                return (
                    "gives metric `\(spec.name)` the option `\(key)`, which it does not take",
                    known.isEmpty ? "drop the option" : "its options are \(known.joined(separator: ", "))"
                )
            }
            if !allowed.isEmpty && !allowed.contains(value) {
                return ("sets `\(key)` of metric `\(spec.name)` to `\(value)`", "use one of \(allowed.joined(separator: ", "))")
            }
        }
        return nil
    }

    /// The scorer a card's metric names (checked first, so a bad card fails before a run).
    public func scorer(for spec: MetricSpec, outputType: OutputType) throws -> any Scorer {
        if let (problem, fix) = problem(with: spec, outputType: outputType) {
            throw HarnessError.invalidInput("the task card \(problem); \(fix)")
        }
        return try entries[spec.name]!.make(spec.options)
    }
}

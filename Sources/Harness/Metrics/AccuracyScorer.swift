/// acc, acc_norm and acc_bytes: 1 when the choice ranked first is the right one. Ranked by
/// the summed log-likelihood, or by it divided by the choice's length in characters
/// (lm-eval's acc_norm) or UTF-8 bytes; ties go to the first choice, as numpy's argmax.
public struct AccuracyScorer: Scorer {
    public enum Normalisation: String, Sendable, CaseIterable { case none, characters, bytes }
    public let normalisation: Normalisation

    public init(_ normalisation: Normalisation) { self.normalisation = normalisation }

    public var name: String {
        switch normalisation {
        case .none: return "acc"
        case .characters: return "acc_norm"
        case .bytes: return "acc_bytes"
        }
    }

    public func scores(_ samples: [Sample]) throws -> [Double] {
        try samples.map { sample in
            guard let gold = sample.reference.choiceIndex else {
                throw ScoringError(metric: name, docID: sample.docID, problem: "the reference is not a choice index")
            }
            let results = sample.response.choiceResults
            let choices = sample.request.choices
            guard !results.isEmpty, results.count == choices.count else {
                throw ScoringError(metric: name, docID: sample.docID, problem: "the response has no log-likelihood per choice")
            }
            return Self.prediction(results.map(\.logprob), lengths: choices.map(length)) == gold ? 1 : 0
        }
    }

    private func length(_ choice: Choice) -> Int {
        switch normalisation {
        case .none: return 1
        case .characters: return choice.text.count
        case .bytes: return choice.text.utf8.count
        }
    }

    /// The index of the highest log-likelihood per unit of length (the first on ties).
    public static func prediction(_ logprobs: [Double], lengths: [Int]) -> Int {
        let values = zip(logprobs, lengths).map { $0 / Double(max($1, 1)) }
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}

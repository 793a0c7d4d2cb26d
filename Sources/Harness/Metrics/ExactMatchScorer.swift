import Foundation

/// Exact match of the model's answer with the reference, after a normalisation:
/// - for a log-likelihood request, the teacher-forced greedy decoding of the right choice's
///   positions against that choice (SADI's official metric);
/// - for a generation, the generated text against any accepted answer.
public struct ExactMatchScorer: Scorer {
    public enum Normalisation: String, Sendable, CaseIterable {
        /// Text as it is.
        case none
        /// SADI's released code: strip surrounding whitespace, remove `. ; ! , ?`, newlines,
        /// `</s>` and `<pad>`, lower-case.
        case sadi
        /// lm-eval's exact_match with ignore_case and ignore_punctuation: lower-case,
        /// drop ASCII punctuation, strip surrounding whitespace.
        case lmEval = "lm-eval"
    }

    public let normalisation: Normalisation

    public init(normalisation: Normalisation = .sadi) { self.normalisation = normalisation }

    public var name: String { "exact_match" }

    public func scores(_ samples: [Sample]) throws -> [Double] {
        try samples.map { sample in
            switch sample.response {
            case let .choices(results):
                guard let gold = sample.reference.choiceIndex, gold < results.count, gold < sample.request.choices.count else {
                    throw ScoringError(metric: name, docID: sample.docID, problem: "the reference is not a choice index of the request")
                }
                return normalise(results[gold].greedyText) == normalise(sample.request.choices[gold].text) ? 1 : 0
            case let .generation(generation):
                let answers = sample.reference.acceptedAnswers
                guard !answers.isEmpty else {
                    throw ScoringError(metric: name, docID: sample.docID, problem: "the reference has no accepted answers")
                }
                let text = normalise(generation.text)
                return answers.contains { normalise($0) == text } ? 1 : 0
            }
        }
    }

    public func normalise(_ text: String) -> String {
        switch normalisation {
        case .none: return text
        case .sadi: return Self.sadiNormalised(text)
        case .lmEval:
            let kept = text.lowercased().unicodeScalars.filter {
                !($0.isASCII && Self.punctuation.contains($0))
            }
            return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// What lm-eval's ignore_punctuation drops (ASCII only), built once rather than per character.
    private static let punctuation = CharacterSet.punctuationCharacters.union(.symbols)

    /// SADI's normalisation (its `evaluate` strips these marks in this order).
    public static func sadiNormalised(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for mark in [".</s>", ".\n", ".", ";", "!", ",", "?", "\n", "</s>", "<pad>"] {
            t = t.replacingOccurrences(of: mark, with: "")
        }
        return t.lowercased().trimmingCharacters(in: .whitespaces)
    }
}

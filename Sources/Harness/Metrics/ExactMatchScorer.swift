import Foundation

/// Exact match of the model's answer with the reference, after a normalisation:
/// - for a log-likelihood request, the teacher-forced greedy decoding of the right choice's
///   positions against that choice (SADI's official metric);
/// - for a generation, the generated text against any accepted answer.
/// The prediction first goes through the normalisation's filter (lm-eval strips the
/// generation, never the answers), then both sides through its normalisation.
public struct ExactMatchScorer: Scorer {
    public enum Normalisation: String, Sendable, CaseIterable {
        /// Text as it is.
        case none
        /// SADI's released code: strip surrounding whitespace, remove `. ; ! , ?`, newlines,
        /// `</s>` and `<pad>`, lower-case.
        case sadi
        /// lm-eval's `remove_whitespace` filter (0.4.9+: the generation stripped) and its
        /// exact_match with ignore_case and ignore_punctuation (Python's `str.lower`, then
        /// the characters of `string.punctuation` deleted); answers are not stripped.
        case lmEval = "lm-eval"
        /// The official TriviaQA evaluation's `normalize_answer`: `_` to a space, lower-case,
        /// `string.punctuation` and ‘ ’ ´ to spaces, the words a, an and the removed,
        /// whitespace runs to one space, stripped.
        case triviaqa
    }

    public let normalisation: Normalisation
    public let name: String

    /// `name` is the metric's name in results: two exact matches of one run need two names.
    public init(normalisation: Normalisation = .sadi, name: String = "exact_match") {
        self.normalisation = normalisation
        self.name = name
    }

    public func scores(_ samples: [Sample]) throws -> [Double] {
        try samples.map { sample in
            switch sample.response {
            case let .choices(results):
                guard let gold = sample.reference.choiceIndex, gold < results.count, gold < sample.request.choices.count else {
                    throw ScoringError(metric: name, docID: sample.docID, problem: "the reference is not a choice index of the request")
                }
                return matches(results[gold].greedyText, answers: [sample.request.choices[gold].text]) ? 1 : 0
            case let .generation(generation):
                let answers = sample.reference.acceptedAnswers
                guard !answers.isEmpty else {
                    throw ScoringError(metric: name, docID: sample.docID, problem: "the reference has no accepted answers")
                }
                return matches(generation.text, answers: answers) ? 1 : 0
            }
        }
    }

    /// Whether `prediction` matches any of `answers` under the normalisation.
    public func matches(_ prediction: String, answers: [String]) -> Bool {
        let text = normalise(filtered(prediction))
        return answers.contains { normalise($0) == text }
    }

    /// What the normalisation does to the prediction alone before comparing.
    public func filtered(_ prediction: String) -> String {
        normalisation == .lmEval ? PythonText.stripped(prediction) : prediction
    }

    /// What the normalisation does to both sides.
    public func normalise(_ text: String) -> String {
        switch normalisation {
        case .none: return text
        case .sadi: return Self.sadiNormalised(text)
        case .lmEval: return Self.lmEvalNormalised(text)
        case .triviaqa: return Self.triviaQANormalised(text)
        }
    }

    /// SADI's normalisation (its `evaluate` strips these marks in this order).
    public static func sadiNormalised(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for mark in [".</s>", ".\n", ".", ";", "!", ",", "?", "\n", "</s>", "<pad>"] {
            t = t.replacingOccurrences(of: mark, with: "")
        }
        return t.lowercased().trimmingCharacters(in: .whitespaces)
    }
}

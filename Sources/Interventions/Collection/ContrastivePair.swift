import Harness
import Tokenizers

/// A prompt with its right and its wrong answer: what interventions are fitted on. The two
/// answers usually share their context; a task whose choices differ in context
/// (Winogrande) gives each its own.
public struct ContrastivePair: Sendable, Hashable, Codable {
    public let context: String
    public let positive: String
    public let negative: String
    /// The negative answer's context when it differs from `context`.
    public let negativeContext: String?
    /// Move the context's trailing whitespace into the answer before tokenising (lm-eval);
    /// false for prompts that must end in their own whitespace token (SADI's).
    public let splitTrailingWhitespace: Bool

    public init(
        context: String, positive: String, negative: String, negativeContext: String? = nil,
        splitTrailingWhitespace: Bool = true
    ) {
        self.context = context
        self.positive = positive
        self.negative = negative
        self.negativeContext = negativeContext
        self.splitTrailingWhitespace = splitTrailingWhitespace
    }

    /// The pairs an instance gives: one per wrong choice of a multiple-choice document; for a
    /// generation with right and wrong answers (TruthfulQA's sets), the first right answer
    /// against each wrong one, after the context and a space. Accepted answers alone give
    /// none: there is nothing to contrast them with.
    public static func pairs(from instance: Instance) -> [ContrastivePair] {
        switch (instance.request, instance.reference) {
        case let (.loglikelihood(choices), .choice(gold)) where choices.indices.contains(gold):
            let right = choices[gold]
            return choices.indices.filter { $0 != gold }.map {
                ContrastivePair(
                    context: right.context, positive: right.continuation, negative: choices[$0].continuation,
                    negativeContext: choices[$0].context == right.context ? nil : choices[$0].context,
                    splitTrailingWhitespace: right.splitTrailingWhitespace)
            }
        case let (.generateUntil(context, _), .answerSets(correct, incorrect)):
            guard let right = correct.first else { return [] }
            return incorrect.map { ContrastivePair(context: context, positive: " " + right, negative: " " + $0) }
        default:
            return []
        }
    }

    /// The pair as SADI's code writes it for fitting (`FitPrompt.stripped`): each context and
    /// answer stripped as Python's `str.strip` strips, joined by one space, so the text is
    /// `f'{q.strip()} {ref.strip()}'` and tokenises whole.
    public var stripped: ContrastivePair {
        ContrastivePair(
            context: PythonText.stripped(context), positive: " " + PythonText.stripped(positive),
            negative: " " + PythonText.stripped(negative), negativeContext: negativeContext.map(PythonText.stripped),
            splitTrailingWhitespace: true)
    }

    /// The token count of prompt + right answer, as SADI's code measures it before skipping a pair.
    public func positiveTokenCount(_ tokenizer: any Tokenizer) throws -> Int {
        let encoded = try requests[0].encode(with: tokenizer)
        return encoded.context.count + encoded.continuation.count
    }

    /// `pairs` written as `prompt` says for fitting: unchanged when scored; stripped, without
    /// the pairs whose right text passes `FitPrompt.tokenLimit` tokens, as SADI's code.
    public static func fitting(_ pairs: [ContrastivePair], prompt: FitPrompt, tokenizer: any Tokenizer) throws
        -> (pairs: [ContrastivePair], skipped: Int)
    {
        guard prompt == .stripped else { return (pairs, 0) }
        let kept = try pairs.map(\.stripped).filter { try $0.positiveTokenCount(tokenizer) <= FitPrompt.tokenLimit }
        return (kept, pairs.count - kept.count)
    }

    /// The two requests: prompt + right answer, prompt + wrong answer.
    var requests: [LoglikelihoodRequest] {
        [
            LoglikelihoodRequest(context: context, continuation: positive, wholeWordSplit: splitTrailingWhitespace),
            LoglikelihoodRequest(context: negativeContext ?? context, continuation: negative, wholeWordSplit: splitTrailingWhitespace),
        ]
    }
}

/// Where in prompt + answer the activations of a pair are read.
public enum ReadPosition: String, Sendable, Codable, CaseIterable {
    /// The last token of prompt + answer (the paper's choice).
    case lastToken = "last-token"
    /// The last token of the prompt.
    case promptLast = "prompt-last"
    /// The mean over the answer's tokens.
    case answerMean = "answer-mean"
}

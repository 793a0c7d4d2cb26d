import Engine
import Tokenizers

/// The log-probability of `continuation` following `context`: the currency between tasks
/// and the engine for multiple-choice scoring.
public struct LoglikelihoodRequest: Sendable, Hashable, Codable {
    public let context: String
    public let continuation: String
    /// Move the context's trailing whitespace into the continuation before tokenising, as
    /// lm-evaluation-harness does. SADI's official prompt ends in a newline that must stay
    /// the last prompt token, so its protocol turns this off.
    public let wholeWordSplit: Bool

    public init(context: String, continuation: String, wholeWordSplit: Bool = true) {
        self.context = context
        self.continuation = continuation
        self.wholeWordSplit = wholeWordSplit
    }
}

public struct LoglikelihoodResult: Sendable, Hashable, Codable {
    /// Sum of the continuation tokens' log-probabilities.
    public let logprob: Double
    /// Whether every continuation token was the model's argmax (teacher-forced greedy match).
    public let isGreedy: Bool
    public let tokenCount: Int
    /// The model's argmax at each continuation position (teacher-forced greedy decoding).
    public let argmaxTokens: [Int32]

    public init(logprob: Double, isGreedy: Bool, tokenCount: Int, argmaxTokens: [Int32] = []) {
        self.logprob = logprob
        self.isGreedy = isGreedy
        self.tokenCount = tokenCount
        self.argmaxTokens = argmaxTokens
    }
}

/// A request's tokens, split as lm-evaluation-harness splits them: trailing whitespace of
/// the context moves to the continuation, and the continuation's tokens are those of
/// context + continuation after the context's own token count.
public struct EncodedRequest: Sendable, Hashable {
    public let context: [Int32]
    public let continuation: [Int32]

    public init(context: [Int32], continuation: [Int32]) {
        self.context = context
        self.continuation = continuation
    }
}

extension LoglikelihoodRequest {
    public func encode(with tokenizer: any Tokenizer) throws -> EncodedRequest {
        var context = self.context, continuation = self.continuation
        let trailing = wholeWordSplit ? context.reversed().prefix { $0.isWhitespace }.count : 0
        if trailing > 0 {
            continuation = String(context.suffix(trailing)) + continuation
            context = String(context.dropLast(trailing))
        }
        var contextTokens = tokenizer.encode(context)
        let whole = tokenizer.encode(context + continuation)
        if contextTokens.isEmpty {
            // Nothing to condition on: start from BOS (or EOS), as lm-eval's prefix token does.
            guard let prefix = tokenizer.bosID ?? tokenizer.eosID else {
                throw HarnessError.invalidInput("a request has an empty context and the tokenizer has neither BOS nor EOS to stand for it")
            }
            contextTokens = [prefix]
            return EncodedRequest(context: contextTokens, continuation: whole)
        }
        let continuationTokens = Array(whole.dropFirst(contextTokens.count))
        guard !continuationTokens.isEmpty else {
            throw HarnessError.invalidInput(
                "the continuation \(self.continuation.debugDescription) of context \(String(self.context.suffix(40)).debugDescription) encodes to no tokens; check the card's doc_to_choice and target_delimiter"
            )
        }
        return EncodedRequest(context: contextTokens, continuation: continuationTokens)
    }
}

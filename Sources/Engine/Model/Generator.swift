import Tokenizers

/// Greedy decoding with a KV state: the prompt is processed once, then one token per step.
public struct Generator {
    public let network: any LanguageModel
    public let tokenizer: any Tokenizer

    public init(network: any LanguageModel, tokenizer: any Tokenizer) {
        self.network = network
        self.tokenizer = tokenizer
    }

    public struct Output: Sendable {
        public let tokens: [Int32]
        public let text: String
        public let stoppedBy: StopReason
    }

    public enum StopReason: String, Sendable {
        case endOfSequence, stopString, maxTokens
    }

    /// Generates up to `maxTokens` tokens after `prompt`, stopping at EOS (when
    /// `stopAtEOS`) or when the text contains one of `stopStrings` (which is cut off).
    /// `onText` receives text as it becomes complete UTF-8.
    public func generate(
        prompt: [Int32], maxTokens: Int, stopStrings: [String] = [], stopAtEOS: Bool = true,
        editor: ActivationEditor? = nil, onText: (String) -> Void = { _ in }
    ) throws -> Output {
        guard !prompt.isEmpty else { throw EngineError.invalidArgument("the prompt is empty: give at least one token") }
        guard prompt.count < network.contextLength else {
            throw EngineError.invalidArgument(
                "the prompt has \(prompt.count) tokens, as many as or more than the model's context of \(network.contextLength); shorten it"
            )
        }
        // Never past the context the model was trained for.
        let maxTokens = min(maxTokens, network.contextLength - prompt.count)
        let state = network.makeState()
        var logits = try network.forward([SequenceInput(tokens: prompt, state: state)], editor: editor)[0]
        var tokens: [Int32] = []
        var stream = TextStream(stopStrings: stopStrings)
        var reason = StopReason.maxTokens
        while tokens.count < maxTokens {
            let next = TokenSampler.greedy(logits.last)
            if stopAtEOS, next == tokenizer.eosID {
                reason = .endOfSequence
                break
            }
            tokens.append(next)
            let piece = stream.append(tokenizer.bytes(of: next))
            if !piece.isEmpty { onText(piece) }
            if stream.stopped {
                reason = .stopString
                break
            }
            if tokens.count < maxTokens {
                logits = try network.forward([SequenceInput(tokens: [next], state: state)], editor: editor)[0]
            }
        }
        let tail = stream.finish()
        if !tail.isEmpty { onText(tail) }
        return Output(tokens: tokens, text: stream.text, stoppedBy: reason)
    }
}

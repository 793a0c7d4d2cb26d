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
    public func generate(prompt: [Int32], maxTokens: Int, stopStrings: [String] = [], stopAtEOS: Bool = true,
                         editor: ActivationEditor? = nil, onText: (String) -> Void = { _ in }) throws -> Output {
        guard !prompt.isEmpty else { throw EngineError.invalidArgument("the prompt is empty: give at least one token") }
        let state = network.makeState()
        var logits = try network.forward([SequenceInput(tokens: prompt, state: state)], editor: editor)[0]
        var tokens: [Int32] = []
        var pending: [UInt8] = []
        var text = ""
        var reason = StopReason.maxTokens
        while tokens.count < maxTokens {
            let next = logits.last.argmaxIndex
            if stopAtEOS, next == tokenizer.eosID { reason = .endOfSequence; break }
            tokens.append(next)
            pending += tokenizer.bytes(of: next)
            let (complete, rest) = Self.splitCompleteUTF8(pending)
            pending = rest
            if !complete.isEmpty {
                let piece = String(decoding: complete, as: UTF8.self)
                text += piece
                if let stop = stopStrings.compactMap({ text.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
                    let kept = String(text[..<stop.lowerBound])
                    onText(String(kept.dropFirst(text.count - piece.count)))
                    text = kept
                    reason = .stopString
                    break
                }
                onText(piece)
            }
            if tokens.count < maxTokens {
                logits = try network.forward([SequenceInput(tokens: [next], state: state)], editor: editor)[0]
            }
        }
        if reason != .stopString, !pending.isEmpty {
            let tail = String(decoding: pending, as: UTF8.self)
            text += tail
            onText(tail)
        }
        return Output(tokens: tokens, text: text, stoppedBy: reason)
    }

    /// The longest prefix of `bytes` that ends on a UTF-8 character boundary, and the rest.
    static func splitCompleteUTF8(_ bytes: [UInt8]) -> ([UInt8], [UInt8]) {
        var cut = bytes.count
        var i = bytes.count - 1
        var seen = 0
        while i >= 0, seen < 4 {
            let b = bytes[i]
            if b & 0xC0 == 0x80 { seen += 1; i -= 1; continue }
            let need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            if need > seen + 1 { cut = i }
            break
        }
        return (Array(bytes[..<cut]), Array(bytes[cut...]))
    }
}

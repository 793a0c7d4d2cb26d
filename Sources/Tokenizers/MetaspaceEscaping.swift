/// How a SentencePiece-style tokenizer.json turns a fragment of text (the text between added
/// tokens) into the string its BPE model merges: the normaliser's steps in order, then the
/// Metaspace pre-tokenizer's. These are Hugging Face tokenizers' definitions:
///
/// - The normaliser runs on each fragment separately, because added tokens are cut out of the
///   raw text first; so `Prepend("▁")` puts a `▁` before every fragment, also the text after
///   `<s>` (the "legacy" Llama behaviour, which llama.cpp shares).
/// - Metaspace replaces spaces with its replacement, then prepends one unless the fragment
///   already starts with it: always, never, or (`first`) only for the fragment at the start of
///   the text. So with Metaspace, `" Hello"` gets no second `▁`, unlike sentencepiece.
public struct MetaspaceEscaping: Sendable, Equatable {
    public enum NormalizerStep: Sendable, Equatable {
        /// `Prepend`: the string before every non-empty fragment.
        case prepend(String)
        /// `Replace` with a string pattern: every occurrence, left to right, without overlaps.
        case replace(pattern: String, content: String)
    }

    public enum PrependScheme: String, Sendable, Equatable, CaseIterable {
        case always, first, never
    }

    /// A Metaspace pre-tokenizer that does not split (`split: false`): the whole fragment is one word.
    public struct Metaspace: Sendable, Equatable {
        public let replacement: String
        public let prependScheme: PrependScheme

        public init(replacement: String, prependScheme: PrependScheme) {
            self.replacement = replacement
            self.prependScheme = prependScheme
        }
    }

    public let normalizer: [NormalizerStep]
    public let metaspace: Metaspace?

    public init(normalizer: [NormalizerStep], metaspace: Metaspace?) {
        self.normalizer = normalizer
        self.metaspace = metaspace
    }

    /// Appends the escaped form of `fragment`; `startsText` says whether it begins at the first
    /// byte of the text (what Metaspace's `first` scheme asks).
    func escape(_ fragment: UnsafeBufferPointer<UInt8>, startsText: Bool, into output: inout [UInt8]) {
        var text = Array(fragment)
        for step in normalizer {
            switch step {
            case let .prepend(prefix):
                if !text.isEmpty { text = Array(prefix.utf8) + text }
            case let .replace(pattern, content):
                text = Self.replacing(Array(pattern.utf8), with: Array(content.utf8), in: text)
            }
        }
        if let metaspace {
            let replacement = Array(metaspace.replacement.utf8)
            text = Self.replacing([0x20], with: replacement, in: text)
            let prepends: Bool =
                switch metaspace.prependScheme {
                case .always: true
                case .first: startsText
                case .never: false
                }
            if prepends, !text.isEmpty, !text.starts(with: replacement) { text = replacement + text }
        }
        output.append(contentsOf: text)
    }

    /// Literal replacement on UTF-8 bytes; a valid UTF-8 pattern can only match at character
    /// boundaries, so this equals replacing characters.
    static func replacing(_ pattern: [UInt8], with content: [UInt8], in text: [UInt8]) -> [UInt8] {
        guard !pattern.isEmpty, text.count >= pattern.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 2)
        var i = 0
        while i < text.count {
            if text[i] == pattern[0], i + pattern.count <= text.count, text[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: content)
                i += pattern.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }
}

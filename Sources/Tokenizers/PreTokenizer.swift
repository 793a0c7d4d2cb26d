/// Splits text into the words a BPE model merges within.
///
/// Each stage mirrors one of llama.cpp's pre-tokenizer regexes: it cuts a range of code points
/// into consecutive pieces that cover it completely (matches and the gaps between them), and
/// the next stage cuts each piece again. The scanners are hand-written over precomputed
/// character classes instead of a regex engine, which is many times faster.
protocol PreTokenizer: Sendable {
    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>])
}

/// Collects pieces and skips empty ones, so scanners can cut at every decision point.
struct PieceEmitter {
    private(set) var start: Int

    init(start: Int) { self.start = start }

    @inline(__always)
    mutating func cut(at end: Int, into pieces: inout [Range<Int>]) {
        if end > start { pieces.append(start..<end) }
        start = end
    }
}

struct PreTokenizerSequence: PreTokenizer {
    let stages: [any PreTokenizer]

    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>]) {
        var current = [range]
        var next: [Range<Int>] = []
        for stage in stages {
            next.removeAll(keepingCapacity: true)
            for piece in current { stage.split(text, piece, into: &next) }
            swap(&current, &next)
        }
        pieces.append(contentsOf: current)
    }
}

/// `\p{N}` (every number on its own, `maxRun` 1) or `\p{N}+` (`maxRun` nil): runs of numbers
/// become pieces of at most `maxRun` code points; the text between them stays whole.
struct NumberSplitter: PreTokenizer {
    let maxRun: Int?

    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>]) {
        var emitter = PieceEmitter(start: range.lowerBound)
        var i = range.lowerBound
        while i < range.upperBound {
            guard text.classes[i].isNumber else {
                i += 1
                continue
            }
            emitter.cut(at: i, into: &pieces)
            var runStart = i
            while i < range.upperBound, text.classes[i].isNumber {
                i += 1
                if let maxRun, i - runStart == maxRun {
                    emitter.cut(at: i, into: &pieces)
                    runStart = i
                }
            }
            emitter.cut(at: i, into: &pieces)
        }
        emitter.cut(at: range.upperBound, into: &pieces)
    }
}

/// `[0-9][0-9][0-9]`: every three consecutive ASCII digits, left to right.
struct DigitTripleSplitter: PreTokenizer {
    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>]) {
        var emitter = PieceEmitter(start: range.lowerBound)
        var i = range.lowerBound
        func isDigit(_ k: Int) -> Bool { k < range.upperBound && (0x30...0x39).contains(text.codePoints[k]) }
        while i < range.upperBound {
            if isDigit(i), isDigit(i + 1), isDigit(i + 2) {
                emitter.cut(at: i, into: &pieces)
                emitter.cut(at: i + 3, into: &pieces)
                i += 3
            } else {
                i += 1
            }
        }
        emitter.cut(at: range.upperBound, into: &pieces)
    }
}

/// `[\p{P}\$\+<=>\^~\|]+`: runs of punctuation and those ASCII symbols; with `backtick`,
/// Falcon's `[\p{P}\$\+<=>\^~\|`]+` (every ASCII punctuation character, as transformers'
/// `Punctuation` pre-tokenizer has it).
struct PunctuationRunSplitter: PreTokenizer {
    var backtick = false

    private func matches(_ cp: UInt32, _ cls: CharacterClass) -> Bool {
        if cls.contains(.punctuation) { return true }
        switch cp {
        case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true  // $ + < = > ^ ~ |
        case 0x60: return backtick
        default: return false
        }
    }

    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>]) {
        var emitter = PieceEmitter(start: range.lowerBound)
        var i = range.lowerBound
        while i < range.upperBound {
            guard matches(text.codePoints[i], text.classes[i]) else {
                i += 1
                continue
            }
            emitter.cut(at: i, into: &pieces)
            while i < range.upperBound, matches(text.codePoints[i], text.classes[i]) { i += 1 }
            emitter.cut(at: i, into: &pieces)
        }
        emitter.cut(at: range.upperBound, into: &pieces)
    }
}

/// The pre-tokenizers of `tokenizer.ggml.pre`, with llama.cpp's names and aliases.
public enum PreTokenizerCatalog {
    /// Whether `name` is implemented, so a loader can reject a file before reading the rest of it.
    public static func knows(_ name: String) -> Bool { make(named: name) != nil }

    static func make(named name: String) -> (any PreTokenizer)? {
        switch name {
        case "gpt2", "gpt-2", "phi-2", "roberta-bpe", "mpt", "olmo", "jais":
            return GPT2PreTokenizer()
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            // Every number alone, then the GPT-2 rules on what is left.
            return PreTokenizerSequence(stages: [NumberSplitter(maxRun: 1), GPT2PreTokenizer()])
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe":
            return Llama3PreTokenizer(numberGroup: 3)
        case "qwen2", "stablelm2", "megrez":
            return Llama3PreTokenizer(numberGroup: 1)
        case "falcon":
            // Punctuation runs (with the backtick), the GPT-2 rules, then digits in threes.
            return PreTokenizerSequence(stages: [PunctuationRunSplitter(backtick: true), GPT2PreTokenizer(), DigitTripleSplitter()])
        case "bloom", "poro", "gpt3-finnish":
            return BloomPreTokenizer()
        case "default", "":
            // llama.cpp's fallback for BPE files that name no known pre-tokenizer.
            return PreTokenizerSequence(stages: [
                PunctuationRunSplitter(), GPT2PreTokenizer(), NumberSplitter(maxRun: nil), DigitTripleSplitter(),
            ])
        default:
            return nil
        }
    }

    /// For error messages: the families implemented, not every alias.
    public static let knownNames = "gpt2, smollm, llama-bpe (llama3), qwen2, falcon, bloom, default and their llama.cpp aliases"
}

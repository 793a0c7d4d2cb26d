import Foundation

/// BLEU of one prediction against one reference, as lm-evaluation-harness's TruthfulQA
/// computes it: sacrebleu's `corpus_bleu([prediction], [[reference]])` with the "intl"
/// tokenizer, exponential smoothing, no lower-casing and the full order 4. Scores are
/// 0–100.
public enum SentenceBLEU {
    public static let maxOrder = 4

    public static func score(prediction: String, reference: String) -> Double {
        let hypothesis = tokens(prediction), target = tokens(reference)
        var correct = [Int](repeating: 0, count: maxOrder), total = [Int](repeating: 0, count: maxOrder)
        for n in 1...maxOrder {
            let found = ngrams(hypothesis, n), wanted = ngrams(target, n)
            correct[n - 1] = found.reduce(0) { $0 + min($1.value, wanted[$1.key] ?? 0) }
            total[n - 1] = max(0, hypothesis.count - n + 1)
        }
        // sacrebleu's compute_bleu: an order with no n-grams ends the loop (its precision
        // stays 0); an order with none correct gets 100 / (2^k · total), k counting them.
        var precisions = [Double](repeating: 0, count: maxOrder)
        var smoothing = 1.0
        for n in 0..<maxOrder {
            if total[n] == 0 { break }
            if correct[n] == 0 {
                smoothing *= 2
                precisions[n] = 100 / (smoothing * Double(total[n]))
            } else {
                precisions[n] = 100 * Double(correct[n]) / Double(total[n])
            }
        }
        let brevity: Double
        if hypothesis.count < target.count {
            brevity = hypothesis.isEmpty ? 0 : exp(1 - Double(target.count) / Double(hypothesis.count))
        } else {
            brevity = 1
        }
        // sacrebleu's my_log: log(0) is -9999999999, so a zero precision zeroes the score.
        let logs = precisions.map { $0 == 0 ? -9_999_999_999 : log($0) }
        return brevity * exp(logs.reduce(0, +) / Double(maxOrder))
    }

    /// sacrebleu's TokenizerV14International after `rstrip()`: punctuation split from a
    /// neighbouring non-digit, symbols split out, whitespace collapsed.
    public static func tokens(_ text: String) -> [String] {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, isPythonSpace(last) { scalars.removeLast() }
        // Python's re.sub: leftmost matches, none overlapping, the scan resuming after each.
        scalars = substitutePairs(scalars) { a, b in !isNumber(a) && isPunctuation(b) ? [a, " ", b, " "] : nil }
        scalars = substitutePairs(scalars) { a, b in isPunctuation(a) && !isNumber(b) ? [" ", a, " ", b] : nil }
        scalars = scalars.flatMap { isSymbol($0) ? [" ", $0, " "] : [$0] }
        return String(String.UnicodeScalarView(scalars)).split { $0.unicodeScalars.allSatisfy(isPythonSpace) }.map(String.init)
    }

    private static func substitutePairs(
        _ scalars: [Unicode.Scalar], _ replace: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]?
    ) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < scalars.count {
            if i + 1 < scalars.count, let replacement = replace(scalars[i], scalars[i + 1]) {
                out += replacement
                i += 2
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return out
    }

    private static func ngrams(_ tokens: [String], _ n: Int) -> [ArraySlice<String>: Int] {
        var counts: [ArraySlice<String>: Int] = [:]
        if tokens.count >= n {
            for start in 0...(tokens.count - n) { counts[tokens[start..<(start + n)], default: 0] += 1 }
        }
        return counts
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isSymbol(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
        default: return false
        }
    }

    /// Python's `str.isspace` (and so `str.split()` with no argument).
    static func isPythonSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace || (0x1C...0x1F).contains(s.value) }
}

/// ROUGE-L as Google's rouge-score computes it (no stemmer, its default tokenizer), the
/// F-measure ×100 as lm-evaluation-harness reports it: `sentence` is `rougeL` (longest
/// common subsequence of the token lists), `summary` is `rougeLsum` (union LCS over the
/// newline-separated sentences), after lm-eval's TruthfulQA `_prepare_summary`, which
/// turns " . " into a sentence break.
public enum RougeL {
    public static func sentence(prediction: String, reference: String) -> Double {
        let p = tokens(prediction), r = tokens(reference)
        guard !p.isEmpty, !r.isEmpty else { return 0 }
        let common = Double(lcsTable(r, p)[r.count][p.count])
        return fMeasure(precision: common / Double(p.count), recall: common / Double(r.count)) * 100
    }

    public static func summary(prediction: String, reference: String) -> Double {
        func sentences(_ text: String) -> [[String]] {
            text.replacingOccurrences(of: " . ", with: ".\n").split(separator: "\n", omittingEmptySubsequences: true)
                .map { tokens(String($0)) }
        }
        let candidates = sentences(prediction), references = sentences(reference)
        let m = references.reduce(0) { $0 + $1.count }, n = candidates.reduce(0) { $0 + $1.count }
        guard m > 0, n > 0 else { return 0 }
        var referenceCounts: [String: Int] = [:], candidateCounts: [String: Int] = [:]
        for s in references { for t in s { referenceCounts[t, default: 0] += 1 } }
        for s in candidates { for t in s { candidateCounts[t, default: 0] += 1 } }
        var hits = 0
        for reference in references {
            // The union of the reference positions each candidate sentence's LCS uses.
            let union = Set(candidates.flatMap { lcsIndices(reference, $0) }).sorted()
            for token in union.map({ reference[$0] }) where (candidateCounts[token] ?? 0) > 0 && (referenceCounts[token] ?? 0) > 0 {
                hits += 1
                candidateCounts[token]! -= 1
                referenceCounts[token]! -= 1
            }
        }
        return fMeasure(precision: Double(hits) / Double(n), recall: Double(hits) / Double(m)) * 100
    }

    /// rouge-score's tokenizer: lower-cased, every run of characters other than a–z and 0–9
    /// a separator, empty pieces dropped.
    public static func tokens(_ text: String) -> [String] {
        text.lowercased().unicodeScalars.split { !(("a"..."z").contains($0) || ("0"..."9").contains($0)) }
            .map { String(String.UnicodeScalarView($0)) }
    }

    static func fMeasure(precision: Double, recall: Double) -> Double {
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }

    static func lcsTable(_ a: [String], _ b: [String]) -> [[Int]] {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 1..<(a.count + 1) {
            for j in 1..<(b.count + 1) {
                table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : max(table[i - 1][j], table[i][j - 1])
            }
        }
        return table
    }

    /// The positions in `reference` of one LCS with `candidate`, backtracked as rouge-score
    /// does (`_backtrack_norec`: on a tie it steps back in the reference).
    static func lcsIndices(_ reference: [String], _ candidate: [String]) -> [Int] {
        guard !reference.isEmpty, !candidate.isEmpty else { return [] }
        let table = lcsTable(reference, candidate)
        var i = reference.count, j = candidate.count, indices: [Int] = []
        while i > 0 && j > 0 {
            if reference[i - 1] == candidate[j - 1] {
                indices.append(i - 1)
                i -= 1
                j -= 1
            } else if table[i][j - 1] > table[i - 1][j] {
                j -= 1
            } else {
                i -= 1
            }
        }
        return indices.reversed()
    }
}

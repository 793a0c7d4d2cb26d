/// ROUGE-N (rouge1, rouge2) as Google's rouge-score computes it with no stemmer and its
/// default tokenizer (`RougeL.tokens`), the F-measure ×100 as lm-evaluation-harness reports
/// it: the n-grams the two texts share (each counted as often as both have it) over the
/// prediction's n-grams (precision) and the reference's (recall).
public enum RougeN {
    public static func score(_ n: Int, prediction: String, reference: String) -> Double {
        precondition(n >= 1, "ROUGE-N needs n >= 1")
        let found = ngrams(RougeL.tokens(prediction), n), wanted = ngrams(RougeL.tokens(reference), n)
        let shared = found.reduce(0) { $0 + min($1.value, wanted[$1.key] ?? 0) }
        let predicted = found.values.reduce(0, +), expected = wanted.values.reduce(0, +)
        // rouge-score divides by max(count, 1), so an empty side scores 0 rather than NaN.
        let precision = Double(shared) / Double(max(predicted, 1)), recall = Double(shared) / Double(max(expected, 1))
        return RougeL.fMeasure(precision: precision, recall: recall) * 100
    }

    private static func ngrams(_ tokens: [String], _ n: Int) -> [ArraySlice<String>: Int] {
        var counts: [ArraySlice<String>: Int] = [:]
        if tokens.count >= n {
            for start in 0...(tokens.count - n) { counts[tokens[start..<(start + n)], default: 0] += 1 }
        }
        return counts
    }
}

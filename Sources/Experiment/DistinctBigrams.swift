/// Distinct-2 (Li et al. 2016) over a set of texts: unique word bigrams / all word bigrams,
/// words split at whitespace, bigrams within each text. A model caught in a loop
/// (" and and and …") or answering every prompt alike scores near 0, however likely the
/// unsteered model finds each repeated token; nil when no text has two words.
public enum DistinctBigrams {
    public static func share(_ texts: [String]) -> Double? {
        var seen: Set<[Substring]> = []
        var total = 0
        for text in texts {
            let words = text.split(whereSeparator: \.isWhitespace)
            guard words.count >= 2 else { continue }
            for i in 1..<words.count {
                seen.insert([words[i - 1], words[i]])
                total += 1
            }
        }
        return total == 0 ? nil : Double(seen.count) / Double(total)
    }
}

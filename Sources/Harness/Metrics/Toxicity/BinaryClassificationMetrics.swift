import Foundation

/// How well scores separate two classes: accuracy at a threshold, the area under the ROC
/// curve (the probability that a random positive scores above a random negative, ties
/// counting one half: the Mann-Whitney statistic), and the mean log loss.
public enum BinaryClassificationMetrics {
    /// The share of items on the right side of `threshold` (score > threshold = positive).
    public static func accuracy(scores: [Double], labels: [Bool], threshold: Double = 0.5) -> Double {
        guard !scores.isEmpty else { return .nan }
        let right = zip(scores, labels).filter { ($0 > threshold) == $1 }.count
        return Double(right) / Double(scores.count)
    }

    /// NaN when either class is absent.
    public static func auroc(scores: [Double], labels: [Bool]) -> Double {
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return .nan }
        // Ranks of the scores (1-based), ties given their average rank.
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        let positiveRanks = zip(ranks, labels).filter(\.1).reduce(0.0) { $0 + $1.0 }
        let u = positiveRanks - Double(positives * (positives + 1)) / 2
        return u / Double(positives * negatives)
    }

    /// −mean(y·log p + (1−y)·log(1−p)), probabilities clamped away from 0 and 1.
    public static func logLoss(probabilities: [Double], labels: [Bool]) -> Double {
        guard !probabilities.isEmpty else { return .nan }
        let total = zip(probabilities, labels).reduce(0.0) { sum, item in
            let p = min(max(item.0, 1e-15), 1 - 1e-15)
            return sum - (item.1 ? log(p) : log(1 - p))
        }
        return total / Double(probabilities.count)
    }
}

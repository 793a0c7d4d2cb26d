import Harness

/// A run's metrics from its samples: every scorer over the samples in document order, and
/// with a paired baseline in every sample, the method against it. One function for a run
/// and for `merge`, so shards joined give the unsharded run's numbers.
enum SampleMetrics {
    /// `order`: the documents in the run's order (samples of other documents are ignored,
    /// the first sample of a document counts).
    static func compute(
        _ samples: [Sample], order: [Instance], scorers: [any Scorer], paired: Bool, seed: UInt64
    ) throws -> (ordered: [Sample], metrics: [String: MetricValue], comparisons: [String: PairedComparison]) {
        let byID = Dictionary(samples.map { ($0.docID, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = order.compactMap { byID[$0.docID] }
        var metrics: [String: MetricValue] = [:]
        var comparisons: [String: PairedComparison] = [:]
        let baselines = ordered.compactMap(\.baselineSample)
        for scorer in scorers {
            let scores = try scorer.scores(ordered)
            metrics[scorer.name] = scorer.aggregate(scores)
            if paired, baselines.count == ordered.count, !ordered.isEmpty {
                comparisons[scorer.name] = try PairedComparison(
                    method: scores, baseline: try scorer.scores(baselines), seed: seed)
            }
        }
        return (ordered, metrics, comparisons)
    }
}

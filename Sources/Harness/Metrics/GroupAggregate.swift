/// A group's metric from its members' (MMLU's categories from their subjects, XCOPA from its
/// languages), as lm-eval 0.4.8+ aggregates a group with `weight_by_size: True`: the mean of
/// the members' values weighted by their document counts, and the pooled standard error
/// sqrt(Σ (nᵢ−1)·nᵢ·seᵢ² / (Σ nᵢ − k) / Σ nᵢ) over the k members (nᵢ·seᵢ² is member i's
/// sample variance). Groups of groups aggregate their leaf members directly.
public enum GroupAggregate {
    public static func weighted(_ members: [MetricValue]) -> MetricValue {
        let total = members.reduce(0) { $0 + $1.count }
        guard total > 0, !members.isEmpty else { return MetricValue(value: .nan, stderr: .nan, count: 0) }
        let mean = members.reduce(0.0) { $0 + $1.value * Double($1.count) } / Double(total)
        // A member with one document has no standard error; lm-eval reports N/A then.
        guard total > members.count, members.allSatisfy({ $0.stderr.isFinite }) else {
            return MetricValue(value: mean, stderr: .nan, count: total)
        }
        let pooledVariance =
            members.reduce(0.0) { sum, m in
                sum + Double(m.count - 1) * Double(m.count) * m.stderr * m.stderr
            } / Double(total - members.count)
        return MetricValue(value: mean, stderr: (pooledVariance / Double(total)).squareRoot(), count: total)
    }
}

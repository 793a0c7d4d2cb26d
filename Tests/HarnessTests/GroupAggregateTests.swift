import Harness
import Testing

/// lm-eval's group aggregation with weight_by_size (MMLU's categories, XCOPA).
@Suite("Group aggregation")
struct GroupAggregateTests {
    @Test("size-weighted mean and pooled standard error, worked by hand")
    func pooled() {
        // A: 1,0,1,1 (mean 3/4, sample variance 1/4); B: 0,0,1 (mean 1/3, sample variance 1/3).
        let a = MetricValue(scores: [1, 0, 1, 1])
        let b = MetricValue(scores: [0, 0, 1])
        let group = GroupAggregate.weighted([a, b])
        #expect(group.count == 7)
        #expect(abs(group.value - 4.0 / 7.0) < 1e-12)
        // sqrt(((4−1)·4·(1/16) + (3−1)·3·(1/9)) / (7 − 2) / 7) = sqrt(0.283333… / 7)
        #expect(abs(group.stderr - 0.201187) < 1e-6)
    }

    @Test("a member with one document has no standard error, so the group has none (lm-eval: N/A)")
    func single() {
        let group = GroupAggregate.weighted([MetricValue(scores: [1]), MetricValue(scores: [0, 1])])
        #expect(abs(group.value - 2.0 / 3.0) < 1e-12 && group.stderr.isNaN)
    }
}

import Foundation
import Harness
import Testing

/// The default toxicity classifier's head and its evaluation measures.
@Suite("logistic regression, accuracy and AUROC")
struct LogisticRegressionTests {
    /// Two overlapping clouds in 3 dimensions, from a fixed generator.
    static func data(_ n: Int) -> ([[Float]], [Bool]) {
        var state: UInt64 = 42
        func uniform() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        var x: [[Float]] = [], y: [Bool] = []
        for i in 0..<n {
            let positive = i % 3 != 0
            x.append([uniform() + (positive ? 0.4 : -0.3), uniform() * 2, uniform() - (positive ? 0.2 : 0)])
            y.append(positive)
        }
        return (x, y)
    }

    @Test("the fit satisfies the penalised optimality condition Σ(p−y)x + λw = 0 and Σ(p−y) = 0")
    func optimality() throws {
        let (x, y) = Self.data(300)
        for penalty in [0.01, 1.0, 30.0] {
            let model = try LogisticRegression.fit(features: x, labels: y, penalty: penalty)
            var gradient = model.weights.map { penalty * $0 }
            var interceptGradient = 0.0
            for (row, label) in zip(x, y) {
                let r = model.probability(row) - (label ? 1 : 0)
                interceptGradient += r
                for i in gradient.indices { gradient[i] += r * Double(row[i]) }
            }
            #expect(gradient.allSatisfy { abs($0) < 1e-6 } && abs(interceptGradient) < 1e-6, "\(penalty): \(gradient) \(interceptGradient)")
        }
        // A larger penalty shrinks the weights.
        let loose = try LogisticRegression.fit(features: x, labels: y, penalty: 0.01)
        let tight = try LogisticRegression.fit(features: x, labels: y, penalty: 100)
        let tightNorm: Double = tight.weights.reduce(0) { $0 + $1 * $1 }
        let looseNorm: Double = loose.weights.reduce(0) { $0 + $1 * $1 }
        #expect(tightNorm < looseNorm)
        #expect(loose.weights[0] > 0)
    }

    @Test("one class, mismatched rows or no penalty are refused")
    func refusals() {
        #expect(throws: HarnessError.self) { try LogisticRegression.fit(features: [[1], [2]], labels: [true, true], penalty: 1) }
        #expect(throws: HarnessError.self) { try LogisticRegression.fit(features: [[1], [2]], labels: [true], penalty: 1) }
        #expect(throws: HarnessError.self) { try LogisticRegression.fit(features: [[1], [2]], labels: [true, false], penalty: 0) }
        #expect(throws: HarnessError.self) { try LogisticRegression.fit(features: [[1], [2, 3]], labels: [true, false], penalty: 1) }
    }

    @Test("AUROC is the share of positive-negative pairs ordered right, ties counting one half")
    func auroc() {
        #expect(BinaryClassificationMetrics.auroc(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        #expect(BinaryClassificationMetrics.auroc(scores: [0.5, 0.5, 0.5], labels: [true, false, true]) == 0.5)
        #expect(BinaryClassificationMetrics.auroc(scores: [0.9, 0.2], labels: [false, true]) == 0)
        #expect(BinaryClassificationMetrics.auroc(scores: [0.2, 0.3, 0.3, 0.9], labels: [false, true, false, true]) == 0.875)
        #expect(BinaryClassificationMetrics.auroc(scores: [0.1, 0.2], labels: [true, true]).isNaN)
        #expect(BinaryClassificationMetrics.accuracy(scores: [0.6, 0.5, 0.2, 0.9], labels: [true, true, false, false]) == 0.5)
        #expect(
            abs(BinaryClassificationMetrics.logLoss(probabilities: [0.8, 0.25], labels: [true, false]) - (-(log(0.8) + log(0.75)) / 2))
                < 1e-12)
    }

    @Test("a card's higher_is_better is read as a direction, not an option, and written back")
    func metricDirection() throws {
        struct Card: Decodable { let metrics: [MetricSpec] }
        let json = #"{"metrics": ["acc", {"name": "toxicity_rate", "higher_is_better": "false"}]}"#
        let card = try JSONDecoder().decode(Card.self, from: Data(json.utf8))
        #expect(card.metrics[0].higherIsBetter == nil)
        #expect(card.metrics[1] == MetricSpec("toxicity_rate", higherIsBetter: false))
        #expect(card.metrics[1].options.isEmpty)
        let back = try JSONDecoder().decode(MetricSpec.self, from: JSONEncoder().encode(card.metrics[1]))
        #expect(back == card.metrics[1])
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(MetricSpec.self, from: Data(#"{"name": "x", "higher_is_better": "maybe"}"#.utf8))
        }
    }
}

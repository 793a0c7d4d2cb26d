import Dispatch
import Harness
import Interventions

/// Scores a fitted method at every (K, strength) of a grid on some instances (validation
/// when choosing, any split when exploring), all configurations in one pass over the
/// documents: each batch's prompts are computed once and shared by every configuration.
public struct GridSearch {
    public typealias Cell = GridCell

    public struct Result: Sendable, Codable {
        public let metric: String
        public let ks: [Int]
        public let strengths: [Double]
        public let cells: [Cell]
        /// The best cell that did not fail (the highest score, or the lowest for a
        /// lower-is-better metric); ties go to the smaller K, then the smaller strength.
        public var best: Cell {
            let sign = lowerIsBetter == true ? -1.0 : 1.0
            return cells.filter(\.score.isFinite).min { a, b in
                (sign * a.score, -a.k, -a.strength) > (sign * b.score, -b.k, -b.strength)
            }!
        }
        public let seconds: Double
        /// Set when the metric is lower-is-better (toxicity): the search minimises it.
        public var lowerIsBetter: Bool? = nil

        public init(
            metric: String, ks: [Int], strengths: [Double], cells: [Cell], seconds: Double, lowerIsBetter: Bool? = nil
        ) {
            self.metric = metric
            self.ks = ks
            self.strengths = strengths
            self.cells = cells
            self.seconds = seconds
            self.lowerIsBetter = lowerIsBetter
        }

        public func score(k: Int, strength: Double) -> Double? {
            cells.first { $0.k == k && $0.strength == strength }?.score
        }
    }

    public let model: ModelUnderTest
    public let batchSize: Int

    public init(model: ModelUnderTest, batchSize: Int) {
        self.model = model
        self.batchSize = batchSize
    }

    /// Every configuration's per-document scores (nil for a configuration whose
    /// log-probabilities were not all finite), in the instances' order.
    public struct DocumentScores: Sendable {
        public let configurations: [(k: Int, strength: Double)]
        public let scores: [[Double]?]
        public let seconds: Double
    }

    /// `scorer` gives each cell its score (the mean of its per-document scores).
    public func run(
        _ fitted: any FittedMethod, ks: [Int], strengths: [Double], instances: [Instance],
        scorer: any Scorer, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Result {
        let scored = try documentScores(
            fitted, ks: ks, strengths: strengths, instances: instances, scorer: scorer, progress: progress)
        return try Self.result(scored, ks: ks, strengths: strengths, scorer: scorer)
    }

    /// The grid from per-document scores: each cell the scorer's aggregate of its documents
    /// (a failed configuration NaN); refused when every configuration failed.
    public static func result(_ scored: DocumentScores, ks: [Int], strengths: [Double], scorer: any Scorer) throws -> Result {
        let cells = zip(scored.configurations, scored.scores).map { c, scores in
            Cell(k: c.k, strength: c.strength, score: scores.map { scorer.aggregate($0).value } ?? .nan)
        }
        guard cells.contains(where: \.score.isFinite) else {
            throw HarnessError.invalidInput(
                "every configuration of the K × strength grid gave non-finite log-probabilities (the edits overflow the activations); use smaller strengths"
            )
        }
        return Result(
            metric: scorer.name, ks: ks, strengths: strengths, cells: cells, seconds: scored.seconds,
            lowerIsBetter: scorer.higherIsBetter ? nil : true)
    }

    /// Every configuration on every instance, all configurations in one pass over the
    /// documents.
    public func documentScores(
        _ fitted: any FittedMethod, ks: [Int], strengths: [Double], instances: [Instance],
        scorer: any Scorer, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> DocumentScores {
        guard !ks.isEmpty, !strengths.isEmpty else {
            throw HarnessError.invalidInput(
                "the K × strength grid is empty (\(ks.count) K values, \(strengths.count) strengths); give at least one of each")
        }
        guard strengths.allSatisfy(\.isFinite) else {
            throw HarnessError.invalidInput("a strength of the grid is not a finite number: \(strengths)")
        }
        let started = DispatchTime.now()
        var configurations: [(k: Int, strength: Double)] = []
        for k in ks { for s in strengths { configurations.append((k, s)) } }
        let plans = try configurations.map { try fitted.plan(k: $0.k, strength: $0.strength) }
        var perPlan = [[Sample]](repeating: [], count: plans.count)
        var done = 0
        progress(0, instances.count)
        try EvaluationLoop(model: model.loaded, batchSize: batchSize).run(instances, interventions: plans) { batch, responses in
            for p in plans.indices {
                perPlan[p] += batch.enumerated().map { i, instance in instance.sample(response: responses[p][i]) }
            }
            done += batch.count
            progress(done, instances.count)
        }
        // A configuration whose log-probabilities are not numbers failed: its cell says so
        // (NaN, shown as a failure) instead of scoring whatever argmax made of them.
        let scores = try perPlan.map { samples in samples.allSatisfy(\.response.isFinite) ? try scorer.scores(samples) : nil }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return DocumentScores(configurations: configurations, scores: scores, seconds: seconds)
    }
}

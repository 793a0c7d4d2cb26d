import Dispatch
import Engine
import Harness

/// Scores a fitted method at every (K, strength) of a grid on a split (validation, never
/// test), all configurations in one pass over the documents: each batch's prompts are
/// computed once and shared by every configuration (see LoglikelihoodRunner).
public struct GridSearch {
    public struct Cell: Sendable, Codable, Equatable {
        public let k: Int
        public let strength: Double
        public let score: Double
    }

    public struct Result: Sendable, Codable {
        public let metric: String
        public let ks: [Int]
        public let strengths: [Double]
        public let cells: [Cell]
        /// The best cell; ties go to the smaller K, then the smaller strength.
        public var best: Cell {
            cells.min { a, b in (a.score, -a.k, -a.strength) > (b.score, -b.k, -b.strength) }!
        }
        public let seconds: Double

        public func score(k: Int, strength: Double) -> Double? {
            cells.first { $0.k == k && $0.strength == strength }?.score
        }
    }

    public let model: LoadedModel
    public let scoring: ScoringProtocol
    public let batchSize: Int

    public init(model: LoadedModel, scoring: ScoringProtocol, batchSize: Int) {
        self.model = model
        self.scoring = scoring
        self.batchSize = batchSize
    }

    public func run(_ fitted: any PlanBuilder, ks: [Int], strengths: [Double], items: [MultipleChoiceItem],
                    scorer: any Scorer, progress: (Int, Int) -> Void = { _, _ in }) throws -> Result {
        let started = DispatchTime.now()
        var configurations: [(k: Int, strength: Double)] = []
        for k in ks { for s in strengths { configurations.append((k, s)) } }
        let plans = try configurations.map { try fitted.plan(k: $0.k, strength: $0.strength) }
        var perPlan = [[MultipleChoiceSample]](repeating: [], count: plans.count)
        let runner = LoglikelihoodRunner(network: model.network, tokenizer: model.tokenizer, batchSize: batchSize)
        var start = 0
        progress(0, items.count)
        while start < items.count {
            let batch = Array(items[start..<min(start + batchSize, items.count)])
            let requests = scoring.requests(for: batch)
            let output = try runner.runCounting(requests, interventions: plans)
            for p in plans.indices {
                var offset = 0
                for item in batch {
                    let results = Array(output.results[p][offset..<(offset + item.continuations.count)])
                    offset += item.continuations.count
                    perPlan[p].append(scoring.sample(item, results: results, tokenizer: model.tokenizer, keepText: false))
                }
            }
            start += batch.count
            progress(start, items.count)
        }
        let cells = configurations.enumerated().map { p, c in
            Cell(k: c.k, strength: c.strength, score: MetricValue(scores: perPlan[p].map(scorer.score)).value)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return Result(metric: scorer.name, ks: ks, strengths: strengths, cells: cells, seconds: seconds)
    }
}

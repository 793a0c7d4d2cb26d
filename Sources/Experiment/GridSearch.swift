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
        /// The best cell that neither failed nor was refused by the fluency guard (the highest
        /// score, or the lowest for a lower-is-better metric); ties go to the smaller K, then
        /// the smaller strength.
        public var best: Cell {
            let sign = lowerIsBetter == true ? -1.0 : 1.0
            return cells.filter(\.isAdmissible).min { a, b in
                (sign * a.score, -a.k, -a.strength) > (sign * b.score, -b.k, -b.strength)
            }!
        }
        public let seconds: Double
        /// Set when the metric is lower-is-better (toxicity): the search minimises it.
        public var lowerIsBetter: Bool? = nil
        /// The fluency guard the cells were checked against, and the unsteered model's own
        /// validation continuations as it judges them.
        public var fluencyGuard: FluencyGuard? = nil
        public var unsteered: FluencyGuard.Measure? = nil

        /// How many cells the fluency guard refused.
        public var refused: Int { cells.filter { $0.refusal != nil }.count }

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
        /// Under a fluency guard: each configuration's continuations and the unsteered
        /// model's, as the unsteered model judges them.
        public var fluency: GuardMeasures = nil

        public typealias GuardMeasures = (rule: FluencyGuard, unsteered: FluencyGuard.Measure, configurations: [FluencyGuard.Measure])?

        public init(configurations: [(k: Int, strength: Double)], scores: [[Double]?], seconds: Double, fluency: GuardMeasures = nil) {
            self.configurations = configurations
            self.scores = scores
            self.seconds = seconds
            self.fluency = fluency
        }
    }

    /// `scorer` gives each cell its score (the mean of its per-document scores); with
    /// `fluencyGuard` (generation only), cells whose continuations collapse are refused.
    public func run(
        _ fitted: any FittedMethod, ks: [Int], strengths: [Double], instances: [Instance],
        scorer: any Scorer, fluencyGuard: FluencyGuard? = nil, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Result {
        let scored = try documentScores(
            fitted, ks: ks, strengths: strengths, instances: instances, scorer: scorer, fluencyGuard: fluencyGuard,
            progress: progress)
        return try Self.result(scored, ks: ks, strengths: strengths, scorer: scorer)
    }

    /// The grid from per-document scores: each cell the scorer's aggregate of its documents
    /// (a failed configuration NaN); refused when every configuration failed or the fluency
    /// guard refused every one that did not.
    public static func result(_ scored: DocumentScores, ks: [Int], strengths: [Double], scorer: any Scorer) throws -> Result {
        var cells = zip(scored.configurations, scored.scores).map { c, scores in
            Cell(k: c.k, strength: c.strength, score: scores.map { scorer.aggregate($0).value } ?? .nan)
        }
        guard cells.contains(where: \.score.isFinite) else {
            throw HarnessError.invalidInput(
                "every configuration of the K × strength grid gave non-finite log-probabilities (the edits overflow the activations); use smaller strengths"
            )
        }
        if let fluency = scored.fluency {
            for (index, measure) in fluency.configurations.enumerated() {
                cells[index].emptyShare = measure.emptyShare
                cells[index].perplexity = measure.perplexity
                cells[index].distinctBigrams = measure.distinctBigrams
                cells[index].refusal = cells[index].score.isFinite ? fluency.rule.refusal(of: measure, baseline: fluency.unsteered) : nil
            }
            guard cells.contains(where: \.isAdmissible) else {
                let listing = cells.map { "K=\($0.k) strength=\($0.strength): \($0.refusal ?? "failed")" }.joined(separator: "; ")
                throw HarnessError.invalidInput(
                    "the fluency guard (\(fluency.rule.summary)) refused every configuration of the K × strength grid, whose validation continuations collapse: \(listing); add smaller strengths to --strengths, loosen --max-empty-increase / --max-perplexity-ratio / --min-distinct-ratio, or choose with --fluency-guard off"
                )
            }
        }
        var result = Result(
            metric: scorer.name, ks: ks, strengths: strengths, cells: cells, seconds: scored.seconds,
            lowerIsBetter: scorer.higherIsBetter ? nil : true)
        result.fluencyGuard = scored.fluency?.rule
        result.unsteered = scored.fluency?.unsteered
        return result
    }

    /// Every configuration on every instance, all configurations in one pass over the
    /// documents; with `fluencyGuard`, the unsteered model generates alongside them and every
    /// configuration's continuations are judged against its own.
    public func documentScores(
        _ fitted: any FittedMethod, ks: [Int], strengths: [Double], instances: [Instance],
        scorer: any Scorer, fluencyGuard: FluencyGuard? = nil, progress: (Int, Int) -> Void = { _, _ in }
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
        if fluencyGuard != nil, let other = instances.first(where: { $0.request.outputType != .generateUntil }) {
            throw HarnessError.invalidInput(
                "the fluency guard judges generated text, and document \(other.docID) asks for \(other.request.outputType.rawValue); choose with --fluency-guard off"
            )
        }
        // Under the guard, the unsteered model's continuations come first (plan nil).
        let plans: [(any InterventionRuntime)?] =
            (fluencyGuard == nil ? [] : [nil]) + (try configurations.map { try fitted.plan(k: $0.k, strength: $0.strength) })
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
        let unsteered = fluencyGuard == nil ? nil : perPlan.removeFirst()
        // A configuration whose log-probabilities are not numbers failed: its cell says so
        // (NaN, shown as a failure) instead of scoring whatever argmax made of them.
        let scores = try perPlan.map { samples in samples.allSatisfy(\.response.isFinite) ? try scorer.scores(samples) : nil }
        var fluency: DocumentScores.GuardMeasures = nil
        if let fluencyGuard, let unsteered {
            // One request a document: the unsteered continuation and every configuration's
            // after the same prompt, the prompt computed once.
            let continuations = unsteered.indices.map { i in
                Fluency.Continuations(
                    docID: unsteered[i].docID, context: unsteered[i].request.context,
                    texts: [unsteered[i].response.generatedText] + perPlan.map { $0[i].response.generatedText })
            }
            let judged = try Fluency.scores(of: continuations, model: model, batchSize: batchSize)
            let measures = (0...perPlan.count).map { column in
                FluencyGuard.Measure(
                    judged.map { $0[column] }, texts: continuations.map { $0.texts[column] ?? "" })
            }
            fluency = (fluencyGuard, measures[0], Array(measures.dropFirst()))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return DocumentScores(configurations: configurations, scores: scores, seconds: seconds, fluency: fluency)
    }
}

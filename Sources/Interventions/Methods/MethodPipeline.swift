import Engine
import Harness

/// Fits a method on a task's `pairs` split and chooses its K and strength on the
/// `validation` split, so nothing about the test split shapes the intervention.
public struct MethodPipeline {
    public let task: any BenchmarkTask
    public let model: LoadedModel
    public let store: DataStore
    public let scoring: ScoringProtocol
    public let batchSize: Int

    public init(task: any BenchmarkTask, model: LoadedModel, store: DataStore, scoring: ScoringProtocol, batchSize: Int) {
        self.task = task
        self.model = model
        self.store = store
        self.scoring = scoring
        self.batchSize = batchSize
    }

    /// The items of the card's first split with `role`, rendered with the protocol's prompt.
    public func items(role: TaskCard.Role, prompt: String? = nil) throws -> [MultipleChoiceItem] {
        let split = try task.split(role: role)
        let chosen = try scoring.prompt(of: task.card, requested: prompt)
        return try task.documents(split: split, store: store).map { try task.item($0, prompt: chosen) }
    }

    /// The contrastive pairs of the `pairs` split, the first `options.pairLimit` of them if set.
    public func pairs(options: FittingOptions, prompt: String? = nil) throws -> [ContrastivePair] {
        let all = try items(role: .pairs, prompt: prompt).flatMap(ContrastivePair.pairs(from:))
        return options.pairLimit.map { Array(all.prefix($0)) } ?? all
    }

    public func fit(_ method: MethodKind, options: FittingOptions, prompt: String? = nil) throws -> FittedIntervention {
        let pairs = try self.pairs(options: options, prompt: prompt)
        guard let kind = options.siteKind ?? method.siteKind else {
            throw InterventionError.invalid("the baseline has nothing to fit")
        }
        let collector = ActivationCollector(network: model.network, tokenizer: model.tokenizer, batchSize: batchSize,
                                            wholeWordSplit: scoring.wholeWordSplit)
        let collected = try collector.collect(pairs, kinds: [kind], at: options.position)
        return try FittedIntervention(method: method, options: options, shape: model.network.shape, collected: collected)
    }

    /// Fits any method other than the baseline: ITI's probes, or the others' mean differences.
    public func fitPlanBuilder(_ method: MethodKind, options: FittingOptions, prompt: String? = nil) throws -> any PlanBuilder {
        method == .iti ? try fitITI(options: options, prompt: prompt) : try fit(method, options: options, prompt: prompt)
    }

    /// The metric the validation search maximises: acc (harness) or exact match (official).
    public var selectionScorer: any Scorer { scoring == .official ? ExactMatchScorer() : AccuracyScorer(.none) }
}

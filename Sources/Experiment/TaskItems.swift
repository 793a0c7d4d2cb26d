import Harness
import Interventions

/// The one path from a task's split to instances: the split's documents (fetched, parsed,
/// subset), the first `limit` of them, rendered with the protocol's prompt and, with
/// `numFewshot`, the card's description and solved examples before each.
public struct TaskItems {
    public let task: any BenchmarkTask
    public let store: DataStore
    public let scoring: ScoringProtocol
    /// `--prompt`: a prompt of the card other than the protocol's.
    public let prompt: String?
    /// `--num-fewshot`: solved examples before every document (the card's `fewshot` pool).
    public let numFewshot: Int

    public init(task: any BenchmarkTask, store: DataStore, scoring: ScoringProtocol, prompt: String? = nil, numFewshot: Int = 0) {
        self.task = task
        self.store = store
        self.scoring = scoring
        self.prompt = prompt
        self.numFewshot = numFewshot
    }

    public func resolvedPrompt() throws -> TaskCard.Prompt { try scoring.prompt(of: task.card, requested: prompt) }

    /// The split named `name`, else the card's first split with `role`.
    public func instances(
        split name: String? = nil, role: TaskCard.Role, limit: Int? = nil, purpose: FewShotContext.Purpose = .scoring
    ) throws
        -> (split: TaskCard.Split, prompt: TaskCard.Prompt, instances: [Instance])
    {
        if let limit, limit < 1 { throw HarnessError.invalidInput("--limit must be at least 1, got \(limit)") }
        let split = try task.split(named: name, role: role)
        let prompt = try resolvedPrompt()
        var documents = try task.documents(split: split, store: store)
        if let limit { documents = Array(documents.prefix(limit)) }
        let instances = try FewShotContext(task: task, count: numFewshot)
            .instances(documents, split: split, prompt: prompt, store: store, purpose: purpose)
        return (split, prompt, instances)
    }

    /// Contrastive pairs of the split named `split`, else the card's first split with `role`
    /// (from each document's `pairInstance`: by default one per wrong choice), the first
    /// `limit` of them if set.
    public func pairs(split: String? = nil, role: TaskCard.Role, limit: Int? = nil) throws -> [ContrastivePair] {
        let all = try instances(split: split, role: role, purpose: .pairs).instances.flatMap(ContrastivePair.pairs(from:))
        return limit.map { Array(all.prefix($0)) } ?? all
    }
}

import Foundation

/// A task plugin: a card (`tasks/<name>.yaml`) plus the code that turns its data files into
/// documents. Everything else (prompts, requests, metrics, splits) comes from the card.
/// Named `BenchmarkTask` rather than `Task`, which Swift's concurrency already uses.
public protocol BenchmarkTask: Sendable {
    /// The card's `task` field and the name users type (variants add their own names).
    static var name: String { get }
    /// The fields every document has, checked against the card's templates when it loads.
    static var fieldNames: Set<String> { get }
    /// The card, resolved to one variant when the card has variants.
    var card: TaskCard { get }
    init(card: TaskCard)
    /// Every document of one data file (a key of the card's `files`), in file order.
    func documents(file key: String, at url: URL) throws -> [Document]
    /// The documents of a split: by default its file's documents, its seeded subset taken.
    /// Override when a document needs another file of the card too (ToxiGen's benign
    /// statements come from the group's neutral file).
    func documents(split: TaskCard.Split, store: DataStore) throws -> [Document]
    /// The document as a request under `prompt`. The default fills the card's templates:
    /// one choice per `doc_to_choice` (multiple_choice) or the context and the card's
    /// `generation` settings (generate_until); a prompt with `doc_to_target` gives each
    /// choice its own context (partial evaluation). Override for requests templates cannot say.
    func instance(_ document: Document, prompt: TaskCard.Prompt) throws -> Instance
    /// The instance contrastive pairs are read from when the document is fitted on: by
    /// default the scored instance (multiple choice: the right choice against each wrong
    /// one). TruthfulQA contrasts one right with one wrong answer, whatever its task scores.
    func pairInstance(_ document: Document, prompt: TaskCard.Prompt) throws -> Instance
    /// The document as a solved few-shot example: lm-eval's doc_to_text + target_delimiter +
    /// the target. The default is the right choice's context and continuation
    /// (multiple_choice) or the context, the delimiter and the first accepted answer.
    func fewShotExample(_ document: Document, prompt: TaskCard.Prompt) throws -> String
}

extension BenchmarkTask {
    /// Opens the card `<directory>/<name>.yaml` and checks it against the plugin.
    public static func load(cardsDirectory directory: String) throws -> Self {
        let card = try TaskCard.load(name: name, directory: directory)
        try card.checkPlaceholders(available: fieldNames)
        return Self(card: card)
    }

    /// The plugin with its card resolved to variant `name` (or the card itself).
    public func variant(named name: String) throws -> Self {
        Self(card: try card.resolved(variant: name))
    }

    /// The plugin generating at most `maxTokens` tokens per answer (`--max-tokens`).
    public func overridingMaxTokens(_ maxTokens: Int) throws -> Self {
        Self(card: try card.overridingMaxTokens(maxTokens))
    }

    /// The split named `name`, or the card's first split with `role`.
    public func split(named name: String? = nil, role: TaskCard.Role = .test) throws -> TaskCard.Split {
        if let name {
            guard let split = card.splits.first(where: { $0.name == name }) else {
                throw HarnessError.unknownName(
                    kind: "split", flag: "--split", given: name,
                    valid: card.splits.map(\.name))
            }
            return split
        }
        guard let split = card.splits(role: role).first else {
            throw HarnessError.invalidInput("task \(card.task) has no split with role \(role.rawValue); add one to its card")
        }
        return split
    }

    /// Whether two splits may hold the same document: the same split, or splits of one
    /// file of which one is marked `overlaps` or is the whole file (lint keeps other splits
    /// of one file disjoint subsets).
    public func sharesDocuments(_ a: TaskCard.Split, _ b: TaskCard.Split) -> Bool {
        a.name == b.name || (a.file == b.file && (a.overlaps || b.overlaps || a.subset == nil || b.subset == nil))
    }

    /// The documents of a split: its file fetched through `store`, parsed, and its seeded
    /// subset taken.
    public func documents(split: TaskCard.Split, store: DataStore) throws -> [Document] {
        let url = try store.fetch(card.dataFile(for: split))
        let all = try documents(file: split.file, at: url)
        return try SeededSubset.items(of: split, from: all)
    }

    public func pairInstance(_ document: Document, prompt: TaskCard.Prompt) throws -> Instance {
        try instance(document, prompt: prompt)
    }

    public func fewShotExample(_ document: Document, prompt: TaskCard.Prompt) throws -> String {
        let instance = try instance(document, prompt: prompt)
        switch instance.request {
        case let .loglikelihood(choices):
            // instance(_:prompt:) checked that the reference names choices of the request;
            // with several true ones (MC2) the first is shown, as lm-eval's doc_to_target 0.
            let gold = choices[instance.reference.trueChoiceIndices[0]]
            return gold.context + gold.continuation
        case let .generateUntil(context, _):
            guard let answer = instance.reference.acceptedAnswers.first else {
                throw HarnessError.invalidInput(
                    "task \(card.task), document \(document.id): it has no answer to show as a few-shot example; draw examples from a split whose documents have answers"
                )
            }
            return context + prompt.targetDelimiter + answer
        }
    }

    public func instance(_ document: Document, prompt: TaskCard.Prompt) throws -> Instance {
        let rendered = try card.render(prompt, fields: document.fields, lists: document.lists)
        switch card.outputType {
        case .multipleChoice:
            let gold = document.reference.trueChoiceIndices
            guard !gold.isEmpty, gold.allSatisfy({ $0 >= 0 && $0 < rendered.continuations.count }) else {
                throw HarnessError.invalidInput(
                    "task \(card.task), document \(document.id): the reference \(document.reference) is not one of its \(rendered.continuations.count) choices"
                )
            }
            let choices = rendered.continuations.indices.map { i in
                Choice(
                    context: rendered.choiceContexts?[i] ?? rendered.context, continuation: rendered.continuations[i],
                    text: rendered.choiceTexts[i], splitTrailingWhitespace: prompt.trailingWhitespace == .continuation)
            }
            return Instance(docID: document.id, request: .loglikelihood(choices: choices), reference: document.reference)
        case .generateUntil:
            guard let generation = card.generation else {
                throw HarnessError.invalidInput("task \(card.task) is generate_until but its card has no `generation`; add one")
            }
            return Instance(
                docID: document.id,
                request: .generateUntil(context: rendered.context, generation: generation.settings(documentID: document.id)),
                reference: document.reference)
        }
    }
}

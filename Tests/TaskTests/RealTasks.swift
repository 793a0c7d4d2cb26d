import Foundation
import Harness
import TaskRegistry
import TestSupport

/// The registered tasks with their real cards, reading the data mirror (../shared/datasets)
/// through DataStore into a scratch cache, so the tests see what a run sees.
enum RealTasks {
    static let registry = TaskRegistry(cardsDirectory: TestPaths.repositoryRoot + "/tasks")

    static func store() throws -> DataStore {
        let cache = URL(fileURLWithPath: try TestPaths.scratchDirectory("real-tasks"))
        return DataStore(cacheDirectory: cache, mirror: "file://" + TestPaths.datasets, offline: false, progress: false)
    }

    static func task(_ name: String) throws -> any BenchmarkTask { try registry.task(named: name) }

    /// The first `count` instances of a split (default: the test split) under a prompt of
    /// the card (default: its first), with `fewshot` solved examples before each.
    static func instances(
        _ name: String, split: String? = nil, prompt: String? = nil, count: Int, fewshot: Int = 0
    ) throws -> [Instance] {
        let task = try task(name)
        let store = try store()
        let chosen = try task.split(named: split)
        let documents = Array(try task.documents(split: chosen, store: store).prefix(count))
        let template = try prompt.map { try task.card.prompt(named: $0) } ?? task.card.defaultPrompt
        return try FewShotContext(task: task, count: fewshot).instances(documents, split: chosen, prompt: template, store: store)
    }
}

/// What a multiple-choice instance asks, as lm-eval's requests state it: per choice the
/// context and the continuation, and the gold index.
struct ExpectedRequests: Equatable, CustomStringConvertible {
    let contexts: [String]
    let continuations: [String]
    let gold: Int

    init(contexts: [String], continuations: [String], gold: Int) {
        self.contexts = contexts
        self.continuations = continuations
        self.gold = gold
    }

    /// One context for every choice.
    init(context: String, continuations: [String], gold: Int) {
        self.init(contexts: continuations.map { _ in context }, continuations: continuations, gold: gold)
    }

    init(_ instance: Instance) {
        self.init(
            contexts: instance.request.choices.map(\.context), continuations: instance.request.choices.map(\.continuation),
            gold: instance.reference.choiceIndex ?? -1)
    }

    var description: String { "contexts \(contexts.debugDescription), continuations \(continuations.debugDescription), gold \(gold)" }
}

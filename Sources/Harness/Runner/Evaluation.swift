import Engine
import Foundation

/// What a run is asked to do, beyond the task and model.
public struct EvaluationSettings: Sendable {
    public var split: String?
    public var prompt: String?
    public var method: String
    /// Method parameters as they should appear in the results (K, δ, policy, …).
    public var methodConfiguration: [String: String]
    public var limit: Int?
    public var seed: UInt64
    public var batchSize: Int
    public var outputDirectory: String
    public var logSamples: Bool
    public var scoring: ScoringProtocol = .harness

    public init(split: String? = nil, prompt: String? = nil, method: String = "baseline",
                methodConfiguration: [String: String] = [:], limit: Int? = nil, seed: UInt64 = 1234,
                batchSize: Int = 64, outputDirectory: String = "results", logSamples: Bool = false) {
        self.split = split
        self.prompt = prompt
        self.method = method
        self.methodConfiguration = methodConfiguration
        self.limit = limit
        self.seed = seed
        self.batchSize = batchSize
        self.outputDirectory = outputDirectory
        self.logSamples = logSamples
    }
}

/// One run of one task with one method: documents to requests, requests through the
/// runner in batches, samples journalled as they complete, metrics from the journal.
public struct Evaluation {
    public let task: any BenchmarkTask
    public let model: LoadedModel
    public let modelSHA256: String
    public let store: DataStore
    public let settings: EvaluationSettings

    public init(task: any BenchmarkTask, model: LoadedModel, modelSHA256: String, store: DataStore,
                settings: EvaluationSettings) {
        self.task = task
        self.model = model
        self.modelSHA256 = modelSHA256
        self.store = store
        self.settings = settings
    }

    public var modelDirectoryName: String { model.fileStem }

    /// The method's name in file names: `official` runs get their own files.
    private var fileStem: String { settings.scoring == .official ? settings.method + ".official" : settings.method }

    public var resultPath: String {
        RunResult.path(outputDirectory: settings.outputDirectory, model: modelDirectoryName,
                       task: task.card.task, method: fileStem)
    }

    public var samplesPath: String {
        RunResult.path(outputDirectory: settings.outputDirectory, model: modelDirectoryName,
                       task: task.card.task, method: fileStem, suffix: ".samples.jsonl")
    }

    /// The documents the run scores, after --split and --limit.
    public func items() throws -> (split: TaskCard.Split, prompt: TaskCard.Prompt, items: [MultipleChoiceItem]) {
        let split = try task.split(named: settings.split, role: .test)
        let prompt = try settings.scoring.prompt(of: task.card, requested: settings.prompt)
        var documents = try task.documents(split: split, store: store)
        if let limit = settings.limit {
            guard limit > 0 else { throw HarnessError.invalidInput("--limit must be at least 1, got \(limit)") }
            documents = Array(documents.prefix(limit))
        }
        return (split, prompt, try documents.map { try task.item($0, prompt: prompt) })
    }

    public func run(intervention: (any InterventionRuntime)? = nil, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> RunResult {
        let started = Date()
        let (split, prompt, items) = try items()
        var configuration = settings.methodConfiguration
        configuration["limit"] = settings.limit.map(String.init) ?? "none"
        configuration["seed"] = String(settings.seed)
        let header = RunJournal.Header(run: configuration.merging([
            "task": task.card.task, "split": split.name, "prompt": prompt.name, "method": settings.method,
            "model_sha256": modelSHA256, "log_samples": String(settings.logSamples),
            "batch_size": String(settings.batchSize), "protocol": settings.scoring.rawValue,
        ]) { $1 })
        let journal = try RunJournal(path: samplesPath, header: header, batchSize: settings.batchSize)
        let done = Set(journal.samples.map(\.docID))
        let pending = items.filter { !done.contains($0.document.id) }
        let runner = LoglikelihoodRunner(network: model.network, tokenizer: model.tokenizer, batchSize: settings.batchSize)
        var tokens = 0
        progress(items.count - pending.count, items.count)
        var start = 0
        while start < pending.count {
            let batch = pending[start..<min(start + settings.batchSize, pending.count)]
            let requests = settings.scoring.requests(for: batch)
            // With an intervention the baseline is scored in the same batches (sharing the
            // clean prompt prefix) for the paired comparison.
            let output = try runner.runCounting(requests, interventions: intervention == nil ? [nil] : [intervention, nil])
            tokens += output.tokens
            var offset = 0
            let samples = batch.map { item -> MultipleChoiceSample in
                let range = offset..<(offset + item.continuations.count)
                offset += item.continuations.count
                var sample = settings.scoring.sample(item, results: Array(output.results[0][range]), tokenizer: model.tokenizer,
                                                     keepText: settings.logSamples)
                if output.results.count > 1 {
                    let base = settings.scoring.sample(item, results: Array(output.results[1][range]), tokenizer: model.tokenizer,
                                                       keepText: false)
                    sample.baselineLogprobs = base.logprobs
                    sample.baselineGreedyTexts = base.greedyTexts
                }
                return sample
            }
            try journal.append(samples)
            start += batch.count
            progress(items.count - pending.count + start, items.count)
        }

        // Metrics come from the journal in document order, so a resumed run gives the same numbers.
        let byID = Dictionary(journal.samples.map { ($0.docID, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = items.compactMap { byID[$0.document.id] }
        var metrics: [String: MetricValue] = [:]
        var comparisons: [String: PairedComparison] = [:]
        let scorers = settings.scoring.scorers(of: task.card)
        let baselines = ordered.compactMap(\.baseline)
        for scorer in scorers {
            let scores = ordered.map(scorer.score)
            metrics[scorer.name] = MetricValue(scores: scores)
            if intervention != nil, baselines.count == ordered.count, !ordered.isEmpty {
                comparisons[scorer.name] = try PairedComparison(method: scores, baseline: baselines.map(scorer.score),
                                                                seed: settings.seed)
            }
        }
        try journal.finish(keep: settings.logSamples)
        let seconds = Date().timeIntervalSince(started)
        configuration["batch_size"] = String(settings.batchSize)
        let result = RunResult(
            task: task.card.task, split: split.name, prompt: prompt.name, method: settings.method,
            model: .init(name: modelDirectoryName, file: (model.path as NSString).lastPathComponent, sha256: modelSHA256),
            configuration: configuration, metrics: metrics, metricOrder: scorers.map(\.name),
            items: ordered.count, comparisons: comparisons.isEmpty ? nil : comparisons, wallSeconds: seconds, tokensPerSecond: Double(tokens) / max(seconds, 1e-9),
            gitCommit: GitRevision.current(), created: ISO8601DateFormatter().string(from: Date()))
        try result.write(to: resultPath)
        return result
    }
}

/// The commit of the checkout the tool runs from, for the results file.
enum GitRevision {
    static func current() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "unknown" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !text.isEmpty else { return "unknown" }
        return text
    }
}

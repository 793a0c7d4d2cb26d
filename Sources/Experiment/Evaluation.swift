import Engine
import Foundation
import Harness

/// What a scoring run is asked to do, beyond the task and model.
public struct EvaluationSettings: Sendable {
    public var split: String?
    public var prompt: String?
    /// Solved examples before every document (`--num-fewshot`).
    public var numFewshot: Int
    /// A method fitted on the first N pairs only (`--pairs`); part of the results file's name.
    public var pairLimit: Int? = nil
    /// A method fitted on another split (`--pairs-split`) or with another fit prompt
    /// (`--fit-prompt`, when not the protocol's); both are part of the results file's name.
    public var pairsSplit: String? = nil
    public var fitPrompt: FitPrompt? = nil
    public var method: String
    /// Method parameters as they should appear in the results (K, δ, policy, …).
    public var methodConfiguration: [String: String]
    public var limit: Int?
    public var seed: UInt64
    public var batchSize: Int
    public var outputDirectory: String
    public var logSamples: Bool
    public var scoring: ScoringProtocol
    /// The source revision the results file records (the CLI reads it; the library never
    /// spawns a process for it).
    public var sourceRevision: String
    /// The validation grid the method's K and strength were chosen on, for the results file.
    public var validationGrid: [GridCell]?
    /// Score only this shard's batches (`--shard I/N`); `sadi-eval merge` joins the shards.
    public var shard: Shard? = nil
    /// What the scorers were given, for the results file (the toxicity classifier's path and
    /// sha256): a number judged by another classifier is another number.
    public var scorerConfiguration: [String: String] = [:]

    public init(
        split: String? = nil, prompt: String? = nil, numFewshot: Int = 0, method: String = "baseline",
        methodConfiguration: [String: String] = [:], limit: Int? = nil, seed: UInt64 = 1234,
        batchSize: Int = 64, outputDirectory: String = "results", logSamples: Bool = false,
        scoring: ScoringProtocol = .harness, sourceRevision: String = "unknown"
    ) {
        self.split = split
        self.prompt = prompt
        self.numFewshot = numFewshot
        self.method = method
        self.methodConfiguration = methodConfiguration
        self.limit = limit
        self.seed = seed
        self.batchSize = batchSize
        self.outputDirectory = outputDirectory
        self.logSamples = logSamples
        self.scoring = scoring
        self.sourceRevision = sourceRevision
    }
}

/// One run of one task with one method: instances through the evaluation loop in batches,
/// samples journalled as they complete (every output type resumes after a kill), metrics
/// from the journal, with the baseline scored alongside a method for the paired comparison.
public struct Evaluation {
    public let task: any BenchmarkTask
    public let model: ModelUnderTest
    public let store: DataStore
    public let settings: EvaluationSettings
    public let scorers: ScorerRegistry

    public init(
        task: any BenchmarkTask, model: ModelUnderTest, store: DataStore, settings: EvaluationSettings,
        scorers: ScorerRegistry = .standard
    ) {
        self.task = task
        self.model = model
        self.store = store
        self.settings = settings
        self.scorers = scorers
    }

    /// The results file's name: the method, then whatever else changes the number, so a
    /// quick run (`--limit`, another split or prompt, few-shot, `--max-tokens`, the official
    /// protocol) never replaces the full run's file:
    /// `sadi-head.dev.first20.pairs40.pairs-dev.5shot.max-tokens32.official` (`.int8` last
    /// with 8-bit activations).
    private var fileStem: String {
        var stem = settings.method
        let defaultSplit = task.card.splits(role: .test).first?.name
        if let split = settings.split, split != defaultSplit { stem += "." + split }
        if let prompt = settings.prompt, prompt != (try? settings.scoring.prompt(of: task.card, requested: nil))?.name {
            stem += ".prompt-" + prompt
        }
        if let limit = settings.limit { stem += ".first\(limit)" }
        if let pairs = settings.pairLimit { stem += ".pairs\(pairs)" }
        if let split = settings.pairsSplit, split != task.card.splits(role: .pairs).first?.name { stem += ".pairs-" + split }
        if let prompt = settings.fitPrompt { stem += ".fit-" + prompt.rawValue }
        if settings.numFewshot > 0 { stem += ".\(settings.numFewshot)shot" }
        if let maxTokens = task.card.overriddenMaxTokens { stem += ".max-tokens\(maxTokens)" }
        if settings.scoring == .official { stem += ".official" }
        stem += model.fileSuffix
        if let shard = settings.shard { stem += "." + shard.name }
        return stem
    }

    public var resultPath: String {
        RunResult.path(outputDirectory: settings.outputDirectory, model: model.loaded.fileStem, task: task.card.task, method: fileStem)
    }

    /// A method run's fitted intervention, kept while the run is unfinished.
    public var checkpointPath: String {
        RunResult.path(
            outputDirectory: settings.outputDirectory, model: model.loaded.fileStem, task: task.card.task,
            method: fileStem, suffix: ".prepared.json")
    }

    /// The journal of an unfinished run (renamed to `samplesPath` when kept as its log).
    public var journalPath: String {
        RunResult.path(
            outputDirectory: settings.outputDirectory, model: model.loaded.fileStem, task: task.card.task,
            method: fileStem, suffix: ".journal.jsonl")
    }

    /// The samples log `--log-samples` keeps.
    public var samplesPath: String {
        RunResult.path(
            outputDirectory: settings.outputDirectory, model: model.loaded.fileStem, task: task.card.task,
            method: fileStem, suffix: ".samples.jsonl")
    }

    /// `progress` may throw to stop the run (a cancellation): the journal keeps every batch
    /// scored so far and the same call resumes from it.
    public func run(
        intervention: (any InterventionRuntime)? = nil,
        progress: (_ done: Int, _ total: Int) throws -> Void = { _, _ in }
    ) throws -> RunResult {
        try Self.runTogether([(self, intervention)], progress: progress)[0]
    }

    /// A run opened: its documents, journal and what is left to score.
    struct Opened {
        let started: Date
        let instances: [Instance]
        let split: String
        let prompt: String
        let scorers: [any Scorer]
        var configuration: [String: String]
        let journal: RunJournal
        let done: Set<String>
        /// Seconds spent by the runs this one resumes, so wall_seconds covers the whole run.
        let earlier: Double
        let keepSamples: Bool
    }

    var secondsPath: String { journalPath + ".seconds" }

    /// Reads the documents, builds the journal's identity and opens (or resumes) the journal.
    func open() throws -> Opened {
        let started = Date()
        let items = TaskItems(
            task: task, store: store, scoring: settings.scoring, prompt: settings.prompt, numFewshot: settings.numFewshot)
        let (split, prompt, every) = try items.instances(split: settings.split, role: .test, limit: settings.limit)
        let instances = settings.shard?.select(every, batchSize: settings.batchSize) ?? every
        // A shard keeps its samples: `merge` computes the whole run's metrics from them.
        let keepSamples = settings.logSamples || settings.shard != nil
        // Scorers are built before any scoring, so a card naming an unusable metric fails now.
        let scorers = try settings.scoring.scorers(of: task.card, registry: self.scorers)
        var configuration = settings.methodConfiguration
        configuration["limit"] = settings.limit.map(String.init) ?? "none"
        configuration["seed"] = String(settings.seed)
        configuration["num_fewshot"] = String(settings.numFewshot)
        configuration.merge(settings.scorerConfiguration) { $1 }
        // Part of the journal's identity: a run cut at other lengths never resumes this one.
        if let maxTokens = task.card.maxTokens { configuration["max_tokens"] = String(maxTokens) }
        // 8-bit activations change the numbers: recorded in the results and the journal.
        configuration.merge(model.computeSettings) { $1 }
        if let shard = settings.shard {
            configuration["shard"] = shard.description
            configuration["documents"] = String(every.count)
        }
        // The journal names what defines the run, not how long its fit took; the chosen
        // K, strength and units are in it, the request that chose them is not (a journal
        // of the same edits resumes whichever request chose them).
        let header = RunJournal.Header(
            run: configuration.filter { !$0.key.hasSuffix("_seconds") && $0.key != "request" }.merging([
                "task": task.card.task, "split": split.name, "prompt": prompt.name, "method": settings.method,
                "model_sha256": model.sha256,
                "batch_size": String(settings.batchSize), "protocol": settings.scoring.rawValue,
            ]) { $1 })
        AtomicFile.removeStaleTemporaries(of: resultPath)
        // The log a finished --log-samples run kept seeds the journal when it is of this run:
        // the rerun reads its samples and leaves it as it was.
        let manager = FileManager.default
        if !manager.fileExists(atPath: journalPath), let logged = RunJournal.header(at: samplesPath) {
            if logged == header {
                try? manager.removeItem(atPath: journalPath)
                try manager.copyItem(atPath: samplesPath, toPath: journalPath)
            } else if keepSamples {
                let differing = header.run.keys.filter { header.run[$0] != logged.run[$0] }.sorted()
                throw HarnessError.resultsConflict(
                    path: samplesPath,
                    detail: "holds the samples of a run with other settings (\(differing.joined(separator: ", ")) differ)")
            }
        }
        let journal = try RunJournal(path: journalPath, header: header, batchSize: settings.batchSize, total: instances.count)
        let earlier =
            journal.samples.isEmpty ? 0 : (try? String(contentsOfFile: secondsPath, encoding: .utf8)).flatMap(Double.init) ?? 0
        return Opened(
            started: started, instances: instances, split: split.name, prompt: prompt.name, scorers: scorers,
            configuration: configuration, journal: journal, done: Set(journal.samples.map(\.docID)), earlier: earlier,
            keepSamples: keepSamples)
    }

    /// The error for a batch's non-finite responses, if any (`steered`: the response under
    /// this run's intervention is the one that is not finite).
    func nonFinite(_ instance: Instance, steered: Bool) -> HarnessError {
        HarnessError.invalidInput(
            steered
                ? "task \(task.card.task), document \(instance.docID): the log-probabilities or logits are not finite under \(settings.method) (K \(settings.methodConfiguration["k"] ?? "?"), strength \(settings.methodConfiguration["strength"] ?? "?")): the edits overflow the activations; use a smaller strength"
                : "task \(task.card.task), document \(instance.docID): the model itself gives non-finite log-probabilities or logits; its weights or metadata are damaged, fetch the model again"
        )
    }

    /// Metrics from the journal in document order (so a resumed run gives the same numbers),
    /// the results file written, then the journal retired (or kept as the samples log).
    func finish(_ opened: Opened, throughput: Throughput, paired: Bool) throws -> RunResult {
        let (ordered, metrics, comparisons) = try SampleMetrics.compute(
            opened.journal.samples, order: opened.instances, scorers: opened.scorers, paired: paired, seed: settings.seed)
        let seconds = opened.earlier + Date().timeIntervalSince(opened.started)
        var configuration = opened.configuration
        configuration["batch_size"] = String(settings.batchSize)
        var result = RunResult(
            task: task.card.task, split: opened.split, prompt: opened.prompt, method: settings.method,
            model: .init(name: model.loaded.fileStem, file: (model.loaded.path as NSString).lastPathComponent, sha256: model.sha256),
            configuration: configuration, metrics: metrics, metricOrder: opened.scorers.map(\.name),
            items: ordered.count, comparisons: comparisons.isEmpty ? nil : comparisons,
            validationGrid: settings.validationGrid, wallSeconds: seconds,
            tokensPerSecond: Double(throughput.tokens) / max(seconds, 1e-9),
            decodeTokensPerSecond: throughput.decodeTokensPerSecond,
            gitCommit: settings.sourceRevision, created: ISO8601DateFormatter().string(from: Date()))
        let lower = opened.scorers.filter { !$0.higherIsBetter }.map(\.name)
        result.lowerIsBetter = lower.isEmpty ? nil : lower
        // Results first, then the journal is retired: a failure or a kill in between loses
        // nothing, the rerun reads the journal again.
        try result.write(to: resultPath)
        try opened.journal.finish(keep: opened.keepSamples)
        if opened.keepSamples, rename(journalPath, samplesPath) != 0 {
            throw HarnessError.fileSystem(path: samplesPath, detail: String(cString: strerror(errno)))
        }
        try? FileManager.default.removeItem(atPath: checkpointPath)
        try? FileManager.default.removeItem(atPath: secondsPath)
        return result
    }
}

import ArgumentParser
import Experiment
import Foundation
import Harness
import TaskRegistry

/// Joins the shards of runs into the results files the unsharded runs write.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract:
            "Join the shards of runs and sweeps (`run`/`sweep --shard I/N`) found under the given folders into whole results files, sweep grids and the leaderboard; refuses a set with a missing, repeated or mismatched shard."
    )

    @Argument(help: "Folders the shards wrote (their --output-dir), searched recursively.") var directories: [String]
    @Option(name: .customLong("output-dir"), help: "Folder for the merged results and the leaderboard.") var outputDir: String = "results"
    /// The data and cards: the merge reads each task's documents to check coverage.
    @OptionGroup var data: DataOptions
    @OptionGroup var toxicity: ToxicityOptions

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("name the folders the shards wrote, e.g. sadi-eval merge shards/*") }
    }

    func run() throws {
        let registry = TaskRegistry(cardsDirectory: data.cardsDirectory)
        let store = data.dataStore()
        let runs = try ShardMerge.runs(in: directories), sweeps = try ShardMerge.sweeps(in: directories)
        guard !runs.isEmpty || !sweeps.isEmpty else {
            throw ValidationError(
                "merge: no shard files (*.shard-I-of-N.json) under \(directories.joined(separator: ", ")); run the shards with --shard I/N first"
            )
        }
        for sweep in sweeps {
            let task = try registry.tasks(sweep.task)[0]
            let (report, table, stem) = try ShardMerge.mergeSweep(sweep, task: task, store: store, outputDirectory: outputDir)
            let best = report.grid.best
            print(table.markdown())
            print(
                String(
                    format: "merged %d shards: %d configurations × %d items; best K=%d δ=%g: %.4f", sweep.parts.count,
                    report.grid.cells.count, report.items, best.k, best.strength - 1, best.score))
            print("wrote \(stem).json, .md, .svg")
        }
        // Shards judged by a classifier are merged by the same one (checked by sha256).
        let (scorers, judge) = try toxicity.scorers(
            for: try runs.map { try registry.tasks($0.task)[0] }, registry: registry, store: store,
            threads: data.threads)
        for run in runs {
            if let recorded = run.parts[0].result.configuration["toxicity_classifier_sha256"],
                recorded != judge["toxicity_classifier_sha256"]
            {
                throw ValidationError(
                    "merge: the shards of \(run.label) were judged by the classifier \(run.parts[0].result.configuration["toxicity_classifier"] ?? "?") (sha256 \(recorded.prefix(12))…), not by \(judge["toxicity_classifier"] ?? "none"); pass --toxicity-classifier with that directory"
                )
            }
            var task = try registry.tasks(run.task)[0]
            // A run with --max-tokens N was a run of the card with that limit.
            if let first = run.parts.first, let maxTokens = first.result.configuration["max_tokens"].flatMap(Int.init),
                maxTokens != task.card.maxTokens
            {
                task = try task.overridingMaxTokens(maxTokens)
            }
            let merged = try ShardMerge.merge(run, task: task, store: store, scorers: scorers)
            let path = RunResult.path(outputDirectory: outputDir, model: run.model, task: run.task, method: run.stem)
            // The samples first: the results file is what says the merge finished.
            let samples = RunResult.path(
                outputDirectory: outputDir, model: run.model, task: run.task, method: run.stem, suffix: ".samples.jsonl")
            try RunJournal.write(header: merged.header, samples: merged.samples, to: samples)
            try merged.result.write(to: path)
            print(ResultTable.markdown(merged.result))
            print("merged \(run.parts.count) shards: \(path), samples: \(samples)")
        }
        if !runs.isEmpty { try ResultTable.writeLeaderboard(outputDirectory: outputDir, registry: registry) }
    }
}

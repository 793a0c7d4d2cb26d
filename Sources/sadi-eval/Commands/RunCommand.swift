import ArgumentParser
import Experiment
import Foundation
import Harness
import Interventions
import TaskRegistry

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Score tasks with a method; write results/<model>/<task>/<method>.json and the leaderboard (LEADERBOARD.md, .csv, .json)."
    )

    @Option(help: "Tasks to score: names, globs ('xcopa_*') and groups, comma-separated (see `sadi-eval tasks`).")
    var task: String = "copa"
    @Option(help: "Method: \(MethodRegistry.standard.names.joined(separator: ", ")).") var method: String = "baseline"
    @OptionGroup var common: CommonOptions
    @OptionGroup var methodOptions: MethodOptions
    @OptionGroup var fitting: FittingFlags
    @OptionGroup var generation: GenerationOptions
    @OptionGroup var toxicity: ToxicityOptions
    @Option(help: "Split to score (default: the card's test split).") var split: String?
    @Option(help: "Prompt of the card (default: the protocol's).") var prompt: String?
    @Option(help: "Score only the first N documents.") var limit: Int?
    @Option(
        name: .customLong("num-fewshot"),
        help: "Solved examples before every document, drawn from the card's few-shot pool as lm-eval draws them.")
    var numFewshot: Int = 0
    @Option(parsing: .unconditional, help: "Seed for everything random (splits are fixed by the card).") var seed: UInt64 = 1234
    @Option(name: .customLong("batch-size"), help: "Documents per forward batch.") var batchSize: Int = 64
    @Option(name: .customLong("output-dir"), help: "Folder for results.") var outputDir: String = "results"
    @Flag(name: .customLong("log-samples"), help: "Keep one JSON line per document (request, reference, response, baseline response).")
    var logSamples = false
    @Option(
        name: .customLong("save-intervention"),
        help: "Save the fitted intervention (units, D values, K, δ, model sha256) to this JSON file.")
    var saveIntervention: String?
    @Option(name: .customLong("intervention"), help: "Apply a saved intervention instead of fitting one (its model sha256 must match).")
    var interventionFile: String?
    @Option(name: .customLong("export-control-vector"), help: "caa: also write the chosen vector as a llama.cpp control vector GGUF.")
    var controlVector: String?
    @Option(
        help: ArgumentHelp(
            "Score only shard I of N (from 0): every Nth batch of documents, for job arrays; auto/N reads JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID. `sadi-eval merge` joins the shards.",
            valueName: "I/N"))
    var shard: String?

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard numFewshot >= 0 else { throw ValidationError("--num-fewshot must be 0 or more, got \(numFewshot)") }
        for (flag, path) in [
            ("--output-dir", outputDir), ("--save-intervention", saveIntervention), ("--export-control-vector", controlVector),
        ]
        where path.map({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) == true {
            throw ValidationError("\(flag) is empty; name a file or folder")
        }
        if interventionFile != nil {
            // A saved intervention is applied as it is: nothing is fitted, chosen or exported.
            let ignored = [
                ("--k", methodOptions.k != nil), ("--strength", methodOptions.strength != nil), ("--delta", methodOptions.delta != nil),
                ("--ks", methodOptions.ks != nil), ("--strengths", methodOptions.strengths != nil), ("--pairs", fitting.pairs != nil),
                ("--pairs-split", fitting.pairsSplit != nil), ("--fit-prompt", fitting.fitPrompt != nil),
                ("--save-intervention", saveIntervention != nil), ("--export-control-vector", controlVector != nil),
            ].filter(\.1).map(\.0)
            if !ignored.isEmpty {
                throw ValidationError(
                    "--intervention applies a saved intervention with its own K and strength, fitting nothing; drop \(ignored.joined(separator: ", "))"
                )
            }
        }
        do { _ = try MethodRegistry.standard.method(named: method) } catch { throw ValidationError("\(error)") }
        if let shard {
            do { _ = try Shard(parsing: shard, environment: ProcessInfo.processInfo.environment) } catch {
                throw ValidationError("\(error)")
            }
            // Shards fitting on their own would each spend the fit and could not be checked
            // for one intervention: fit once, apply it everywhere.
            if method != "baseline", interventionFile == nil {
                throw ValidationError(
                    "--shard with --method \(method) applies one fitted intervention in every shard: fit it once with `sadi-eval fit --task \(task) --method \(method) --output FILE` and pass --intervention FILE"
                )
            }
        }
    }

    func run() throws {
        let registry = TaskRegistry(cardsDirectory: common.cardsDirectory)
        let tasks = try generation.applied(to: registry.tasks(task))
        // Output files are checked now, not after an hour of fitting.
        for (flag, path) in [("--save-intervention", saveIntervention), ("--export-control-vector", controlVector)] {
            if let path { try Self.checkWritable(path, flag: flag) }
        }
        let model = try common.loadModel()
        let (scorers, scorerConfiguration) = try toxicity.scorers(
            for: tasks, registry: registry, store: common.dataStore(), threads: common.threads)
        var results: [String: RunResult] = [:]
        for benchmark in tasks {
            let experiment = Experiment(task: benchmark, model: model, store: common.dataStore(), scorers: scorers, reporter: .terminal)
            var evaluation = EvaluationSettings(
                split: split, prompt: prompt, numFewshot: numFewshot, limit: limit, seed: seed, batchSize: batchSize,
                outputDirectory: outputDir, logSamples: logSamples, scoring: fitting.scoring,
                sourceRevision: SourceRevision.current)
            evaluation.shard = try shard.map { try Shard(parsing: $0, environment: ProcessInfo.processInfo.environment) }
            evaluation.scorerConfiguration = scorerConfiguration
            var settings = try methodOptions.settings(method: method, fitting: fitting, seed: seed)
            settings.interventionFile = interventionFile
            settings.saveIntervention = saveIntervention
            settings.controlVectorPath = controlVector
            let (result, run) = try experiment.run(evaluation, method: settings)
            results[benchmark.card.task] = result
            print(ResultTable.markdown(result))
            print("results: \(run.resultPath)")
            if logSamples || shard != nil { print("samples: \(run.samplesPath)") }
        }
        try printGroups(registry: registry, results: results)
        try ResultTable.writeLeaderboard(outputDirectory: outputDir, registry: registry)
    }

    /// Creates the file's folder and a probe file beside it, so a path that cannot be
    /// written fails before any work.
    static func checkWritable(_ path: String, flag: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("\(flag) \(path) is a folder; name a file")
        }
        let probe = path + ".probe-\(getpid())"
        do {
            try AtomicFile.write(Data(), to: probe)
            try FileManager.default.removeItem(atPath: probe)
        } catch {
            throw ValidationError("\(flag) \(path) cannot be written (\(error)); choose a writable place")
        }
    }

    /// For every group `--task` names (mmlu, mmlu_stem, xcopa), its members' first metric
    /// aggregated as lm-eval aggregates groups.
    private func printGroups(registry: TaskRegistry, results: [String: RunResult]) throws {
        let groups = try registry.groups()
        let named = task.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { groups[$0] != nil }
        guard !named.isEmpty else { return }
        var lines = ["| group | tasks | documents | metric | value | stderr |", "|---|---:|---:|---|---:|---:|"]
        for group in named {
            let members = groups[group]!.compactMap { results[$0] }
            guard let metric = members.first?.metricOrder.first else { continue }
            let aggregate = GroupAggregate.weighted(members.compactMap { $0.metrics[metric] })
            lines.append(
                String(
                    format: "| %@ | %d | %d | %@ | %.4f | %.4f |", group, members.count, aggregate.count, metric, aggregate.value,
                    aggregate.stderr))
        }
        print(lines.joined(separator: "\n"))
        print("Groups: the members' values weighted by their documents, the standard error pooled over them (lm-eval's weight_by_size).")
    }
}

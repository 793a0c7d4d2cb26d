import ArgumentParser
import Experiment
import Foundation
import Harness
import Interventions
import TaskRegistry

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract:
            "Score a method over a K × δ grid with one model load and one fit; or, with several methods (or baseline), run each on every task and tabulate tasks × methods.",
        discussion: """
            One method: every configuration shares the fitted activations and, per batch, the prompts' KV states; writes JSON, a Markdown grid and an SVG heatmap. A sweep on the test split is exploration: `run` chooses K and δ on validation.

            Several methods (--method baseline,sadi-head): each is fitted on each task's pairs, chosen on its validation split (over --k × --strength when given) and scored on its test split, writing the usual results files; with --fit-task copa every method is also fitted and chosen once on COPA and applied to every task (cross-lingual masks). The summary is sweep-<name>.md/.json/.svg: tasks × methods.
            """
    )

    @Option(help: "Tasks: names, globs and groups, comma-separated (see `sadi-eval tasks`).") var task: String = "copa"
    @Option(
        help:
            "Method: \(MethodRegistry.standard.methods.map(\.name).joined(separator: ", ")); or several, comma-separated, baseline included, for a tasks × methods sweep."
    )
    var method: String = "sadi-head"
    @Option(
        name: .customLong("fit-task"),
        help: "Tasks × methods sweep: also fit and choose each method on this task and apply it to every task (cross-lingual masks).")
    var fitTask: String?
    @OptionGroup var common: CommonOptions
    @OptionGroup var fitting: FittingFlags
    @OptionGroup var generation: GenerationOptions
    @OptionGroup var fluencyGuard: FluencyGuardOptions
    @Option(parsing: .unconditional, help: "K values, comma-separated (default: the method's grid).") var k: String?
    @Option(parsing: .unconditional, help: "δ values, comma-separated (strength s = δ + 1).") var delta: String?
    @Option(parsing: .unconditional, help: "Strengths s, comma-separated (default: the method's grid).") var strength: String?
    @Option(help: "Split to score (default: validation).") var split: String?
    @Option(help: "Score only the first N documents.") var limit: Int?
    @Option(name: .customLong("num-fewshot"), help: "Solved examples before every document (the card's few-shot pool).")
    var numFewshot: Int = 0
    @Option(parsing: .unconditional, help: "Seed (sadi-random's units).") var seed: UInt64 = 1234
    @Option(name: .customLong("batch-size"), help: "Documents per forward batch.") var batchSize: Int = 32
    @Option(name: .customLong("output-dir"), help: "Folder for results.") var outputDir: String = "results"
    @Flag(
        name: .customLong("reuse-results"),
        help:
            "Tasks × methods sweep: read a cell's finished results file instead of running it again when it was made for the same model, split, prompt, protocol, limit, seed, few-shot count, batch size, token limit and request (resumes an interrupted sweep)."
    )
    var reuseResults = false
    @Flag(
        name: .customLong("score-together"),
        help:
            "Tasks × methods sweep: fit and choose every method first, then score them on the test split in the same batches, so each prompt is computed once for all methods and the baseline (generation tasks spend most of their time on prompts). Each method's results file holds the numbers a run of it alone gives; its wall time is the shared one."
    )
    var scoreTogether = false
    @Option(
        help: ArgumentHelp(
            "K × δ sweep: score only shard I of N (from 0), every Nth batch of documents under every configuration, for job arrays; auto/N reads JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID. `sadi-eval merge` joins the shards into the grid.",
            valueName: "I/N"))
    var shard: String?

    /// The methods `--method` names, in order.
    var methods: [String] { method.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    /// Several methods (or the baseline, or --fit-task): the tasks × methods sweep.
    var isMethodSweep: Bool { methods.count > 1 || methods == ["baseline"] || fitTask != nil }

    func validate() throws {
        guard !methods.isEmpty, !methods.contains(where: \.isEmpty), Set(methods).count == methods.count else {
            throw ValidationError("--method: '\(method)' is not a list of distinct methods; write e.g. --method baseline,sadi-head")
        }
        for name in methods {
            guard isMethodSweep && name == "baseline" || (try? MethodRegistry.standard.method(named: name)).flatMap({ $0 }) != nil else {
                throw ValidationError(
                    HarnessError.unknownName(
                        kind: "method", flag: "--method", given: name,
                        valid: (isMethodSweep ? ["baseline"] : []) + MethodRegistry.standard.methods.map(\.name)
                    ).description)
            }
        }
        if scoreTogether && !isMethodSweep {
            throw ValidationError("--score-together scores several methods in the same batches; name them: --method baseline,caa,iti")
        }
        if reuseResults && !isMethodSweep {
            throw ValidationError(
                "--reuse-results applies to a tasks × methods sweep (several methods, baseline or --fit-task); a K × δ sweep of one method always scores its grid"
            )
        }
        if !isMethodSweep && fluencyGuard.mode == .on {
            throw ValidationError(
                "--fluency-guard on takes part in choosing K and strength on validation (run, or a tasks × methods sweep); a K × δ sweep of one method scores its grid and chooses nothing"
            )
        }
        if isMethodSweep && split != nil {
            throw ValidationError("--split: a tasks × methods sweep scores each task's test split and chooses on its validation split")
        }
        if delta != nil && strength != nil { throw ValidationError("give --delta or --strength, not both") }
        _ = try k.map { try ListParsing.integers($0, flag: "--k") }
        _ = try delta.map { try ListParsing.numbers($0, flag: "--delta") }
        _ = try strength.map { try ListParsing.numbers($0, flag: "--strength") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard !outputDir.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--output-dir is empty; name a folder, e.g. --output-dir results")
        }
        guard numFewshot >= 0 else { throw ValidationError("--num-fewshot must be 0 or more, got \(numFewshot)") }
        if let shard {
            if isMethodSweep {
                throw ValidationError(
                    "--shard splits a K × δ sweep of one method; a tasks × methods sweep is a set of runs: shard each with `sadi-eval run --shard`"
                )
            }
            do { _ = try Shard(parsing: shard, environment: ProcessInfo.processInfo.environment) } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    func run() throws {
        let registry = TaskRegistry(cardsDirectory: common.cardsDirectory)
        let tasks = try generation.applied(to: registry.tasks(task))
        let fitOn = try fitTask.map { try generation.applied(to: [registry.task(named: $0)])[0] }
        let model = try common.loadModel()
        if isMethodSweep {
            try runMethodSweep(tasks: tasks, fitOn: fitOn, model: model)
            return
        }
        let strengths =
            try delta.map { try ListParsing.numbers($0, flag: "--delta").map { $0 + 1 } }
            ?? strength.map { try ListParsing.numbers($0, flag: "--strength") }
        let methodSettings = MethodSettings(
            method: method, fitting: try fitting.options(seed: seed), application: fitting.application,
            ks: try k.map { try ListParsing.integers($0, flag: "--k") }, strengths: strengths)
        for benchmark in tasks {
            let experiment = Experiment(task: benchmark, model: model, store: common.dataStore(), reporter: .terminal)
            let settings = SweepSettings(
                method: methodSettings, scoring: fitting.scoring, split: split, limit: limit, numFewshot: numFewshot,
                batchSize: batchSize, outputDirectory: outputDir)
            if let shard {
                let (record, path) = try experiment.sweepShard(
                    settings, shard: try Shard(parsing: shard, environment: ProcessInfo.processInfo.environment))
                print(
                    "shard \(record.shard): \(record.scores.count) configurations × \(record.documentIDs.count) of \(record.documents) items; wrote \(path)"
                )
                continue
            }
            let (report, table, stem) = try experiment.sweep(settings)
            let best = report.grid.best
            print(table.markdown())
            print(
                String(
                    format: "%d configurations × %d items in %.1f s (fit %.1f s); best K=%d δ=%g: %.4f",
                    report.grid.cells.count, report.items, report.gridSeconds, report.fitSeconds, best.k, best.strength - 1,
                    best.score))
            print("wrote \(stem).json, .md, .svg")
        }
    }

    /// Every method on every task, as `run` would, and the tasks × methods summary.
    private func runMethodSweep(tasks: [any BenchmarkTask], fitOn: (any BenchmarkTask)?, model: ModelUnderTest) throws {
        let ks = try k.map { try ListParsing.integers($0, flag: "--k") }
        let strengths =
            try delta.map { try ListParsing.numbers($0, flag: "--delta").map { $0 + 1 } }
            ?? strength.map { try ListParsing.numbers($0, flag: "--strength") }
        let fittingOptions = try fitting.options(seed: seed)
        let evaluation = EvaluationSettings(
            numFewshot: numFewshot, limit: limit, seed: seed, batchSize: batchSize, outputDirectory: outputDir,
            scoring: fitting.scoring, sourceRevision: SourceRevision.current)
        let families = Set(tasks.map { $0.card.variantOf ?? $0.card.task })
        let name =
            (families.count == 1 ? families.first! : tasks.count <= 3 ? tasks.map(\.card.task).joined(separator: "+") : "tasks")
            + (fitOn.map { "-fit-" + $0.card.task } ?? "") + (fitting.scoring == .official ? ".official" : "")
        let (report, stem) = try MethodSweep(model: model, store: common.dataStore(), reporter: .terminal)
            .run(
                tasks: tasks, methods: methods, fitTask: fitOn, evaluation: evaluation,
                settings: { method in
                    MethodSettings(
                        method: method, fitting: fittingOptions, application: fitting.application, ks: ks, strengths: strengths,
                        fluencyGuardMode: fluencyGuard.mode, fluencyGuard: fluencyGuard.thresholds)
                }, name: name, reuseResults: reuseResults, scoreTogether: scoreTogether)
        print(MethodSweep.markdown(report))
        print("wrote \(stem).json, .md, .svg")
        try ResultTable.writeLeaderboard(outputDirectory: outputDir, registry: TaskRegistry(cardsDirectory: common.cardsDirectory))
    }
}

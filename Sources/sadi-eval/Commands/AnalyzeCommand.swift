import ArgumentParser
import Experiment
import Foundation
import Harness
import Interventions
import TaskRegistry

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Map where the mean differences SADI ranks by are large: heads, FFN neurons and hidden units per layer.",
        discussion:
            "Reads the pairs split once per task at the three SADI sites and fits each kind with its own method (sadi-head, sadi-neuron, sadi-hidden), so the maps and rankings are the ones those methods select from. Writes <output-dir>/<model>/<task>/heads.svg, neurons.svg, hidden.svg, ranked.csv and summary.md; with --compare, also one figure of the tasks' head maps on one colour scale."
    )

    @Option(help: "Tasks: names, globs and groups, comma-separated (see `sadi-eval tasks`).") var task: String = "copa"
    @OptionGroup var common: CommonOptions
    @OptionGroup var fitting: FittingFlags
    @Option(name: .customLong("num-fewshot"), help: "Solved examples before every pair's prompt (the card's few-shot pool).")
    var numFewshot: Int = 0
    @Option(help: "Units listed per kind in ranked.csv (every head when there are fewer).") var top: Int = 200
    @Flag(help: "Also draw the tasks' head maps side by side on one colour scale (needs two or more tasks).") var compare = false
    @Option(name: .customLong("batch-size"), help: "Pairs per forward batch.") var batchSize: Int = 32
    @Option(name: .customLong("output-dir"), help: "Folder for the analysis files.") var outputDir: String = "results/analysis"

    func validate() throws {
        // FittingFlags is shared with run and sweep; these of its flags change how an
        // intervention is applied or which site an ablation reads, and analyze applies none
        // and always reads the three SADI sites, so accepting them silently would mislead.
        if let site = fitting.site {
            throw ValidationError(
                "--site \(site): analyze always reads the three SADI sites (attention-heads, mlp-gate, mlp-output); --site is for run and sweep"
            )
        }
        if fitting.policy != nil || fitting.application != nil {
            throw ValidationError("--policy and --application choose how an intervention is applied; analyze applies none, drop them")
        }
        // Its files are not named after the precision, so an 8-bit analysis would replace a float one.
        if common.activations != .float32 {
            throw ValidationError(
                "--activations \(common.activations): analyze measures with float32 activations only; drop --activations (it is for run, sweep, bench and generate)"
            )
        }
        guard top > 0 else { throw ValidationError("--top must be at least 1, got \(top)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard numFewshot >= 0 else { throw ValidationError("--num-fewshot must be 0 or more, got \(numFewshot)") }
    }

    func run() throws {
        let registry = TaskRegistry(cardsDirectory: common.cardsDirectory)
        let tasks = try registry.tasks(task)
        if compare && tasks.count < 2 {
            throw ValidationError("--compare needs two or more tasks in --task, e.g. --task copa,xcopa_sw; got \(tasks.map(\.card.task))")
        }
        let model = try common.loadModel()
        let settings = AnalysisSettings(
            fitting: try fitting.options(seed: 0), scoring: fitting.scoring, numFewshot: numFewshot, batchSize: batchSize, top: top)
        var analyses: [DifferenceAnalysis] = []
        for benchmark in tasks {
            let experiment = Experiment(task: benchmark, model: model, store: common.dataStore(), reporter: .terminal)
            let analysis = try experiment.analyzeDifferences(settings)
            let report = DifferenceReport(analysis: analysis, model: model.loaded.fileStem, modelSHA256: model.sha256)
            let files = try report.write(outputDirectory: outputDir)
            let heads = analysis.differences(.heads).ranked.prefix(3).map { "L\($0.unit.layer).H\($0.unit.index)" }
            print(
                String(
                    format: "%@: %d pairs in %.1f s; top heads %@", analysis.task, analysis.pairs, analysis.seconds,
                    heads.joined(separator: ", ")))
            print("wrote \(files.joined(separator: ", "))")
            analyses.append(analysis)
        }
        if compare {
            let path = try DifferenceReport.writeComparison(analyses, model: model.loaded.fileStem, outputDirectory: outputDir)
            print("wrote \(path)")
        }
    }
}

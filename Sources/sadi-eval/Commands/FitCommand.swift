import ArgumentParser
import Experiment
import Foundation
import Harness
import Interventions
import TaskRegistry

/// The one step of a sharded run that needs every pair: fit the method, choose K and
/// strength on validation, save the intervention for `run --shard I/N --intervention FILE`.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract:
            "Fit a method on a task's pairs, choose K and strength on its validation split, and save the intervention (for `run --intervention FILE`, e.g. in every shard of a job array)."
    )

    @Option(help: "The task to fit on (one task).") var task: String
    @Option(help: "Method: \(MethodRegistry.standard.names.filter { $0 != "baseline" }.joined(separator: ", ")).") var method: String
    @Option(help: "The intervention file to write (JSON: units, K, strength, model sha256).") var output: String
    @OptionGroup var common: CommonOptions
    @OptionGroup var methodOptions: MethodOptions
    @OptionGroup var fitting: FittingFlags
    @OptionGroup var generation: GenerationOptions
    @Option(help: "Prompt of the card (default: the protocol's).") var prompt: String?
    @Option(
        name: .customLong("num-fewshot"),
        help: "Solved examples before every document, drawn from the card's few-shot pool as lm-eval draws them.")
    var numFewshot: Int = 0
    @Option(parsing: .unconditional, help: "Seed for everything random (splits are fixed by the card).") var seed: UInt64 = 1234
    @Option(name: .customLong("batch-size"), help: "Documents per forward batch.") var batchSize: Int = 64

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard numFewshot >= 0 else { throw ValidationError("--num-fewshot must be 0 or more, got \(numFewshot)") }
        guard !output.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--output is empty; name a file") }
        guard !task.contains(",") else { throw ValidationError("--task \(task): fit one task at a time") }
        let chosen: (any InterventionMethod)?
        do { chosen = try MethodRegistry.standard.method(named: method) } catch { throw ValidationError("\(error)") }
        if chosen == nil { throw ValidationError("--method baseline fits nothing; name a method to fit") }
    }

    func run() throws {
        let registry = TaskRegistry(cardsDirectory: common.cardsDirectory)
        let tasks = try generation.applied(to: registry.tasks(task))
        guard tasks.count == 1, let benchmark = tasks.first else {
            throw ValidationError("--task \(task) names \(tasks.count) tasks; fit one task at a time")
        }
        try RunCommand.checkWritable(output, flag: "--output")
        let model = try common.loadModel()
        let experiment = Experiment(task: benchmark, model: model, store: common.dataStore(), reporter: .terminal)
        var settings = try methodOptions.settings(method: method, fitting: fitting, seed: seed)
        settings.saveIntervention = output
        guard let chosen = try MethodRegistry.standard.method(named: method) else { return }
        let prepared = try experiment.prepare(
            chosen, settings, scoring: fitting.scoring, prompt: prompt, numFewshot: numFewshot, batchSize: batchSize)
        print(
            "\(method) on \(benchmark.card.task): K=\(prepared.configuration["k"] ?? "?") strength=\(prepared.configuration["strength"] ?? "?") (\(prepared.configuration["chosen_by"] ?? ""))"
        )
        print("intervention: \(output)")
    }
}

import ArgumentParser
import Experiment
import Foundation
import Harness
import Interventions
import TaskRegistry

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Score a method over a K × δ grid with one model load and one fit; write JSON, a Markdown grid and an SVG heatmap.",
        discussion:
            "Every configuration shares the fitted activations and, per batch, the prompts' KV states. A sweep on the test split is exploration: `run` chooses K and δ on validation."
    )

    @Option(help: "Tasks: names, globs and groups, comma-separated (see `sadi-eval tasks`).") var task: String = "copa"
    @Option(help: "Method: \(MethodRegistry.standard.methods.map(\.name).joined(separator: ", ")).") var method: String = "sadi-head"
    @OptionGroup var common: CommonOptions
    @OptionGroup var fitting: FittingFlags
    @Option(help: "K values, comma-separated (default: the method's grid).") var k: String?
    @Option(help: "δ values, comma-separated (strength s = δ + 1).") var delta: String?
    @Option(help: "Strengths s, comma-separated (default: the method's grid).") var strength: String?
    @Option(help: "Split to score (default: validation).") var split: String?
    @Option(help: "Score only the first N documents.") var limit: Int?
    @Option(name: .customLong("num-fewshot"), help: "Solved examples before every document (the card's few-shot pool).")
    var numFewshot: Int = 0
    @Option(help: "Seed (sadi-random's units).") var seed: UInt64 = 1234
    @Option(name: .customLong("batch-size"), help: "Documents per forward batch.") var batchSize: Int = 32
    @Option(name: .customLong("output-dir"), help: "Folder for results.") var outputDir: String = "results"

    func validate() throws {
        guard (try? MethodRegistry.standard.method(named: method)).flatMap({ $0 }) != nil else {
            throw ValidationError(
                HarnessError.unknownName(
                    kind: "method", flag: "--method", given: method,
                    valid: MethodRegistry.standard.methods.map(\.name)
                ).description)
        }
        if delta != nil && strength != nil { throw ValidationError("give --delta or --strength, not both") }
        _ = try k.map { try ListParsing.integers($0, flag: "--k") }
        _ = try delta.map { try ListParsing.numbers($0, flag: "--delta") }
        _ = try strength.map { try ListParsing.numbers($0, flag: "--strength") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard numFewshot >= 0 else { throw ValidationError("--num-fewshot must be 0 or more, got \(numFewshot)") }
    }

    func run() throws {
        let registry = TaskRegistry(cardsDirectory: common.cardsDirectory)
        let tasks = try registry.tasks(task)
        let model = try common.loadModel()
        let strengths =
            try delta.map { try ListParsing.numbers($0, flag: "--delta").map { $0 + 1 } }
            ?? strength.map { try ListParsing.numbers($0, flag: "--strength") }
        let methodSettings = MethodSettings(
            method: method, fitting: try fitting.options(seed: seed), application: fitting.application,
            ks: try k.map { try ListParsing.integers($0, flag: "--k") }, strengths: strengths)
        for benchmark in tasks {
            let experiment = Experiment(task: benchmark, model: model, store: common.dataStore(), reporter: .terminal)
            let (report, table, stem) = try experiment.sweep(
                SweepSettings(
                    method: methodSettings, scoring: fitting.scoring, split: split, limit: limit, numFewshot: numFewshot,
                    batchSize: batchSize,
                    outputDirectory: outputDir))
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
}

import ArgumentParser
import Engine
import Foundation
import Harness
import Interventions
import TaskRegistry

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Score a method over a K × δ grid with one model load and one fit; write JSON, a Markdown grid and an SVG heatmap.",
        discussion: "Every configuration shares the fitted activations and, per batch, the prompts' KV states. A sweep on the test split is exploration: `run` chooses K and δ on validation.")

    @Option(help: "Task (see `sadi-eval tasks`).") var task: String = "copa"
    @Option(help: "Method: \(MethodName.allNames.filter { $0 != "baseline" }.joined(separator: ", ")).") var method: String = "sadi-head"
    @OptionGroup var common: CommonOptions
    @OptionGroup var fitting: FittingFlags
    @Option(help: "K values, comma-separated (default: the method's grid).") var k: String?
    @Option(help: "δ values, comma-separated (strength s = δ + 1).") var delta: String?
    @Option(help: "Strengths s, comma-separated (default: the method's grid).") var strength: String?
    @Option(help: "Split to score (default: validation).") var split: String?
    @Option(help: "Score only the first N documents.") var limit: Int?
    @Option(help: "Seed (sadi-random's units).") var seed: UInt64 = 1234
    @Option(name: .customLong("batch-size"), help: "Documents per forward batch.") var batchSize: Int = 32
    @Option(name: .customLong("output-dir"), help: "Folder for results.") var outputDir: String = "results"

    func validate() throws {
        guard let kind = MethodKind(rawValue: method), kind != .baseline else {
            throw ValidationError(HarnessError.unknownName(kind: "method", flag: "--method", given: method,
                                                           valid: MethodName.allNames.filter { $0 != "baseline" }).description)
        }
        if delta != nil && strength != nil { throw ValidationError("give --delta or --strength, not both") }
        _ = try k.map { try ListParsing.integers($0, flag: "--k") }
        _ = try delta.map { try ListParsing.numbers($0, flag: "--delta") }
        _ = try strength.map { try ListParsing.numbers($0, flag: "--strength") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        let kind = MethodKind(rawValue: method)!
        let benchmark = try TaskRegistry.task(named: task, cardsDirectory: common.cardsDirectory)
        let model = try common.loadModel()
        let shape = model.network.shape
        let options = try fitting.options(seed: seed, method: kind)
        let ks = try k.map { try ListParsing.integers($0, flag: "--k") } ?? kind.defaultKs(layerCount: shape.layerCount)
        let strengths = try delta.map { try ListParsing.numbers($0, flag: "--delta").map { $0 + 1 } }
            ?? strength.map { try ListParsing.numbers($0, flag: "--strength") } ?? kind.defaultStrengths
        try FittedIntervention.checkKs(ks, method: kind, options: options, shape: shape)
        let pipeline = MethodPipeline(task: benchmark, model: model, store: common.dataStore(), scoring: fitting.scoring, batchSize: batchSize)

        let fitStart = Date()
        let fitted = try pipeline.fitPlanBuilder(kind, options: options)
        let fitSeconds = Date().timeIntervalSince(fitStart)
        Terminal.status(String(format: "fitted %@ on %d pairs in %.1f s", kind.rawValue, fitted.pairCount, fitSeconds))

        let chosenSplit = try benchmark.split(named: split, role: .validation)
        let prompt = try fitting.scoring.prompt(of: benchmark.card, requested: nil)
        var documents = try benchmark.documents(split: chosenSplit, store: common.dataStore())
        if let limit { documents = Array(documents.prefix(limit)) }
        let items = try documents.map { try benchmark.item($0, prompt: prompt) }
        let progress = ItemProgress(label: "sweep \(ks.count)×\(strengths.count) on \(chosenSplit.name)")
        let grid = try GridSearch(model: model, scoring: fitting.scoring, batchSize: batchSize)
            .run(fitted, ks: ks, strengths: strengths, items: items, scorer: pipeline.selectionScorer) {
                progress.update(done: $0, total: $1)
            }
        let table = try GridTable(
            title: "\(task) \(chosenSplit.name): \(kind.rawValue) \(grid.metric) (\(fitting.scoring.rawValue), \(options.application.rawValue))",
            rowName: "K (\(kind.kMeaning))", columnName: "δ",
            rowLabels: ks.map(String.init), columnLabels: strengths.map { String(format: "%g", $0 - 1) },
            values: ks.map { k in strengths.map { grid.score(k: k, strength: $0) } },
            higherIsBetter: true, decimals: 1, scale: 100)
        let stem = RunResult.path(outputDirectory: outputDir, model: model.fileStem, task: task,
                                  method: "sweep-\(kind.rawValue)-\(chosenSplit.name)" + (fitting.scoring == .official ? ".official" : ""),
                                  suffix: "")
        let report = SweepReport(task: task, split: chosenSplit.name, method: kind.rawValue, scoring: fitting.scoring.rawValue,
                                 application: options.application.rawValue, items: items.count, pairs: fitted.pairCount,
                                 fitSeconds: fitSeconds, gridSeconds: grid.seconds, grid: grid)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(report), to: stem + ".json")
        try AtomicFile.write(Data(table.markdown().utf8), to: stem + ".md")
        try Heatmap.write(table, to: stem + ".svg")
        print(table.markdown())
        print(String(format: "%d configurations × %d items in %.1f s (fit %.1f s); best K=%d δ=%g: %.4f",
                     ks.count * strengths.count, items.count, grid.seconds, fitSeconds, grid.best.k, grid.best.strength - 1, grid.best.score))
        print("wrote \(stem).json, .md, .svg")
    }
}

/// What `sweep` writes as JSON.
struct SweepReport: Encodable {
    let task, split, method, scoring, application: String
    let items, pairs: Int
    let fitSeconds, gridSeconds: Double
    let grid: GridSearch.Result
}

import Foundation
import Harness
import Interventions

/// What `sweep` scores: a method over a K × strength grid on one split.
public struct SweepSettings: Sendable {
    public var method: MethodSettings
    public var scoring: ScoringProtocol
    /// Nil: the card's validation split.
    public var split: String?
    public var limit: Int?
    /// Solved examples before every document (`--num-fewshot`).
    public var numFewshot: Int
    public var batchSize: Int
    public var outputDirectory: String

    public init(
        method: MethodSettings, scoring: ScoringProtocol = .harness, split: String? = nil, limit: Int? = nil,
        numFewshot: Int = 0, batchSize: Int = 32, outputDirectory: String = "results"
    ) {
        self.method = method
        self.scoring = scoring
        self.split = split
        self.limit = limit
        self.numFewshot = numFewshot
        self.batchSize = batchSize
        self.outputDirectory = outputDirectory
    }
}

/// What `sweep` writes as JSON.
public struct SweepReport: Codable, Sendable {
    public let task, split, method, scoring, application: String
    public let items, pairs: Int
    /// The split the pairs came from and how their text was written.
    public let pairsSplit, fitPrompt: String
    public let fitSeconds, gridSeconds: Double
    public let grid: GridSearch.Result
}

extension Experiment {
    /// One fit, then every configuration of the grid on the split, each batch's prompts
    /// computed once for all of them; writes `<stem>.json`, `.md` and `.svg`.
    public func sweep(_ settings: SweepSettings) throws -> (report: SweepReport, table: GridTable, stem: String) {
        guard let method = try methods.method(named: settings.method.method) else {
            throw HarnessError.unknownName(
                kind: "method", flag: "--method", given: settings.method.method,
                valid: Array(methods.names.dropFirst()))
        }
        let shape = model.loaded.network.shape
        let options = options(method, settings.method, scoring: settings.scoring)
        let ks = settings.method.ks ?? method.defaultKs(shape: shape)
        let strengths = settings.method.strengths ?? method.defaultStrengths
        try method.checkKs(ks, options: options, shape: shape)
        let items = TaskItems(task: task, store: store, scoring: settings.scoring, numFewshot: settings.numFewshot)
        let pairsSplit = try pairsSplit(options)
        let scored = try task.split(named: settings.split, role: .validation)
        try checkScored(scored, fittedOn: pairsSplit, method: method.name)
        let fitPrompt = options.fitPrompt ?? settings.scoring.fitPrompt(of: task.card)
        let fitStart = Date()
        let fitted = try fit(method, options: options, items: items, batchSize: settings.batchSize)
        let fitSeconds = Date().timeIntervalSince(fitStart)
        reporter.status(String(format: "fitted %@ on %d pairs in %.1f s", method.name, fitted.pairCount, fitSeconds))

        let (split, _, instances) = try items.instances(split: settings.split, role: .validation, limit: settings.limit)
        let grid = try GridSearch(model: model, batchSize: settings.batchSize)
            .run(
                fitted, ks: ks, strengths: strengths, instances: instances, scorer: try selectionScorer(settings.scoring),
                progress: reporter.progress("sweep \(ks.count)×\(strengths.count) on \(split.name)"))
        let table = try GridTable(
            title:
                "\(task.card.task) \(split.name): \(method.name) \(grid.metric) (\(settings.scoring.rawValue), \(options.application.rawValue))",
            rowName: "K (\(method.kMeaning))", columnName: "δ",
            rowLabels: ks.map(String.init), columnLabels: strengths.map { String(format: "%g", $0 - 1) },
            values: ks.map { k in strengths.map { grid.score(k: k, strength: $0) } },
            higherIsBetter: true, decimals: 1, scale: 100)
        let stem = RunResult.path(
            outputDirectory: settings.outputDirectory, model: model.loaded.fileStem, task: task.card.task,
            method: "sweep-\(method.name)-\(split.name)"
                + (pairsSplit.name != task.card.splits(role: .pairs).first?.name ? ".pairs-\(pairsSplit.name)" : "")
                + (fitPrompt != settings.scoring.fitPrompt(of: task.card) ? ".fit-\(fitPrompt.rawValue)" : "")
                + (settings.numFewshot > 0 ? ".\(settings.numFewshot)shot" : "")
                + (task.card.overriddenMaxTokens.map { ".max-tokens\($0)" } ?? "")
                + (settings.scoring == .official ? ".official" : "") + model.fileSuffix,
            suffix: "")
        let report = SweepReport(
            task: task.card.task, split: split.name, method: method.name, scoring: settings.scoring.rawValue,
            application: options.application.rawValue, items: instances.count, pairs: fitted.pairCount,
            pairsSplit: pairsSplit.name, fitPrompt: fitPrompt.rawValue,
            fitSeconds: fitSeconds, gridSeconds: grid.seconds, grid: grid)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(report), to: stem + ".json")
        try AtomicFile.write(Data(table.markdown().utf8), to: stem + ".md")
        try Heatmap.write(table, to: stem + ".svg")
        return (report, table, stem)
    }
}

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
    public init(
        task: String, split: String, method: String, scoring: String, application: String, items: Int, pairs: Int,
        pairsSplit: String, fitPrompt: String, fitSeconds: Double, gridSeconds: Double, grid: GridSearch.Result
    ) {
        self.task = task
        self.split = split
        self.method = method
        self.scoring = scoring
        self.application = application
        self.items = items
        self.pairs = pairs
        self.pairsSplit = pairsSplit
        self.fitPrompt = fitPrompt
        self.fitSeconds = fitSeconds
        self.gridSeconds = gridSeconds
        self.grid = grid
    }

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
        let plan = try planSweep(settings)
        let scorer = try selectionScorer(settings.scoring)
        let grid = try GridSearch(model: model, batchSize: settings.batchSize)
            .run(
                plan.fitted, ks: plan.ks, strengths: plan.strengths, instances: plan.instances, scorer: scorer,
                progress: reporter.progress("sweep \(plan.ks.count)×\(plan.strengths.count) on \(plan.split)"))
        let report = SweepReport(
            task: task.card.task, split: plan.split, method: plan.method.name, scoring: settings.scoring.rawValue,
            application: plan.options.application.rawValue, items: plan.instances.count, pairs: plan.fitted.pairCount,
            pairsSplit: plan.pairsSplit, fitPrompt: plan.fitPrompt.rawValue,
            fitSeconds: plan.fitSeconds, gridSeconds: grid.seconds, grid: grid)
        let table = try Self.write(report, kMeaning: plan.method.kMeaning, stem: plan.stem)
        return (report, table, plan.stem)
    }

    /// Shard `shard` of the sweep: the same fit, every configuration on the shard's batches
    /// of documents, each document's score kept for `merge`; writes `<stem>.shard-I-of-N.json`.
    public func sweepShard(_ settings: SweepSettings, shard: Shard) throws -> (shard: SweepShard, path: String) {
        let plan = try planSweep(settings)
        let mine = shard.select(plan.instances, batchSize: settings.batchSize)
        let scorer = try selectionScorer(settings.scoring)
        let scored = try GridSearch(model: model, batchSize: settings.batchSize)
            .documentScores(
                plan.fitted, ks: plan.ks, strengths: plan.strengths, instances: mine, scorer: scorer,
                progress: reporter.progress("sweep \(plan.ks.count)×\(plan.strengths.count) on \(plan.split), shard \(shard)"))
        let record = SweepShard(
            task: task.card.task, split: plan.split, method: plan.method.name, scoring: settings.scoring.rawValue,
            application: plan.options.application.rawValue, pairs: plan.fitted.pairCount, pairsSplit: plan.pairsSplit,
            fitPrompt: plan.fitPrompt.rawValue, metric: scorer.name, ks: plan.ks, strengths: plan.strengths,
            shard: shard.description, batchSize: settings.batchSize, limit: settings.limit, numFewshot: settings.numFewshot,
            model: model.loaded.fileStem, modelSHA256: model.sha256, documents: plan.instances.count, documentIDs: mine.map(\.docID),
            scores: scored.scores, fitSeconds: plan.fitSeconds, gridSeconds: scored.seconds)
        let path = plan.stem + "." + shard.name + ".json"
        try record.write(to: path)
        return (record, path)
    }

    /// What a sweep scores, after the fit.
    struct SweepPlan {
        let method: any InterventionMethod
        let options: FittingOptions
        let ks: [Int]
        let strengths: [Double]
        let pairsSplit: String
        let fitPrompt: FitPrompt
        let fitted: any FittedMethod
        let fitSeconds: Double
        let split: String
        let instances: [Instance]
        /// The output files' path without extension.
        let stem: String
    }

    func planSweep(_ settings: SweepSettings) throws -> SweepPlan {
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
        let stem = RunResult.path(
            outputDirectory: settings.outputDirectory, model: model.loaded.fileStem, task: task.card.task,
            method: "sweep-\(method.name)-\(split.name)"
                + (pairsSplit.name != task.card.splits(role: .pairs).first?.name ? ".pairs-\(pairsSplit.name)" : "")
                + (fitPrompt != settings.scoring.fitPrompt(of: task.card) ? ".fit-\(fitPrompt.rawValue)" : "")
                + (settings.numFewshot > 0 ? ".\(settings.numFewshot)shot" : "")
                + (task.card.overriddenMaxTokens.map { ".max-tokens\($0)" } ?? "")
                + (settings.scoring == .official ? ".official" : "") + model.fileSuffix,
            suffix: "")
        return SweepPlan(
            method: method, options: options, ks: ks, strengths: strengths, pairsSplit: pairsSplit.name, fitPrompt: fitPrompt,
            fitted: fitted, fitSeconds: fitSeconds, split: split.name, instances: instances, stem: stem)
    }

    /// Writes a sweep's `<stem>.json`, `.md` (the grid) and `.svg` (its heatmap).
    static func write(_ report: SweepReport, kMeaning: String, stem: String) throws -> GridTable {
        let grid = report.grid
        let table = try GridTable(
            title: "\(report.task) \(report.split): \(report.method) \(grid.metric) (\(report.scoring), \(report.application))",
            rowName: "K (\(kMeaning))", columnName: "δ",
            rowLabels: grid.ks.map(String.init), columnLabels: grid.strengths.map { String(format: "%g", $0 - 1) },
            values: grid.ks.map { k in grid.strengths.map { grid.score(k: k, strength: $0) } },
            higherIsBetter: true, decimals: 1, scale: 100)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(report), to: stem + ".json")
        try AtomicFile.write(Data(table.markdown().utf8), to: stem + ".md")
        try Heatmap.write(table, to: stem + ".svg")
        return table
    }
}

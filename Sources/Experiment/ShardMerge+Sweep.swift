import Foundation
import Harness
import Interventions

extension ShardMerge {
    /// The shards of one K × strength sweep.
    public struct SweepRun {
        public let model: String
        public let task: String
        public let stem: String
        public let parts: [(path: String, record: SweepShard)]

        public var label: String { "\(model)/\(task)/\(stem)" }
    }

    /// Every sweep shard (`sweep-….shard-I-of-N.json`) under `directories`, grouped by sweep.
    public static func sweeps(in directories: [String]) throws -> [SweepRun] {
        try groups(in: directories, sweeps: true) { path, shard in
            let record = try SweepShard.read(path: path)
            guard record.shard == shard.description else {
                throw HarnessError.invalidInput(
                    "merge: \(path) is named as shard \(shard) but records shard \(record.shard); it was renamed or edited, run that shard again"
                )
            }
            return (record.model, record.task, (path, record))
        }.map { SweepRun(model: $0.model, task: $0.task, stem: $0.stem, parts: $0.parts) }
    }

    /// The whole sweep from its shards, written as the unsharded sweep writes it
    /// (`<stem>.json`, `.md`, `.svg` under `outputDirectory`): each cell the selection
    /// metric's aggregate of every document's score in document order.
    public static func mergeSweep(
        _ run: SweepRun, task: any BenchmarkTask, store: DataStore, methods: MethodRegistry = .standard,
        scorers registry: ScorerRegistry = .standard, outputDirectory: String
    ) throws -> (report: SweepReport, table: GridTable, stem: String) {
        let first = run.parts[0].record
        for part in run.parts.dropFirst() {
            let differing = first.settings.keys.filter { first.settings[$0] != part.record.settings[$0] }.sorted()
            guard differing.isEmpty else {
                throw HarnessError.invalidInput(
                    "merge: \(part.path) and \(run.parts[0].path) are not shards of one sweep (\(differing.joined(separator: ", ")) differ); run every shard with the same flags, binary and model"
                )
            }
        }
        guard let scoring = ScoringProtocol(rawValue: first.scoring) else {
            throw HarnessError.invalidInput("merge: \(run.parts[0].path) records an unknown protocol \(first.scoring); run the shard again")
        }
        let all = try TaskItems(task: task, store: store, scoring: scoring, numFewshot: first.numFewshot)
            .instances(split: first.split, role: .validation, limit: first.limit).instances
        guard all.count == first.documents else {
            throw HarnessError.invalidInput(
                "merge: \(run.parts[0].path) was a sweep of \(first.documents) documents, the task's split \(first.split) now has \(all.count); the data changed, run the shards again"
            )
        }
        for part in run.parts {
            let shard = try Shard(parsing: part.record.shard, environment: [:])
            let expected = shard.select(all, batchSize: first.batchSize).map(\.docID)
            guard part.record.documentIDs == expected, part.record.scores.allSatisfy({ $0 == nil || $0!.count == expected.count }) else {
                throw HarnessError.invalidInput(
                    "merge: \(part.path) does not hold shard \(shard)'s \(expected.count) documents in order; run that shard again")
            }
        }
        // Each document's score from the shard that scored it, in the sweep's document order.
        let configurations = first.ks.flatMap { k in first.strengths.map { (k: k, strength: $0) } }
        let position = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.docID, $0) })
        let scores: [[Double]?] = configurations.indices.map { c in
            var byPosition = [Double](repeating: 0, count: all.count)
            for part in run.parts {
                guard let values = part.record.scores[c] else { return nil }
                for (id, value) in zip(part.record.documentIDs, values) { byPosition[position[id]!] = value }
            }
            return byPosition
        }
        guard
            let scorer = try scoring.scorers(of: task.card, registry: registry).first(where: { $0.name == first.metric })
        else {
            throw HarnessError.invalidInput("merge: task \(task.card.task) has no metric \(first.metric) under --protocol \(first.scoring)")
        }
        let grid = try GridSearch.result(
            .init(configurations: configurations, scores: scores, seconds: run.parts.reduce(0) { $0 + $1.record.gridSeconds }),
            ks: first.ks, strengths: first.strengths, scorer: scorer)
        let report = SweepReport(
            task: first.task, split: first.split, method: first.method, scoring: first.scoring, application: first.application,
            items: all.count, pairs: first.pairs, pairsSplit: first.pairsSplit, fitPrompt: first.fitPrompt,
            fitSeconds: first.fitSeconds, gridSeconds: grid.seconds, grid: grid)
        guard let method = try methods.method(named: first.method) else {
            throw HarnessError.invalidInput("merge: \(run.parts[0].path) names method \(first.method), which sweeps do not run")
        }
        let stem = RunResult.path(outputDirectory: outputDirectory, model: run.model, task: run.task, method: run.stem, suffix: "")
        let table = try Experiment.write(report, kMeaning: method.kMeaning, stem: stem)
        return (report, table, stem)
    }
}

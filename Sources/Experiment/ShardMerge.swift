import Foundation
import Harness

/// Joins the shards of runs (`--shard I/N`, each a results file and samples log named
/// `<stem>.shard-I-of-N`) into the results file the unsharded run writes: the shards must be
/// of one run (task, split, method, model, settings, intervention) and cover every document
/// once, and the metrics come from their samples through the run's own code.
public struct ShardMerge {
    /// One shard as found on disk.
    public struct Part {
        public let shard: Shard
        public let resultPath: String
        public let samplesPath: String
        public let result: RunResult
    }

    /// The shards of one run: `stem` is the unsharded results file's name without `.json`.
    public struct Run {
        public let model: String
        public let task: String
        public let stem: String
        public let parts: [Part]

        public var label: String { "\(model)/\(task)/\(stem)" }
    }

    /// Every shard results file under `directories`, grouped by run. Two files of the same
    /// shard, a shard count that differs within a run, or a missing shard is an error naming
    /// the files or indices.
    public static func runs(in directories: [String]) throws -> [Run] {
        try groups(in: directories, sweeps: false) { path, shard in
            let result = try RunResult.read(path: path)
            guard result.configuration["shard"] == shard.description else {
                throw HarnessError.invalidInput(
                    "merge: \(path) is named as shard \(shard) but records shard \(result.configuration["shard"] ?? "none"); it was renamed or edited, run that shard again"
                )
            }
            let samples = String(path.dropLast(".json".count)) + ".samples.jsonl"
            return (result.model.name, result.task, Part(shard: shard, resultPath: path, samplesPath: samples, result: result))
        }.map { Run(model: $0.model, task: $0.task, stem: $0.stem, parts: $0.parts) }
    }

    /// The shard files (`<stem>.shard-I-of-N.json`; sweeps' stems start with `sweep-`) under
    /// `directories`, loaded and grouped by model, task and stem, each group checked whole:
    /// one shard count, every index once.
    static func groups<Loaded>(
        in directories: [String], sweeps: Bool, load: (String, Shard) throws -> (model: String, task: String, part: Loaded)
    ) throws -> [(model: String, task: String, stem: String, parts: [Loaded])] {
        var found: [String: [(shard: Shard, path: String, part: Loaded)]] = [:]
        var keys: [String: (model: String, task: String, stem: String)] = [:]
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
                let walker = FileManager.default.enumerator(atPath: directory)
            else {
                throw HarnessError.invalidInput("merge: \(directory) is not a folder; pass the folders the shards wrote (--output-dir)")
            }
            for case let relative as String in walker {
                guard let (stem, shard) = Self.shardName(relative), stem.hasPrefix("sweep-") == sweeps else { continue }
                let path = (directory as NSString).appendingPathComponent(relative)
                let (model, task, part) = try load(path, shard)
                let key = [model, task, stem].joined(separator: "/")
                keys[key] = (model, task, stem)
                found[key, default: []].append((shard, path, part))
            }
        }
        return try found.keys.sorted().map { label in
            let parts = found[label]!
            let counts = Set(parts.map(\.shard.count))
            guard counts.count == 1, let count = counts.first else {
                throw HarnessError.invalidInput(
                    "merge: the shards of \(label) were cut \(counts.sorted().map { "\($0)" }.joined(separator: " and ")) ways; merge shards of one --shard I/N split only"
                )
            }
            var byIndex: [Int: (shard: Shard, path: String, part: Loaded)] = [:]
            for part in parts {
                if let other = byIndex[part.shard.index] {
                    throw HarnessError.invalidInput(
                        "merge: shard \(part.shard) of \(label) is there twice (\(other.path) and \(part.path)); remove one")
                }
                byIndex[part.shard.index] = part
            }
            let missing = (0..<count).filter { byIndex[$0] == nil }
            guard missing.isEmpty else {
                throw HarnessError.invalidInput(
                    "merge: \(label) lacks shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) of \(count); run \(missing.count == 1 ? "it" : "them") (--shard \(missing[0])/\(count)) and merge again"
                )
            }
            let key = keys[label]!
            return (key.model, key.task, key.stem, (0..<count).map { byIndex[$0]!.part })
        }
    }

    /// `(stem, shard)` for a path ending in `<stem>.shard-I-of-N.json`.
    static func shardName(_ path: String) -> (String, Shard)? {
        guard path.hasSuffix(".json") else { return nil }
        let name = String(path.dropLast(".json".count))
        guard let dot = name.range(of: ".shard-", options: .backwards) else { return nil }
        let fields = name[dot.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[1] == "of", let index = Int(fields[0]), let count = Int(fields[2]),
            let shard = try? Shard(index: index, count: count)
        else { return nil }
        return ((String(name[..<dot.lowerBound]) as NSString).lastPathComponent, shard)
    }

    /// Settings that differ between shards of one run without changing a number.
    static let perShardKeys: Set<String> = ["shard", "chosen_by"]

    /// A merged run: the results file and the whole run's samples log (document order).
    public struct Merged {
        public let result: RunResult
        public let header: RunJournal.Header
        public let samples: [Sample]
    }

    /// The whole run's results from its shards: `task` is the run's task (as the shards ran
    /// it), `store` gives its documents, so the merge checks that the shards cover each
    /// document once.
    public static func merge(
        _ run: Run, task: any BenchmarkTask, store: DataStore, scorers registry: ScorerRegistry = .standard
    ) throws -> Merged {
        let first = run.parts[0].result
        let settings = { (result: RunResult) in
            result.configuration.filter { !perShardKeys.contains($0.key) && !$0.key.hasSuffix("_seconds") }
        }
        for part in run.parts.dropFirst() {
            let result = part.result
            let differing =
                [
                    ("task", result.task != first.task), ("split", result.split != first.split),
                    ("prompt", result.prompt != first.prompt), ("method", result.method != first.method),
                    ("model sha256", result.model.sha256 != first.model.sha256),
                    ("source revision", result.gitCommit != first.gitCommit),
                ].filter(\.1).map(\.0)
                + settings(result).keys.filter { settings(result)[$0] != settings(first)[$0] }.sorted()
                + settings(first).keys.filter { settings(result)[$0] == nil }.sorted()
            guard differing.isEmpty else {
                throw HarnessError.invalidInput(
                    "merge: \(part.resultPath) and \(run.parts[0].resultPath) are not shards of one run (\(Array(Set(differing)).sorted().joined(separator: ", ")) differ); run every shard with the same flags, binary, model and --intervention"
                )
            }
        }
        guard let scoring = ScoringProtocol(rawValue: first.configuration["protocol"] ?? "") else {
            throw HarnessError.invalidInput("merge: \(run.parts[0].resultPath) records no scoring protocol; run the shard again")
        }
        let limit = first.configuration["limit"].flatMap(Int.init)
        let items = TaskItems(
            task: task, store: store, scoring: scoring, prompt: first.prompt,
            numFewshot: first.configuration["num_fewshot"].flatMap(Int.init) ?? 0)
        let all = try items.instances(split: first.split, role: .test, limit: limit).instances
        guard let batchSize = first.configuration["batch_size"].flatMap(Int.init) else {
            throw HarnessError.invalidInput("merge: \(run.parts[0].resultPath) records no batch size; run the shard again")
        }
        var samples: [Sample] = []
        var header: RunJournal.Header? = nil
        for part in run.parts {
            let (shardHeader, shardSamples) = try RunJournal.read(at: part.samplesPath)
            header = header ?? RunJournal.Header(run: shardHeader.run.filter { $0.key != "shard" && $0.key != "documents" })
            let expected = Set(part.shard.select(all, batchSize: batchSize).map(\.docID))
            let got = shardSamples.map(\.docID)
            guard Set(got) == expected, got.count == expected.count else {
                let missing = expected.subtracting(got).count, extra = Set(got).subtracting(expected).count
                throw HarnessError.invalidInput(
                    "merge: \(part.samplesPath) holds \(got.count) samples for shard \(part.shard)'s \(expected.count) documents (\(missing) missing, \(extra) not this shard's, \(got.count - Set(got).count) repeated); the shard is unfinished or of another split, run it again"
                )
            }
            samples += shardSamples
        }
        guard let seed = first.configuration["seed"].flatMap(UInt64.init) else {
            throw HarnessError.invalidInput("merge: \(run.parts[0].resultPath) records no seed; run the shard again")
        }
        let scorers = try scoring.scorers(of: task.card, registry: registry)
        let (ordered, metrics, comparisons) = try SampleMetrics.compute(
            samples, order: all, scorers: scorers, paired: first.method != "baseline", seed: seed)
        var configuration = first.configuration.filter { $0.key != "shard" && $0.key != "documents" }
        configuration["shards"] = String(run.parts.count)
        // Wall time is the shards' summed (the machine time the run took); throughput is
        // their tokens over that time.
        let seconds = run.parts.reduce(0) { $0 + $1.result.wallSeconds }
        let tokens = run.parts.reduce(0) { $0 + $1.result.tokensPerSecond * $1.result.wallSeconds }
        let decoding = run.parts.compactMap(\.result.decodeTokensPerSecond)
        var result = RunResult(
            task: first.task, split: first.split, prompt: first.prompt, method: first.method, model: first.model,
            configuration: configuration, metrics: metrics, metricOrder: scorers.map(\.name), items: ordered.count,
            comparisons: comparisons.isEmpty ? nil : comparisons, validationGrid: first.validationGrid,
            wallSeconds: seconds, tokensPerSecond: tokens / max(seconds, 1e-9),
            decodeTokensPerSecond: decoding.count == run.parts.count
                ? zip(decoding, run.parts).reduce(0) { $0 + $1.0 * $1.1.result.wallSeconds } / max(seconds, 1e-9) : nil,
            gitCommit: first.gitCommit, created: ISO8601DateFormatter().string(from: Date()))
        let lower = scorers.filter { !$0.higherIsBetter }.map(\.name)
        result.lowerIsBetter = lower.isEmpty ? nil : lower
        return Merged(result: result, header: header!, samples: ordered)
    }
}

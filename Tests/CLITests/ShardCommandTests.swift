import Foundation
import Harness
import TestSupport
import Testing

/// Scale-out as a job array runs it: `fit` once, `run --shard auto/N` in N processes at once
/// (each told its index the way Kubernetes tells an Indexed Job's pods), `merge`, and the
/// merged results file against the unsharded run's.
@Suite("sadi-eval fit, run --shard and merge", .serialized)
struct ShardCommandTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-shards") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1/copa"
    /// 96 documents in batches of 8: 12 batches, 3 for each of 4 shards.
    static let scored = ["--task", "copa", "--method", "sadi-head", "--limit", "96", "--batch-size", "8"]

    static func canonical<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(value)
    }

    @Test("fit, four shards at once (one killed with SIGKILL and restarted), merge: the unsharded run's metrics and paired statistics")
    func fitShardMerge() throws {
        let intervention = scratch + "/sadi-head.json"
        let fit = try CommandLineTool.run(
            [
                "fit", "--task", "copa", "--method", "sadi-head", "--ks", "1,2", "--strengths", "2,5", "--pairs", "40",
                "--output", intervention,
            ], environment: env)
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("chosen on") || fit.stdout.contains("validation"), "\(fit.stdout)")
        let whole = scratch + "/whole", shards = scratch + "/shards", merged = scratch + "/merged"
        let unsharded = try CommandLineTool.run(
            Self.scored + ["--intervention", intervention, "--output-dir", whole, "--log-samples"], environment: env)
        #expect(unsharded.status == 0, "\(unsharded.stderr)")

        // Shard 1 killed part way (its 24 documents, in batches of 8), then run again below.
        let killed = try CommandLineTool.run(
            Self.scored + ["--intervention", intervention, "--shard", "1/4", "--output-dir", shards], environment: env,
            killWhen: { ReliabilityCommandTests.progress(in: $0, after: "copa sadi-head [", of: 24) >= 8 })
        #expect(killed.status != 0, "\(killed.stderr)")
        let outputs = LockedOutputs()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            let output = Result {
                try CommandLineTool.run(
                    Self.scored + ["--intervention", intervention, "--shard", "auto/4", "--output-dir", shards],
                    environment: env.merging(["JOB_COMPLETION_INDEX": String(index)]) { $1 })
            }
            outputs.set(index, output)
        }
        for index in 0..<4 {
            let output = try #require(try outputs.get(index)?.get())
            #expect(output.status == 0, "shard \(index): \(output.stderr)")
        }
        for index in 0..<4 {
            let part = try RunResult.read(path: "\(shards)/\(Self.modelDir)/sadi-head.first96.shard-\(index)-of-4.json")
            #expect(part.items == 24 && part.configuration["shard"] == "\(index)/4")
        }
        // Shards never reach the leaderboard.
        let board = try String(contentsOfFile: shards + "/LEADERBOARD.csv", encoding: .utf8)
        #expect(!board.contains("shard"), "\(board)")

        let merge = try CommandLineTool.run(["merge", shards, "--output-dir", merged], environment: env)
        #expect(merge.status == 0, "\(merge.stderr)")
        let a = try RunResult.read(path: "\(whole)/\(Self.modelDir)/sadi-head.first96.json")
        let b = try RunResult.read(path: "\(merged)/\(Self.modelDir)/sadi-head.first96.json")
        #expect(b.items == 96 && b.configuration["shards"] == "4")
        #expect(try Self.canonical(a.metrics) == Self.canonical(b.metrics))
        #expect(try Self.canonical(a.comparisons) == Self.canonical(b.comparisons))
        #expect(a.comparisons?["acc"]?.n == 96)
        #expect(a.configuration["intervention_sha256"] == b.configuration["intervention_sha256"])
        // Every document's numbers, in document order, as the unsharded run logged them.
        let wholeSamples = try String(contentsOfFile: "\(whole)/\(Self.modelDir)/sadi-head.first96.samples.jsonl", encoding: .utf8)
        let mergedSamples = try String(contentsOfFile: "\(merged)/\(Self.modelDir)/sadi-head.first96.samples.jsonl", encoding: .utf8)
        let lines = { (text: String) in text.split(separator: "\n").dropFirst() }
        #expect(lines(wholeSamples).count == 96)
        #expect(lines(wholeSamples) == lines(mergedSamples))

        // A set without shard 2 is refused, naming it; so is a shard there twice.
        let partial = scratch + "/partial"
        try FileManager.default.copyItem(atPath: shards, toPath: partial)
        for suffix in [".json", ".samples.jsonl"] {
            try FileManager.default.removeItem(atPath: "\(partial)/\(Self.modelDir)/sadi-head.first96.shard-2-of-4\(suffix)")
        }
        let refused = try CommandLineTool.run(["merge", partial, "--output-dir", scratch + "/none"], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("lacks shard 2/4 of 4"), "\(refused.stderr)")
        let twice = try CommandLineTool.run(
            ["merge", shards, shards + "/\(Self.modelDir)", "--output-dir", scratch + "/none"], environment: env)
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("is there twice"), "\(twice.stderr)")
    }

    @Test("a K × δ sweep in 3 shards (SLURM array ids 1-3) merges to the unsharded sweep's grid; a missing shard is refused")
    func sweepShards() throws {
        let sweep = [
            "sweep", "--task", "copa", "--method", "sadi-head", "--k", "1,4", "--delta", "0,4,9", "--pairs", "40", "--limit", "24",
            "--batch-size", "4",
        ]
        let whole = scratch + "/sweep-whole", shards = scratch + "/sweep-shards", merged = scratch + "/sweep-merged"
        let unsharded = try CommandLineTool.run(sweep + ["--output-dir", whole], environment: env)
        #expect(unsharded.status == 0, "\(unsharded.stderr)")
        let outputs = LockedOutputs()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            let output = Result {
                try CommandLineTool.run(
                    sweep + ["--shard", "auto/3", "--output-dir", shards],
                    environment: env.merging(["SLURM_ARRAY_TASK_ID": String(index + 1), "SLURM_ARRAY_TASK_MIN": "1"]) { $1 })
            }
            outputs.set(index, output)
        }
        for index in 0..<3 {
            let output = try #require(try outputs.get(index)?.get())
            #expect(output.status == 0, "shard \(index): \(output.stderr)")
            #expect(output.stdout.contains("6 configurations × 8 of 24 items"), "\(output.stdout)")
        }
        let merge = try CommandLineTool.run(["merge", shards, "--output-dir", merged], environment: env)
        #expect(merge.status == 0, "\(merge.stderr)")
        let read = { (folder: String) throws -> [String: Any] in
            let path = "\(folder)/\(Self.modelDir)/sweep-sadi-head-validation.json"
            return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        }
        let a = try read(whole), b = try read(merged)
        let cells = { (report: [String: Any]) in (report["grid"] as! [String: Any])["cells"] as! [[String: Any]] }
        #expect(cells(a).count == 6)
        #expect(
            try JSONSerialization.data(withJSONObject: cells(a), options: .sortedKeys)
                == JSONSerialization.data(withJSONObject: cells(b), options: .sortedKeys))
        #expect(a["items"] as? Int == 24 && b["items"] as? Int == 24)
        let markdown = try String(contentsOfFile: "\(merged)/\(Self.modelDir)/sweep-sadi-head-validation.md", encoding: .utf8)
        #expect(markdown == (try String(contentsOfFile: "\(whole)/\(Self.modelDir)/sweep-sadi-head-validation.md", encoding: .utf8)))

        try FileManager.default.removeItem(atPath: "\(shards)/\(Self.modelDir)/sweep-sadi-head-validation.shard-0-of-3.json")
        let refused = try CommandLineTool.run(["merge", shards, "--output-dir", scratch + "/none"], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("lacks shard 0/3 of 3"), "\(refused.stderr)")
    }

    @Test("a method shard without a fitted intervention is refused, naming the fit command; a bad --shard names the form")
    func refusals() throws {
        let method = try CommandLineTool.run(Self.scored + ["--shard", "0/2", "--output-dir", scratch + "/x"], environment: env)
        #expect(method.status != 0)
        #expect(method.stderr.contains("sadi-eval fit --task copa --method sadi-head"), "\(method.stderr)")
        let bad = try CommandLineTool.run(
            ["--task", "copa", "--limit", "8", "--shard", "4/4", "--output-dir", scratch + "/x"], environment: env)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("from 0 to 3"), "\(bad.stderr)")
        let auto = try CommandLineTool.run(
            ["--task", "copa", "--limit", "8", "--shard", "auto/4", "--output-dir", scratch + "/x"],
            environment: env.filter { !Shard.indexVariables.contains($0.key) })
        #expect(auto.status != 0)
        #expect(auto.stderr.contains("JOB_COMPLETION_INDEX"), "\(auto.stderr)")
    }
}

/// Outputs of concurrent runs, by index.
final class LockedOutputs: @unchecked Sendable {
    private var outputs: [Int: Result<CommandLineTool.Output, any Error>] = [:]
    private let lock = NSLock()

    func set(_ index: Int, _ output: Result<CommandLineTool.Output, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        outputs[index] = output
    }

    func get(_ index: Int) -> Result<CommandLineTool.Output, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return outputs[index]
    }
}

import ArgumentParser
import Engine
import Experiment
import Foundation
import Harness

/// `sadi-eval fluency SAMPLES…`: the unsteered model's perplexity on the continuations of
/// generation runs kept with --log-samples, the method's beside its paired baseline's.
struct FluencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluency",
        abstract:
            "Perplexity of a generation run's continuations under the unsteered model, method beside baseline (a method that derails the model into unrelated text shows here); writes <run>.fluency.json beside each samples log."
    )

    @Argument(help: "Samples logs of generation runs (<run>.samples.jsonl, written with --log-samples).")
    var samples: [String]
    @Option(help: "GGUF model file the runs used (default: the one `make setup` fetches, or $SADI_MODEL).")
    var model: String = DefaultModel.path
    @Option(help: "Threads.") var threads: Int = Parallel.availableCores
    @Option(name: .customLong("batch-size"), help: "Documents a forward call.") var batchSize: Int = 32
    @Option(help: "Seed of the paired bootstrap.") var seed: UInt64 = 1234
    @Option(help: "With several logs, also write their pooled figures (the last row) to this JSON file.") var pooled: String?

    func validate() throws {
        guard !samples.isEmpty else { throw ValidationError("name at least one samples log (<run>.samples.jsonl)") }
        guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if pooled != nil, samples.count < 2 { throw ValidationError("--pooled pools several samples logs; name at least two") }
        for path in samples where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): no such samples log; runs keep one with --log-samples")
        }
    }

    func run() throws {
        let loaded = try ModelUnderTest.load(
            path: model, threads: threads, digests: DataStore.fromEnvironment(mirror: nil, offline: true).digests)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var parts: [Fluency] = []
        for path in samples {
            let fluency = try Fluency.measure(
                samplesAt: path, model: loaded, batchSize: batchSize, seed: seed, sourceRevision: SourceRevision.current,
                progress: ExperimentReporter.terminal.progress("fluency \((path as NSString).lastPathComponent)"))
            try AtomicFile.write(try encoder.encode(fluency), to: Fluency.outputPath(forSamples: path))
            if parts.isEmpty {
                print(
                    "| samples | task | method | perplexity | baseline perplexity | Δ log-perplexity [95% CI] | method worse | empty | mean tokens |"
                )
                print("|---|---|---|---:|---:|---|---:|---:|---:|")
            }
            print(Self.row(fluency))
            parts.append(fluency)
        }
        if parts.count > 1 {
            let all = Fluency.pooled(parts, seed: seed, sourceRevision: SourceRevision.current)
            print(Self.row(all))
            if let pooled { try AtomicFile.write(try encoder.encode(all), to: pooled) }
        }
    }

    static func row(_ f: Fluency) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "—" }
        let difference = f.comparison.map {
            String(format: "%+.3f [%+.3f, %+.3f]", $0.logPerplexityDifference, $0.interval.lower, $0.interval.upper)
        }
        let worse = f.comparison.map { String(format: "%.0f%%", 100 * $0.methodWorseShare) }
        let empty = "\(f.response.empty)" + (f.baseline.map { " / \($0.empty)" } ?? "")
        let tokens = String(format: "%.1f", f.response.meanTokens) + (f.baseline.map { String(format: " / %.1f", $0.meanTokens) } ?? "")
        return
            "| \(f.samplesFile) | \(f.task) | \(f.method) | \(number(f.response.perplexity)) | \(number(f.baseline?.perplexity)) | \(difference ?? "—") | \(worse ?? "—") | \(empty) | \(tokens) |"
    }
}

import ArgumentParser
import Engine
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt processing and decoding speed (one sequence and a batch), load time and peak memory.")

    @Option(help: "GGUF model file.") var model: String = DefaultModel.path
    @Option(help: "Threads for matrix products and element-wise loops.") var threads: Int = 2
    @Option(help: "Timed repeats per shape (the best is reported).") var repeats: Int = 3
    @Option(help: "Also write the report as JSON to this file.") var json: String?
    @Option(help: "Prompt shapes as BATCHxLENGTH, comma-separated.") var shapes: String = "1x64,8x64,1x512"
    @Option(name: .customLong("decode-steps"), help: "Tokens to decode after a 64-token prompt (0: skip decoding).") var decodeSteps: Int =
        64
    @Option(
        name: .customLong("decode-batch"),
        help: "Also decode this many sequences together, each after its own 64-token prompt, one forward call per step (0 or 1: skip).")
    var decodeBatch: Int = EngineBenchmark.defaultDecodeBatch
    @Option(help: ActivationPrecision.help) var activations: ActivationPrecision = .float32

    func parsedShapes() throws -> [(batch: Int, length: Int)] {
        try shapes.split(separator: ",").map { item in
            let parts = item.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                throw ValidationError("--shapes: '\(item)' is not BATCHxLENGTH (e.g. 8x64)")
            }
            return (parts[0], parts[1])
        }
    }

    func validate() throws {
        _ = try parsedShapes()
        guard threads > 0, repeats > 0, decodeSteps >= 0, decodeBatch >= 0 else {
            throw ValidationError("--threads and --repeats must be at least 1, --decode-steps and --decode-batch at least 0")
        }
    }

    func run() throws {
        let report = try EngineBenchmark.run(
            modelPath: model, threads: threads, activations: activations, repeats: repeats,
            shapes: try parsedShapes(), decodeSteps: decodeSteps, decodeBatch: decodeBatch
        ) { f in
            Terminal.status("\(f.name): \(String(format: "%.1f", f.tokensPerSecond)) tokens/s")
        }
        print("| measure | tokens | seconds | tokens/s | CPU seconds | peak RSS (MB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for f in report.figures {
            print(
                "| \(f.name) | \(f.tokens) | \(String(format: "%.3f", f.seconds)) | \(String(format: "%.1f", f.tokensPerSecond)) | \(String(format: "%.3f", f.cpuSeconds)) | \(String(format: "%.1f", f.peakRSSMegabytes)) |"
            )
        }
        print("| load | | \(String(format: "%.3f", report.loadSeconds)) | | | |")
        let load = report.loadAverage.map { String(format: ", load average %.2f", $0) } ?? ""
        print(
            "\npeak RSS \(String(format: "%.1f", report.peakRSSMegabytes)) MB, \(report.threads) threads, \(report.kernels) decoding kernels, \(report.activations) activations, OpenBLAS \(BLASKernel.coreName) kernels\(load)"
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(report)
        print(String(decoding: data, as: UTF8.self))
        if let json {
            do { try data.write(to: URL(fileURLWithPath: json), options: Data.WritingOptions.atomic) } catch {
                throw ValidationError("--json: cannot write \(json) (\((error as NSError).localizedDescription)); name a writable file")
            }
        }
    }
}

import ArgumentParser
import Engine
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt processing and decoding speed, load time and peak memory.")

    @Option(help: "GGUF model file.") var model: String = DefaultModel.path
    @Option(help: "Threads for matrix products and element-wise loops.") var threads: Int = 2
    @Option(help: "Timed repeats per shape (the best is reported).") var repeats: Int = 3
    @Option(help: "Also write the report as JSON to this file.") var json: String?
    @Option(help: "Prompt shapes as BATCHxLENGTH, comma-separated.") var shapes: String = "1x64,8x64,1x512"
    @Option(name: .customLong("decode-steps"), help: "Tokens to decode after a 64-token prompt (0: skip).") var decodeSteps: Int = 64

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
        guard threads > 0, repeats > 0, decodeSteps >= 0 else {
            throw ValidationError("--threads and --repeats must be at least 1 and --decode-steps at least 0")
        }
    }

    func run() throws {
        let report = try EngineBenchmark.run(
            modelPath: model, threads: threads, repeats: repeats,
            shapes: try parsedShapes(), decodeSteps: decodeSteps
        ) { f in
            Terminal.status("\(f.name): \(String(format: "%.1f", f.tokensPerSecond)) tokens/s")
        }
        print("| measure | tokens | seconds | tokens/s |")
        print("|---|---:|---:|---:|")
        for f in report.figures {
            print("| \(f.name) | \(f.tokens) | \(String(format: "%.3f", f.seconds)) | \(String(format: "%.1f", f.tokensPerSecond)) |")
        }
        print("| load | | \(String(format: "%.3f", report.loadSeconds)) | |")
        print(
            "\npeak RSS \(String(format: "%.1f", report.peakRSSMegabytes)) MB, \(report.threads) threads, OpenBLAS \(BLASKernel.coreName) kernels"
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

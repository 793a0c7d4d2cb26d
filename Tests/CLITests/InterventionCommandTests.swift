import Engine
import Foundation
import Harness
import TestSupport
import Testing

/// The intervention methods as a user runs them from the command line. Fitting uses the
/// first 40 pairs (`--pairs`) so each run takes seconds, not a minute.
@Suite("sadi-eval methods and sweep", .serialized)
struct InterventionCommandTests {
    let scratch: String

    init() throws {
        scratch = try TestPaths.scratchDirectory("sadi-cli-methods")
    }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1/copa"

    @Test("sweep writes the K × δ grid as JSON, Markdown and SVG from one fit")
    func sweep() throws {
        let out = scratch + "/sweep"
        let run = try CommandLineTool.run(
            [
                "sweep", "--task", "copa", "--method", "sadi-head", "--k", "1,4", "--delta", "0,4,9",
                "--pairs", "40", "--limit", "12", "--output-dir", out,
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("6 configurations × 12 items"), "\(run.stdout)")
        let stem = out + "/" + Self.modelDir + "/sweep-sadi-head-validation"
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stem + ".json"))) as! [String: Any]
        let grid = json["grid"] as! [String: Any]
        let cells = grid["cells"] as! [[String: Any]]
        #expect(json["split"] as? String == "validation" && json["pairs"] as? Int == 40 && json["items"] as? Int == 12)
        #expect(cells.count == 6 && grid["ks"] as? [Int] == [1, 4])
        #expect(cells.allSatisfy { (0...1).contains($0["score"] as! Double) })
        // δ = 0 leaves the model as it is: every K scores what the baseline scores.
        let atZero = cells.filter { $0["strength"] as? Double == 1 }.map { $0["score"] as! Double }
        #expect(atZero.count == 2 && atZero[0] == atZero[1])
        let markdown = try String(contentsOfFile: stem + ".md", encoding: .utf8)
        #expect(markdown.contains("| K (units) \\ δ | 0 | 4 | 9 |"), "\(markdown)")
        #expect(markdown.split(separator: "\n").filter { $0.hasPrefix("| 1 |") || $0.hasPrefix("| 4 |") }.count == 2)
        let svg = try String(contentsOfFile: stem + ".svg", encoding: .utf8)
        #expect(svg.contains("<svg") && svg.components(separatedBy: "<rect").count - 1 >= 6)
    }

    @Test("caa exports its vector as a llama.cpp control vector")
    func caaControlVector() throws {
        let out = scratch + "/caa", file = scratch + "/caa.gguf"
        let run = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "caa", "--k", "12", "--strength", "4", "--pairs", "40",
                "--limit", "8", "--output-dir", out, "--export-control-vector", file,
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try RunResult.read(path: out + "/" + Self.modelDir + "/caa.first8.pairs40.json")
        #expect(result.configuration["k"] == "12" && result.configuration["pairs"] == "40")
        let gguf = try GGUFFile(path: file)
        #expect(gguf.metadata["general.architecture"]?.string == "controlvector")
        #expect(gguf.metadata["controlvector.layer_count"]?.int == 1)
        let direction = try #require(gguf.tensor(named: "direction.12"))
        #expect(direction.type == .f32 && direction.dimensions == [576])
        #expect(gguf.tensors.count == 1)
    }

    @Test("iti runs with K and α given, and records them")
    func iti() throws {
        let out = scratch + "/iti"
        let run = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "iti", "--k", "4", "--strength", "5", "--pairs", "40",
                "--limit", "8", "--output-dir", out,
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try RunResult.read(path: out + "/" + Self.modelDir + "/iti.first8.pairs40.json")
        #expect(
            result.configuration["k"] == "4" && result.configuration["strength"] == "5.0" && result.configuration["chosen_by"] == "flags")
        #expect(result.comparisons?["acc"]?.n == 8)
    }

    @Test("sweep fits iti with its probes, and a cell scores what `run` scores for that configuration")
    func itiSweep() throws {
        let out = scratch + "/iti-sweep"
        let run = try CommandLineTool.run(
            [
                "sweep", "--task", "copa", "--method", "iti", "--k", "4", "--strength", "1,20", "--pairs", "40",
                "--limit", "8", "--output-dir", out,
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 configurations × 8 items"), "\(run.stdout)")
        let json = try #require(try TestPaths.json(out + "/" + Self.modelDir + "/sweep-iti-validation.json") as? [String: Any])
        let cells = try #require((json["grid"] as? [String: Any])?["cells"] as? [[String: Any]])
        #expect(cells.map { $0["strength"] as? Double } == [1, 20] && cells.allSatisfy { $0["k"] as? Int == 4 })
        #expect(json["method"] as? String == "iti" && json["pairs"] as? Int == 40)
        // The same configuration run on its own over the same documents scores the same.
        let single = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "iti", "--k", "4", "--strength", "20", "--pairs", "40",
                "--split", "validation", "--limit", "8", "--output-dir", out,
            ], environment: env)
        #expect(single.status == 0, "\(single.stderr)")
        let result = try RunResult.read(path: out + "/" + Self.modelDir + "/iti.validation.first8.pairs40.json")
        #expect(result.metrics["acc"]?.value == cells[1]["score"] as? Double, "run \(result.metrics["acc"]!.value) vs sweep \(cells[1])")
    }

    @Test("the official protocol scores SADI's prompt by exact match, two-pass")
    func official() throws {
        let out = scratch + "/official"
        let run = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "sadi-head", "--protocol", "official", "--application", "two-pass",
                "--k", "1", "--strength", "15", "--pairs", "40", "--limit", "8", "--output-dir", out,
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try RunResult.read(path: out + "/" + Self.modelDir + "/sadi-head.first8.pairs40.official.json")
        #expect(result.metricOrder == ["exact_match"] && result.prompt == "sadi")
        #expect(result.configuration["application"] == "two-pass")
        #expect(result.comparisons?["exact_match"]?.n == 8)
    }

    @Test("--pairs below 1 is a clear error")
    func badPairs() throws {
        let run = try CommandLineTool.run(["--task", "copa", "--method", "sadi-head", "--pairs", "0"], environment: env)
        #expect(run.status != 0)
        #expect(run.stderr.contains("--pairs must be at least 1, got 0"), "\(run.stderr)")
    }
}

import Foundation
import Harness
import TestSupport
import Testing

/// `--activations` as a user gives it: bench labels what ran with 8 bits, generate and run
/// accept it, a run files its results apart, analyze and a misspelt value refuse it clearly.
@Suite("sadi-eval --activations", .serialized)
struct ActivationsOptionTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-cli-activations") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    @Test("bench with --activations int8 labels every figure and reports the precision in its JSON")
    func bench() throws {
        let json = scratch + "/bench.json"
        let run = try CommandLineTool.run(
            [
                "bench", "--model", TestPaths.smolLM2, "--repeats", "1", "--shapes", "2x8", "--decode-steps", "2",
                "--decode-batch", "3", "--activations", "int8", "--json", json,
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("| decode after 64 (int8 activations) | 2 |"), "\(run.stdout)")
        #expect(run.stdout.contains("| decode 3 sequences after 64 (int8 activations) | 6 |"), "\(run.stdout)")
        #expect(run.stdout.contains("| prompt 2x8 (int8 activations) |"), "\(run.stdout)")
        #expect(run.stdout.contains("int8 activations, OpenBLAS"), "\(run.stdout)")
        let report = try #require(try TestPaths.json(json) as? [String: Any])
        #expect(report["activations"] as? String == "int8")
    }

    @Test("run and generate take --activations int8; the results file is named and marked for it")
    func runAndGenerate() throws {
        let out = scratch + "/results"
        let run = try CommandLineTool.run(
            ["--task", "copa", "--limit", "2", "--batch-size", "1", "--activations", "int8", "--output-dir", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try RunResult.read(path: out + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first2.int8.json")
        #expect(result.configuration["activations"] == "int8" && result.items == 2)
        let generate = try CommandLineTool.run(
            ["generate", "--prompt", "The capital of France is", "--max-tokens", "3", "--activations", "int8"], environment: env)
        #expect(generate.status == 0, "\(generate.stderr)")
        #expect(generate.stderr.contains("int8 activations"), "\(generate.stderr)")
    }

    @Test("a value other than float32 or int8, and analyze with int8, are refused naming the flag")
    func refusals() throws {
        let bad = try CommandLineTool.run(["bench", "--activations", "int4"], environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("--activations") && bad.stderr.contains("int8"), "\(bad.stderr)")
        let analyze = try CommandLineTool.run(["analyze", "--task", "copa", "--activations", "int8"], environment: env)
        #expect(analyze.status != 0 && analyze.stderr.contains("--activations int8: analyze measures with float32"), "\(analyze.stderr)")
    }
}

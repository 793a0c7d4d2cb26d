import Foundation
import Harness
import TestSupport
import Testing

/// Every method name, and the commands besides `run`, as a user runs them.
@Suite("sadi-eval commands end to end", .serialized)
struct ToolCommandTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-cli-tools") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    static let methods: [(name: String, k: String, strength: String, site: String)] = [
        ("sadi-hidden", "2", "5", "mlp-output"), ("sadi-head", "2", "5", "attention-heads"),
        ("sadi-neuron", "10", "10", "mlp-gate"), ("caa", "15", "2", "residual"),
        ("sadi-random", "2", "5", "attention-heads"), ("sadi-fixed", "2", "5", "attention-heads"),
        ("iti", "4", "5", "attention-heads"),
    ]

    @Test("every method runs from the command line with K and strength given, and records them", arguments: 0..<methods.count)
    func everyMethod(index: Int) throws {
        let m = Self.methods[index], out = scratch + "/" + m.name
        let run = try CommandLineTool.run(
            [
                "--task", "copa", "--method", m.name, "--k", m.k, "--strength", m.strength,
                "--pairs", "16", "--limit", "6", "--output-dir", out,
            ], environment: env)
        #expect(run.status == 0, "\(m.name): \(run.stderr)")
        let result = try RunResult.read(path: out + "/SmolLM2-135M-Instruct.Q4_1/copa/\(m.name).first6.pairs16.json")
        #expect(result.method == m.name && result.items == 6)
        #expect(result.configuration["k"] == m.k && result.configuration["strength"].flatMap(Double.init) == Double(m.strength))
        #expect(result.configuration["site"] == m.site && result.configuration["chosen_by"] == "flags")
        #expect(result.comparisons?["acc"]?.n == 6 && result.validationGrid == nil)
    }

    @Test("--task takes globs and comma lists; a pattern matching nothing is a clear error")
    func taskPatterns() throws {
        let out = scratch + "/glob"
        let run = try CommandLineTool.run(["--task", "c*,copa", "--limit", "2", "--output-dir", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "results: ").count == 2, "copa once: \(run.stdout)")
        let none = try CommandLineTool.run(["--task", "xcopa_xx*", "--limit", "2", "--output-dir", out], environment: env)
        #expect(none.status != 0 && none.stderr.contains("--task: 'xcopa_xx*' matches no task"), "\(none.stderr)")
        let empty = try CommandLineTool.run(["--task", "copa,", "--limit", "2", "--output-dir", out], environment: env)
        #expect(empty.status != 0 && empty.stderr.contains("names no task"), "\(empty.stderr)")
    }

    @Test("generate continues a prompt greedily and reports its tokens")
    func generate() throws {
        let run = try CommandLineTool.run(["generate", "--prompt", "The capital of France is", "--max-tokens", "4"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Paris"), "\(run.stdout)")
        #expect(run.stderr.contains("5 prompt tokens") || run.stderr.contains("prompt tokens, "), "\(run.stderr)")
        #expect(run.stderr.contains("stopped by"))
        let bad = try CommandLineTool.run(["generate", "--prompt", "x", "--max-tokens", "0"], environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("--max-tokens must be at least 1, got 0"))
    }

    @Test("inspect prints the file's metadata and tensors")
    func inspect() throws {
        let run = try CommandLineTool.run(["inspect", TestPaths.smolLM2], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("GGUF version 3, 33 metadata keys, 272 tensors"), "\(run.stdout.prefix(300))")
        #expect(run.stdout.contains(#"general.architecture (str) = "llama""#))
        #expect(run.stdout.contains("llama.block_count (u32) = 30"))
        let missing = try CommandLineTool.run(["inspect", scratch + "/none.gguf"], environment: env)
        #expect(missing.status != 0 && missing.stderr.contains("none.gguf"))
    }

    @Test("inspect lists a file whose tensor types the engine cannot read; running it names the tensor and type")
    func inspectUnreadableTypes() throws {
        // The tiny F32 model with blk.0.attn_q.weight retyped IQ2_XXS (ggml type 16).
        let path = try RetypedGGUF.write(
            TestPaths.tinyGGUF("F32"), retyping: "blk.0.attn_q.weight", to: 16, in: scratch, file: "tiny-IQ2_XXS.gguf")
        let run = try CommandLineTool.run(["inspect", path], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("blk.0.attn_q.weight              IQ2_XXS 256×256"), "\(run.stdout)")
        #expect(run.stdout.contains("types: 20 × F32, 1 × IQ2_XXS"), "\(run.stdout)")
        #expect(run.stdout.contains("not read by sadi-eval: IQ2_XXS (it reads F32, F16, BF16, Q4_0"), "\(run.stdout)")
        let generate = try CommandLineTool.run(["generate", "--model", path, "--prompt", "x", "--max-tokens", "2"], environment: env)
        #expect(generate.status != 0)
        #expect(
            generate.stderr.contains(
                "tensor 'blk.0.attn_q.weight' is IQ2_XXS (ggml type 16), which sadi-eval does not read; it reads F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS; convert the file with llama-quantize to one of those."
            ), "\(generate.stderr)")
        #expect(!generate.stderr.contains("corrupt"), "\(generate.stderr)")
        let intact = try CommandLineTool.run(["inspect", TestPaths.tinyGGUF("IQ4_XS")], environment: env)
        #expect(intact.status == 0 && intact.stdout.contains("16 × IQ4_XS") && !intact.stdout.contains("not read by"), "\(intact.stdout)")
    }

    @Test("inspect lists a Hugging Face directory's config and tensors; --model refuses it without tokenizer.json")
    func inspectDirectory() throws {
        let dir = TinyCheckpoint.directory("qwen2")
        let run = try CommandLineTool.run(["inspect", dir], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("files: config.json, model.safetensors"), "\(run.stdout)")
        #expect(run.stdout.contains(#"model_type = "qwen2""#), "\(run.stdout)")
        #expect(run.stdout.contains("model.layers.0.self_attn.q_proj.bias"), "\(run.stdout)")
        #expect(run.stdout.contains("architecture: qwen2, 3 layers, hidden 64, 4 heads (2 key-value), rope halves"), "\(run.stdout)")
        #expect(run.stdout.contains("tokenizer: \(dir)/tokenizer.json: not found"), "\(run.stdout)")
        let generate = try CommandLineTool.run(["generate", "--model", dir, "--prompt", "x", "--max-tokens", "2"], environment: env)
        #expect(generate.status != 0 && generate.stderr.contains("\(dir)/tokenizer.json: not found"), "\(generate.stderr)")
    }

    @Test("inspect names a SentencePiece-style tokenizer.json, and generate runs the directory")
    func inspectSentencePieceDirectory() throws {
        let dir = scratch + "/tiny-llama-spm"
        try GGUFToHF.convert(gguf: TestPaths.tinyGGUF("F32"), config: TestPaths.reference + "/gguf/hf_config.json", to: dir)
        try FileManager.default.copyItem(
            atPath: TestPaths.repositoryRoot + "/Tests/Fixtures/spm_tokenizer_json/legacy.tokenizer.json", toPath: dir + "/tokenizer.json")
        let run = try CommandLineTool.run(["inspect", dir], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("tokenizer: SentencePiece-style BPE with byte fallback, 1000 tokens"), "\(run.stdout)")
        let generate = try CommandLineTool.run(["generate", "--model", dir, "--prompt", "The sun", "--max-tokens", "2"], environment: env)
        #expect(generate.status == 0, "\(generate.stderr)")
    }

    @Test("inspect names a GPT-2, BLOOM or Falcon directory's architecture and sizes", arguments: ["gpt2", "bloom", "falcon"])
    func inspectDecoderDirectory(reference: String) throws {
        let run = try CommandLineTool.run(["inspect", TinyCheckpoint.directory(reference)], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("architecture: \(reference), 3 layers, hidden 64, 4 heads"), "\(run.stdout)")
    }

    @Test("bench prints its table of figures and writes them as JSON")
    func bench() throws {
        let json = scratch + "/bench.json"
        let run = try CommandLineTool.run(
            [
                "bench", "--model", TestPaths.smolLM2, "--repeats", "1", "--shapes", "2x8",
                "--decode-steps", "4", "--decode-batch", "3", "--json", json,
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("| measure | tokens | seconds | tokens/s | CPU seconds | peak RSS (MB) |"), "\(run.stdout)")
        // One sequence and three decoded together, 4 steps each.
        #expect(run.stdout.contains("| decode after 64 | 4 |"), "\(run.stdout)")
        #expect(run.stdout.contains("| decode 3 sequences after 64 | 12 |"), "\(run.stdout)")
        let report = try #require(try TestPaths.json(json) as? [String: Any])
        #expect(report["peakResidentBytes"] != nil || report.keys.contains { $0.lowercased().contains("rss") }, "\(report.keys)")
    }
}

import Foundation
import Harness
import TestSupport
import Testing

/// TriviaQA from the command line: the SADI paper's methods fitted on its pairs, K and
/// strength chosen on validation, scored on test with both exact matches; `--max-tokens`.
@Suite("sadi-eval on TriviaQA", .serialized)
struct TriviaQACommandTests {
    let scratch: String
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1"

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-triviaqa") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    /// The repository's cards with TriviaQA's validation split cut to `validation` questions
    /// (the card's shuffle, so still disjoint from the pairs), so a validation search takes
    /// seconds.
    func cards(validation: Int) throws -> String {
        let folder = scratch + "/tasks"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.copyItem(atPath: TestPaths.repositoryRoot + "/tasks", toPath: folder)
        let path = folder + "/triviaqa.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let cut = text.replacingOccurrences(
            of: "subset: {seed: 1234, start: 500, count: 200}", with: "subset: {seed: 1234, start: 500, count: \(validation)}")
        #expect(cut != text)
        try cut.write(toFile: path, atomically: true, encoding: .utf8)
        return folder
    }

    @Test("sadi-head, sadi-random and sadi-fixed fit on the pairs, choose K and strength on validation, report both exact matches")
    func chosenOnValidation() throws {
        let out = scratch + "/chosen"
        let tasks = try cards(validation: 6)
        for method in ["sadi-head", "sadi-random", "sadi-fixed"] {
            let result = try CommandLineTool.run(
                [
                    "--task", "triviaqa", "--method", method, "--pairs", "24", "--ks", "1,2", "--strengths", "2,4", "--limit", "4",
                    "--max-tokens", "16", "--batch-size", "4", "--output-dir", out, "--tasks-dir", tasks,
                ], environment: env)
            #expect(result.status == 0, "\(method): \(result.stderr)")
            let run = try RunResult.read(path: out + "/\(Self.modelDir)/triviaqa/\(method).first4.pairs24.max-tokens16.json")
            #expect(run.metricOrder == ["exact_match", "exact_match_triviaqa"] && run.items == 4 && run.split == "test")
            #expect(run.configuration["chosen_by"] == "validation exact_match over 2×2 grid (6 items)", "\(run.configuration)")
            #expect(run.validationGrid?.count == 4)
            // SADI edits the last prompt token and, generating, every token after it.
            #expect(run.configuration["policy"] == "from-prompt-last", "\(run.configuration)")
            #expect(run.comparisons?["exact_match"] != nil && run.comparisons?["exact_match_triviaqa"] != nil)
            #expect(run.wallSeconds > 0 && (run.decodeTokensPerSecond ?? 0) > 0 && run.configuration["max_tokens"] == "16")
            #expect(result.stdout.contains("decoding") && result.stdout.contains("| exact_match_triviaqa |"), "\(result.stdout)")
        }
    }

    @Test("caa and iti run with K and strength given; the baseline writes its file beside them")
    func givenSettings() throws {
        let out = scratch + "/given"
        let tasks = try cards(validation: 6)
        for (method, extra) in [("caa", ["--k", "15", "--strength", "2"]), ("iti", ["--k", "4", "--strength", "5"]), ("baseline", [])] {
            let result = try CommandLineTool.run(
                ["--task", "triviaqa", "--method", method, "--limit", "3", "--max-tokens", "12", "--output-dir", out, "--tasks-dir", tasks]
                    + (method == "baseline" ? [] : ["--pairs", "16"]) + extra, environment: env)
            #expect(result.status == 0, "\(method): \(result.stderr)")
            let stem = method == "baseline" ? "baseline.first3" : "\(method).first3.pairs16"
            let run = try RunResult.read(path: out + "/\(Self.modelDir)/triviaqa/\(stem).max-tokens12.json")
            #expect(run.metrics.keys.sorted() == ["exact_match", "exact_match_triviaqa"], "\(method)")
            #expect(method == "baseline" || run.configuration["chosen_by"] == "flags")
        }
    }

    @Test("--max-tokens 0 or negative: one error naming the flag and the fix; on a multiple-choice task: refused, naming the task")
    func maxTokensRefused() throws {
        for value in ["0", "-3"] {
            let result = try CommandLineTool.run(["--task", "triviaqa", "--max-tokens", value, "--limit", "1"], environment: env)
            #expect(result.status != 0)
            #expect(
                result.stderr.contains(
                    "--max-tokens must be at least 1, got \(value); give the number of tokens to generate per answer, or leave it out for the card's generation.max_tokens"
                ), "\(result.stderr)")
        }
        let sweep = try CommandLineTool.run(["sweep", "--task", "triviaqa", "--max-tokens", "0"], environment: env)
        #expect(sweep.status != 0 && sweep.stderr.contains("--max-tokens must be at least 1, got 0"), "\(sweep.stderr)")
        let copa = try CommandLineTool.run(["--task", "copa", "--max-tokens", "8", "--limit", "1"], environment: env)
        #expect(copa.status != 0)
        #expect(
            copa.stderr.contains("--max-tokens limits generated answers, but task copa is multiple_choice and generates none"),
            "\(copa.stderr)")
    }

    @Test("sweep --score-together: baseline, caa and iti in one pass write the files a sweep writes one by one; one method is refused")
    func scoredTogether() throws {
        let tasks = try cards(validation: 6)
        var files: [String: [String: RunResult]] = [:]
        for (folder, extra) in [("apart", [String]()), ("together", ["--score-together"])] {
            let out = scratch + "/" + folder
            let result = try CommandLineTool.run(
                [
                    "sweep", "--task", "triviaqa", "--method", "baseline,caa,iti", "--pairs", "16", "--k", "8", "--strength", "2",
                    "--limit", "3", "--max-tokens", "12", "--batch-size", "4", "--output-dir", out, "--tasks-dir", tasks,
                ] + extra, environment: env)
            #expect(result.status == 0, "\(folder): \(result.stderr)")
            for method in ["baseline", "caa", "iti"] {
                let stem = method == "baseline" ? "baseline.first3" : "\(method).first3.pairs16"
                files[folder, default: [:]][method] = try RunResult.read(path: out + "/\(Self.modelDir)/triviaqa/\(stem).max-tokens12.json")
            }
        }
        for method in ["baseline", "caa", "iti"] {
            let apart = try #require(files["apart"]?[method]), together = try #require(files["together"]?[method])
            #expect(apart.metrics == together.metrics && apart.comparisons == together.comparisons, "\(method)")
            #expect(apart.configuration["scored_with"] == nil && together.configuration["scored_with"] != nil)
        }
        let one = try CommandLineTool.run(["sweep", "--task", "triviaqa", "--method", "caa", "--score-together"], environment: env)
        #expect(one.status != 0 && one.stderr.contains("--score-together scores several methods"), "\(one.stderr)")
    }
}

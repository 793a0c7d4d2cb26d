import Foundation
import Harness
import TestSupport
import Testing

/// TruthfulQA from the command line with the real model: sadi-head fitted on the pairs
/// split (a few pairs) scores mc1 and mc2 with the paired baseline, generates under the
/// intervention for gen, and is refused on the `all` split it was partly fitted on.
@Suite("sadi-eval on TruthfulQA", .serialized)
struct TruthfulQACommandTests {
    let scratch: String
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1"

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-truthfulqa") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    func method(_ task: String, limit: Int, extra: [String] = []) throws -> RunResult {
        let out = scratch + "/" + task
        let run = try CommandLineTool.run(
            [
                "--task", task, "--method", "sadi-head", "--k", "4", "--strength", "5", "--pairs", "16",
                "--limit", String(limit), "--output-dir", out,
            ] + extra, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("fitting sadi-head on the pairs split"), "\(run.stderr)")
        return try RunResult.read(path: out + "/\(Self.modelDir)/\(task)/sadi-head.first\(limit).pairs16.json")
    }

    @Test("sadi-head on 16 pairs scores mc1 (acc) and mc2 (the true mass) on the test split, beside the baseline")
    func multipleChoice() throws {
        let mc1 = try method("truthfulqa_mc1", limit: 4)
        #expect(mc1.split == "test" && mc1.items == 4 && mc1.metricOrder == ["acc"])
        #expect(mc1.configuration["pairs_split"] == "pairs" && mc1.configuration["chosen_by"] == "flags")
        #expect(mc1.comparisons?["acc"]?.n == 4)
        let mc2 = try method("truthfulqa_mc2", limit: 4)
        #expect(mc2.metricOrder == ["mc2"] && mc2.comparisons?["mc2"]?.n == 4)
        let value = try #require(mc2.metrics["mc2"]?.value)
        #expect(value > 0 && value < 1, "a share of probability: \(value)")
        // Continuous scores: no McNemar, but a bootstrap interval.
        #expect(mc2.comparisons?["mc2"]?.pValue == nil)
    }

    @Test("gen under sadi-head: the generated text and the baseline's in the samples, all twelve metrics paired")
    func generation() throws {
        let result = try method("truthfulqa_gen", limit: 3, extra: ["--log-samples"])
        #expect(result.metricOrder.first == "bleu_acc" && result.metricOrder.count == 12)
        #expect(result.comparisons?.count == 12 && result.comparisons?["rougeL_acc"]?.n == 3)
        let path = scratch + "/truthfulqa_gen/\(Self.modelDir)/truthfulqa_gen/sadi-head.first3.pairs16.samples.jsonl"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(lines.count == 3)
        for line in lines {
            let sample = try JSONDecoder().decode(Sample.self, from: Data(line.utf8))
            guard case let .generateUntil(context, generation) = sample.request else {
                Issue.record("not a generation: \(sample.request)")
                continue
            }
            #expect(context.hasPrefix("Q: What is human life expectancy in the United States?\n") && !context.hasSuffix("\nA:"))
            #expect(generation.until == ["\n\n"] && generation.maxTokens == 256 && generation.sampling == nil)
            let text = try #require(sample.response.generatedText), plain = try #require(sample.baseline?.generatedText)
            #expect(!text.isEmpty && !plain.isEmpty, "\(text.debugDescription) / \(plain.debugDescription)")
            #expect(!text.contains("\n\n") && !plain.contains("\n\n"), "the stop string cuts the text")
            guard case let .answerSets(correct, incorrect) = sample.reference else {
                Issue.record("not answer sets: \(sample.reference)")
                continue
            }
            #expect(correct.last == "I have no comment." || correct.contains("I have no comment."))
            #expect(!incorrect.isEmpty)
        }
    }

    @Test("a method on `all` (which holds the pairs) is refused; the baseline may score it")
    func allSplit() throws {
        let out = scratch + "/all"
        let refused = try CommandLineTool.run(
            ["--task", "truthfulqa_mc1", "--split", "all", "--method", "sadi-head", "--k", "4", "--strength", "5", "--output-dir", out],
            environment: env)
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("--split all of task truthfulqa_mc1 shares documents with the pairs split pairs"), "\(refused.stderr)")
        let baseline = try CommandLineTool.run(
            ["--task", "truthfulqa_mc1", "--split", "all", "--limit", "2", "--output-dir", out], environment: env)
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(try RunResult.read(path: out + "/\(Self.modelDir)/truthfulqa_mc1/baseline.all.first2.json").split == "all")
    }
}

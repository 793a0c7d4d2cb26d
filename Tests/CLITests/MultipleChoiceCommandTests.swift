import Foundation
import Harness
import TestSupport
import Testing

/// The multiple-choice tasks from the command line: few-shot runs, the tasks × methods sweep
/// with cross-lingual fits, groups, and splits a method may not be scored on.
@Suite("sadi-eval on the multiple-choice tasks", .serialized)
struct MultipleChoiceCommandTests {
    let scratch: String
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1"

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-mc") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    @Test("--num-fewshot 2 on MMLU: its own results file, the setting recorded, the examples in the samples")
    func fewshot() throws {
        let out = scratch + "/fewshot"
        let result = try CommandLineTool.run(
            ["--task", "mmlu_anatomy", "--num-fewshot", "2", "--limit", "3", "--log-samples", "--output-dir", out], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunResult.read(path: out + "/\(Self.modelDir)/mmlu_anatomy/baseline.first3.2shot.json")
        #expect(run.configuration["num_fewshot"] == "2" && run.items == 3)
        let lines = try String(contentsOfFile: out + "/\(Self.modelDir)/mmlu_anatomy/baseline.first3.2shot.samples.jsonl", encoding: .utf8)
            .split(separator: "\n")
        let sample = try JSONDecoder().decode(Sample.self, from: Data(lines[1].utf8))
        // The description, two solved dev questions, the question.
        #expect(sample.request.context.components(separatedBy: "\n\n").count == 4)
        #expect(sample.request.context.hasPrefix("The following are multiple choice questions (with answers) about anatomy.\n\n"))
    }

    @Test("a tasks × methods sweep: per-task fits and a COPA-fitted column, results files and the summary")
    func methodSweep() throws {
        let out = scratch + "/sweep"
        let result = try CommandLineTool.run(
            [
                "sweep", "--task", "xcopa_sw", "--method", "baseline,sadi-head", "--fit-task", "copa", "--k", "1", "--strength", "5",
                "--pairs", "8", "--limit", "6", "--output-dir", out,
            ], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| task | baseline | sadi-head | sadi-head@copa |"), "\(result.stdout)")
        let folder = out + "/\(Self.modelDir)/xcopa_sw/"
        let crossLingual = try RunResult.read(path: folder + "sadi-head@copa.first6.pairs8.json")
        #expect(crossLingual.method == "sadi-head@copa" && crossLingual.configuration["fit_task"] == "copa")
        let own = try RunResult.read(path: folder + "sadi-head.first6.pairs8.json")
        #expect(own.configuration["fit_task"] == nil)
        // The COPA fit chose on COPA's validation split (100 items), the per-language fit on
        // the language's (30).
        #expect(crossLingual.configuration["chosen_by"]?.contains("(100 items)") == true, "\(crossLingual.configuration)")
        #expect(own.configuration["chosen_by"]?.contains("(30 items)") == true, "\(own.configuration)")
        let summary = try MethodSweepSummary.read(out + "/\(Self.modelDir)/sweep-xcopa-fit-copa.json")
        #expect(summary.columns == ["baseline", "sadi-head", "sadi-head@copa"] && summary.tasks == ["xcopa_sw"])
        let svg = try String(contentsOfFile: out + "/\(Self.modelDir)/sweep-xcopa-fit-copa.svg", encoding: .utf8)
        #expect(svg.components(separatedBy: "data-value=").count - 1 == 3)

        // Run again with --reuse-results: every cell is read back, nothing is fitted.
        let arguments = [
            "sweep", "--task", "xcopa_sw", "--method", "baseline,sadi-head", "--fit-task", "copa", "--k", "1", "--pairs", "8",
            "--limit", "6", "--output-dir", out, "--reuse-results",
        ]
        let again = try CommandLineTool.run(arguments + ["--strength", "5"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.components(separatedBy: ": reusing ").count - 1 == 3, "\(again.stderr)")
        #expect(!again.stderr.contains("fitting"), "\(again.stderr)")
        #expect(try RunResult.read(path: folder + "sadi-head@copa.first6.pairs8.json") == crossLingual)
        // Another strength is another request: the methods run again, the baseline is reused.
        let changed = try CommandLineTool.run(arguments + ["--strength", "3"], environment: env)
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stderr.components(separatedBy: ": reusing ").count - 1 == 1, "\(changed.stderr)")
        #expect(try RunResult.read(path: folder + "sadi-head@copa.first6.pairs8.json").configuration["strength"] == "3.0")
        #expect(try RunResult.read(path: folder + "sadi-head.first6.pairs8.json").configuration["strength"] == "3.0")
    }

    @Test("a method on a split that shares documents with its pairs is refused; the baseline may score it")
    func overlappingSplit() throws {
        let out = scratch + "/dev"
        let refused = try CommandLineTool.run(
            ["--task", "sst2", "--split", "dev", "--method", "sadi-head", "--k", "1", "--strength", "5", "--output-dir", out],
            environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("shares documents"), "\(refused.stderr)")
        let baseline = try CommandLineTool.run(["--task", "sst2", "--split", "dev", "--limit", "4", "--output-dir", out], environment: env)
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/\(Self.modelDir)/sst2/baseline.dev.first4.json"))
    }

    @Test("a group prints its members aggregated")
    func group() throws {
        let result = try CommandLineTool.run(
            ["--task", "mmlu_other", "--limit", "2", "--output-dir", scratch + "/group"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| mmlu_other | 13 | 26 | acc |"), "\(result.stdout)")
    }
}

/// The parts of a sweep summary the tests read.
struct MethodSweepSummary: Decodable {
    let tasks: [String]
    let columns: [String]

    static func read(_ path: String) throws -> MethodSweepSummary {
        try JSONDecoder().decode(MethodSweepSummary.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

import Foundation
import Harness
import TestSupport
import Testing

/// Fitting as SADI's code fits (issue "`--protocol official`: fit SADI's masks…"): on every
/// document of a split, on the stripped texts, with K and strength given or explored on test.
@Suite("sadi-eval: fitting on a whole split, SADI's fit prompt", .serialized)
struct OfficialFitCommandTests {
    let scratch: String
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1"

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-official-fit") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    /// A copy of the cards folder whose copa.yaml fits on the whole dev file and has no
    /// validation split, as a user writes it for the authors' setting.
    func wholeDevCard() throws -> String {
        let dir = scratch + "/cards"
        try FileManager.default.copyItem(atPath: TestPaths.repositoryRoot + "/tasks", toPath: dir)
        let text = try String(contentsOfFile: TestPaths.repositoryRoot + "/tasks/copa.yaml", encoding: .utf8)
        let start = try #require(text.range(of: "\nsplits:\n")), end = try #require(text.range(of: "\nprompts:\n"))
        let splits = "\nsplits:\n  - {name: dev, role: pairs, file: dev}\n  - {name: test, role: test, file: test}\n"
        try (String(text[..<start.lowerBound]) + splits + String(text[end.lowerBound...]))
            .write(toFile: dir + "/copa.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    @Test(
        "a card fitting on the whole dev file with no validation split: run with --k/--strength and sweep on test work, run without them is refused"
    )
    func wholeDevCardRuns() throws {
        let cards = try wholeDevCard(), out = scratch + "/whole-dev"
        let common = [
            "--task", "copa", "--tasks-dir", cards, "--method", "sadi-head", "--protocol", "official", "--pairs", "8", "--limit", "4",
        ]
        let run = try CommandLineTool.run(common + ["--k", "2", "--strength", "10", "--output-dir", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try RunResult.read(path: out + "/\(Self.modelDir)/copa/sadi-head.first4.pairs8.official.json")
        #expect(result.configuration["pairs_split"] == "dev" && result.configuration["fit_prompt"] == "stripped")
        #expect(result.configuration["chosen_by"] == "flags")

        let unchosen = try CommandLineTool.run(common + ["--output-dir", out], environment: env)
        #expect(unchosen.status != 0)
        #expect(unchosen.stderr.contains("has no validation split") && unchosen.stderr.contains("--k and --strength"), "\(unchosen.stderr)")

        let sweep = try CommandLineTool.run(
            ["sweep"] + common + ["--split", "test", "--k", "1,2", "--strength", "5,10", "--output-dir", out], environment: env)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let report = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: out + "/\(Self.modelDir)/copa/sweep-sadi-head-test.official.json")))
        let object = try #require(report as? [String: Any])
        #expect(object["pairs"] as? Int == 8 && object["pairsSplit"] as? String == "dev" && object["fitPrompt"] as? String == "stripped")
    }

    @Test(
        "--pairs-split dev on the shipped card: its own results file; choosing on validation or scoring validation is refused; an unknown split is named"
    )
    func pairsSplitFlag() throws {
        let out = scratch + "/pairs-split"
        let common = [
            "--task", "copa", "--method", "sadi-head", "--protocol", "official", "--pairs-split", "dev", "--pairs", "8", "--output-dir",
            out,
        ]
        let run = try CommandLineTool.run(common + ["--k", "1", "--strength", "5", "--limit", "4"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try RunResult.read(path: out + "/\(Self.modelDir)/copa/sadi-head.first4.pairs8.pairs-dev.official.json")
        #expect(result.configuration["pairs_split"] == "dev")

        let chosen = try CommandLineTool.run(common + ["--limit", "4"], environment: env)
        #expect(chosen.status != 0)
        #expect(chosen.stderr.contains("shares documents with its validation split validation"), "\(chosen.stderr)")
        let sweepOnValidation = try CommandLineTool.run(
            ["sweep"] + common + ["--k", "1", "--strength", "5", "--limit", "4"], environment: env)
        #expect(sweepOnValidation.status != 0)
        #expect(sweepOnValidation.stderr.contains("shares documents with the pairs split dev"), "\(sweepOnValidation.stderr)")

        let unknown = try CommandLineTool.run(
            ["--task", "copa", "--method", "sadi-head", "--pairs-split", "dve", "--k", "1", "--strength", "5", "--output-dir", out],
            environment: env)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("--pairs-split") && unknown.stderr.contains("dev"), "\(unknown.stderr)")
    }
}

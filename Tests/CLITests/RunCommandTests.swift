import Foundation
import Harness
import TestSupport
import Testing

/// `sadi-eval run` as a user runs it: real model, real COPA data through the mirror.
@Suite("sadi-eval run", .serialized)
struct RunCommandTests {
    let scratch: String

    init() throws {
        scratch = try TestPaths.scratchDirectory("sadi-cli")
    }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    @Test("a COPA baseline run writes its results file, samples and the leaderboard")
    func writesResults() throws {
        let out = scratch + "/results"
        let result = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "baseline", "--limit", "24",
                "--batch-size", "8", "--output-dir", out, "--log-samples",
            ], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        // A partial run has its own file: it can never replace the full run's baseline.json.
        let path = out + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first24.json"
        #expect(!FileManager.default.fileExists(atPath: out + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.json"))
        let run = try RunResult.read(path: path)
        #expect(run.items == 24 && run.split == "test" && run.prompt == "lm-eval")
        #expect(run.model.sha256 == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
        #expect(run.metricOrder == ["acc", "acc_norm"])
        #expect(run.metrics["acc"]!.count == 24 && run.metrics["acc"]!.stderr > 0)
        #expect(run.configuration["limit"] == "24" && run.configuration["batch_size"] == "8")
        // Read from the checkout's .git without running git: the commit git itself names (in a
        // copy without .git, such as the mutation check's, "unknown").
        #expect(run.gitCommit == checkoutHEAD().map { String($0.prefix(12)) } ?? "unknown", "\(run.gitCommit)")
        let lines = try String(contentsOfFile: out + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first24.samples.jsonl", encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 25)  // header + one line per document
        let first = try JSONDecoder().decode(Sample.self, from: Data(lines[1].utf8))
        #expect(first.docID == "501")
        #expect(first.request.context == "The item was packaged in bubble wrap because")
        #expect(first.request.choices.map(\.continuation) == [" it was fragile.", " it was small."])
        #expect(first.response.choiceResults.count == 2 && first.reference == .choice(index: 0))
        #expect(first.baseline == nil)
        #expect(result.stdout.contains("| copa | test | baseline | acc |"))
        // A baseline scored on the first 24 documents has no paired baseline to stand beside, so
        // the leaderboard leaves it out, and says so.
        let board = try String(contentsOfFile: out + "/LEADERBOARD.md", encoding: .utf8)
        #expect(board.contains("Not shown: 1 file scored with --limit and no paired baseline on the same documents."), "\(board)")
        let csv = try String(contentsOfFile: out + "/LEADERBOARD.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 && csv.hasPrefix("model,method,protocol,"), "\(csv)")
        #expect(FileManager.default.fileExists(atPath: out + "/LEADERBOARD.json"))
    }

    @Test("a binary copied out of its checkout records an unknown revision, not the working directory's")
    func copiedBinaryRevision() throws {
        // The working directory stays the checkout (the test's own): only the executable moves.
        let copy = scratch + "/bin/sadi-eval"
        try FileManager.default.createDirectory(atPath: scratch + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CommandLineTool.executable, toPath: copy)
        let out = scratch + "/copied"
        let result = try CommandLineTool.run(
            ["--task", "copa", "--limit", "4", "--output-dir", out], environment: env, executable: copy)
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunResult.read(path: out + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first4.json")
        #expect(run.gitCommit == "unknown")
    }

    /// The commit checked out in the repository these tests run from, as git reports it; nil
    /// outside a git checkout.
    func checkoutHEAD() -> String? {
        guard FileManager.default.fileExists(atPath: TestPaths.repositoryRoot + "/.git") else { return nil }
        let git = Process(), out = Pipe()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", TestPaths.repositoryRoot, "rev-parse", "HEAD"]
        git.standardOutput = out
        guard (try? git.run()) != nil else { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        git.waitUntilExit()
        return git.terminationStatus == 0 ? text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    @Test("a run killed midway resumes from its samples and gives byte-identical metrics")
    func killAndResume() throws {
        let args = ["--task", "copa", "--limit", "64", "--batch-size", "8"]
        let whole = scratch + "/whole", resumed = scratch + "/resumed"
        let full = try CommandLineTool.run(args + ["--output-dir", whole], environment: env)
        #expect(full.status == 0, "\(full.stderr)")
        // Killed once the progress line shows some documents done.
        let killed = try CommandLineTool.run(args + ["--output-dir", resumed], environment: env) { text in
            text.contains("] 16/64") || text.contains("] 24/64") || text.contains("] 32/64")
        }
        #expect(killed.status != 0)
        let journal = resumed + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first64.journal.jsonl"
        let partial = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").count - 1
        #expect(partial > 0 && partial < 64, "journal had \(partial) samples")
        // The killed part's time is kept beside the journal and counted in the final wall time.
        let spent = try #require(Double(try String(contentsOfFile: journal + ".seconds", encoding: .utf8)))
        let again = try CommandLineTool.run(args + ["--output-dir", resumed], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        let a = try RunResult.read(path: whole + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first64.json")
        let b = try RunResult.read(path: resumed + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first64.json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(a.metrics) == encoder.encode(b.metrics))
        #expect(b.wallSeconds >= spent, "wall time \(b.wallSeconds) s does not include the killed part's \(spent) s")
        #expect(!FileManager.default.fileExists(atPath: journal), "the journal is removed without --log-samples")
        #expect(!FileManager.default.fileExists(atPath: journal + ".seconds"))
    }

    @Test("unknown task and method name the valid ones")
    func unknownNames() throws {
        let task = try CommandLineTool.run(["--task", "copa2"], environment: env)
        #expect(task.status != 0)
        #expect(task.stderr.contains("--task: unknown task 'copa2'; did you mean copa? `sadi-eval tasks` lists all"), "\(task.stderr)")
        let method = try CommandLineTool.run(["--task", "copa", "--method", "sadi"], environment: env)
        #expect(method.status != 0)
        #expect(
            method.stderr.contains(
                "--method: unknown method 'sadi'; valid methods are: baseline, sadi-hidden, sadi-head, sadi-neuron, caa, sadi-random, sadi-fixed"
            ))
    }

    @Test("a missing model file is one clear error")
    func missingModel() throws {
        let result = try CommandLineTool.run(["--task", "copa", "--model", scratch + "/nope.gguf"], environment: env)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read model file \(scratch)/nope.gguf: No such file or directory"))
        #expect(result.stderr.split(separator: "\n").filter { !$0.isEmpty }.count <= 2)
    }

    @Test("an unreachable mirror and an unreadable cache are clear errors")
    func dataErrors() throws {
        let mirror = try CommandLineTool.run(
            ["--task", "copa", "--limit", "2", "--output-dir", scratch + "/r"],
            environment: CommandLineTool.environment(cache: scratch + "/c2", extra: ["SADI_DATA_MIRROR": "http://127.0.0.1:9/"]))
        #expect(mirror.status != 0)
        #expect(mirror.stderr.contains("127.0.0.1:9"), "\(mirror.stderr)")
        // A cache path under a regular file cannot be created (tests run as root, so no chmod).
        let blocker = scratch + "/file"
        FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        let cache = try CommandLineTool.run(
            ["--task", "copa", "--limit", "2", "--output-dir", scratch + "/r"],
            environment: CommandLineTool.environment(cache: blocker + "/cache"))
        #expect(cache.status != 0)
        #expect(cache.stderr.contains(blocker + "/cache"), "\(cache.stderr)")
    }

    @Test("bad intervention settings are clear errors: K beyond the units, δ not a number")
    func badMethodSettings() throws {
        let big = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "sadi-head", "--k", "5000", "--strength", "5",
                "--limit", "2", "--output-dir", scratch + "/r",
            ], environment: env)
        #expect(big.status != 0)
        #expect(big.stderr.contains("--k 5000 is larger than the 270 attention heads"), "\(big.stderr)")
        let nan = try CommandLineTool.run(["--task", "copa", "--method", "sadi-head", "--delta", "lots"], environment: env)
        #expect(nan.status != 0)
        #expect(nan.stderr.contains("--delta"), "\(nan.stderr)")
    }

    @Test("a fitted intervention saves, reloads without refitting, and is refused for another model")
    func savedIntervention() throws {
        let out = scratch + "/saved", file = scratch + "/head.json"
        let fit = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "sadi-head", "--k", "2", "--strength", "5", "--limit", "16",
                "--output-dir", out, "--save-intervention", file,
            ], environment: env)
        #expect(fit.status == 0, "\(fit.stderr)")
        let first = try RunResult.read(path: out + "/SmolLM2-135M-Instruct.Q4_1/copa/sadi-head.first16.json")
        #expect(first.configuration["k"] == "2" && first.configuration["strength"] == "5.0" && first.configuration["chosen_by"] == "flags")
        #expect(first.comparisons?["acc"]?.n == 16, "the baseline is scored alongside for the paired comparison")
        let again = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "sadi-head", "--limit", "16", "--output-dir", scratch + "/reloaded",
                "--intervention", file,
            ], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("fitting"), "a loaded intervention is not refitted")
        let second = try RunResult.read(path: scratch + "/reloaded/SmolLM2-135M-Instruct.Q4_1/copa/sadi-head.first16.json")
        #expect(second.metrics == first.metrics)
        // The same file claiming another model's sha256 is refused with one sentence.
        var json = try String(contentsOfFile: file, encoding: .utf8)
        json = json.replacingOccurrences(
            of: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", with: String(repeating: "ab", count: 32))
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "sadi-head", "--limit", "4", "--output-dir", scratch + "/r3",
                "--intervention", file,
            ], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("refit it with --save-intervention on this model"), "\(refused.stderr)")
    }

    @Test("`tasks` lists the plugins and `table` writes and prints the leaderboard, or a task's method table")
    func listing() throws {
        let tasks = try CommandLineTool.run(["tasks"], environment: env)
        #expect(tasks.status == 0)
        #expect(
            tasks.stdout.contains(
                "| copa | multiple_choice | pairs (pairs), validation (validation), test (test), dev (pairs) | lm-eval, sadi | acc, acc_norm | sadi: exact_match |"
            ),
            "\(tasks.stdout)")
        // The committed results, copied so that `table` writes its files into the copy: the
        // leaderboard it prints is the LEADERBOARD.md it writes, and the one committed beside them.
        let results = TestPaths.repositoryRoot + "/results", copy = scratch + "/results-copy"
        try FileManager.default.copyItem(atPath: results, toPath: copy)
        let board = try CommandLineTool.run(["table", copy], environment: env)
        #expect(board.status == 0, "\(board.stderr)")
        let written = try String(contentsOfFile: copy + "/LEADERBOARD.md", encoding: .utf8)
        #expect(board.stdout == written)
        #expect(
            written.contains(
                "| model | method | copa | storycloze_2016 | mmlu | boolq | xcopa | winogrande | sst2 | rte | "
                    + "toxigen ↓ | triviaqa | truthfulqa_gen | truthfulqa_mc1 | truthfulqa_mc2 | average |"),
            "\(written)")
        let baseline = try RunResult.read(path: results + "/SmolLM2-135M-Instruct.Q4_1/copa/baseline.json")
        let acc = String(format: "%.1f ± %.1f", baseline.metrics["acc"]!.value * 100, baseline.metrics["acc"]!.stderr * 100)
        #expect(written.contains("| SmolLM2-135M-Instruct.Q4_1 | baseline | [\(acc)](SmolLM2-135M-Instruct.Q4_1/copa/baseline.json) |"))
        for name in ["LEADERBOARD.md", "LEADERBOARD.csv", "LEADERBOARD.json"] {
            let committed = try String(contentsOfFile: results + "/" + name, encoding: .utf8)
            #expect(
                try String(contentsOfFile: copy + "/" + name, encoding: .utf8) == committed,
                "regenerate results/\(name) with `sadi-eval table results`")
        }
        let methods = try CommandLineTool.run(["table", results, "--task", "copa"], environment: env)
        #expect(methods.status == 0, "\(methods.stderr)")
        let rows = methods.stdout.split(separator: "\n").filter { $0.contains("| harness |") || $0.contains("| official |") }
        #expect(rows.count == 16, "\(methods.stdout)")
        #expect(methods.stdout.contains("| harness | sadi-head | 1 | 5 |"))
        // A task without results: one removed from the copy, whatever the committed folder holds.
        try FileManager.default.removeItem(atPath: copy + "/SmolLM2-135M-Instruct.Q4_1/mmlu_anatomy")
        let none = try CommandLineTool.run(["table", copy, "--task", "mmlu_anatomy"], environment: env)
        #expect(none.status != 0 && none.stderr.contains("no results for task 'mmlu_anatomy'"))
    }
}

import Foundation
import Harness
import TestSupport
import Testing

/// The defects a demanding user found (issue "Reliability"), each as the user met it.
@Suite("Reliability of runs", .serialized)
struct ReliabilityCommandTests {
    let scratch: String
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1"

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-reliable") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    static let methodRun = [
        "--task", "copa", "--method", "sadi-head", "--ks", "1,2", "--strengths", "2,5", "--pairs", "40", "--limit", "64",
        "--batch-size", "8",
    ]

    func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test("a method run killed while fitting, searching the grid and scoring resumes to byte-identical metrics, leaving no stray files")
    func killMethodRun() throws {
        let whole = scratch + "/whole", resumed = scratch + "/resumed"
        let full = try CommandLineTool.run(Self.methodRun + ["--output-dir", whole], environment: env)
        #expect(full.status == 0, "\(full.stderr)")
        // Kill points drawn at random, printed with any failure.
        let gridPoint = [8, 16, 24, 32, 40, 48].randomElement()!
        let scorePoint = [8, 16, 24, 32, 40, 48].randomElement()!
        let phases: [(String, @Sendable (String) -> Bool)] = [
            ("fit", { $0.contains("fitting sadi-head") }),
            ("grid", { Self.progress(in: $0, after: "validation grid", of: 100) >= gridPoint }),
            ("scoring", { Self.progress(in: $0, after: "copa sadi-head [", of: 64) >= scorePoint }),
        ]
        for (phase, when) in phases {
            let killed = try CommandLineTool.run(Self.methodRun + ["--output-dir", resumed], environment: env, killWhen: when)
            #expect(killed.status != 0, "killed in the \(phase) phase (grid at \(gridPoint), scoring at \(scorePoint)): \(killed.stderr)")
        }
        let again = try CommandLineTool.run(Self.methodRun + ["--output-dir", resumed], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("resuming with the intervention fitted and chosen before"), "\(again.stderr)")
        #expect(!again.stderr.contains("fitting sadi-head"), "the resumed run fitted again")
        let a = try RunResult.read(path: whole + "/\(Self.modelDir)/copa/sadi-head.first64.pairs40.json")
        let b = try RunResult.read(path: resumed + "/\(Self.modelDir)/copa/sadi-head.first64.pairs40.json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(a.metrics) == encoder.encode(b.metrics), "grid at \(gridPoint), scoring at \(scorePoint)")
        #expect(try encoder.encode(a.comparisons) == encoder.encode(b.comparisons))
        #expect(a.configuration["k"] == b.configuration["k"] && a.configuration["strength"] == b.configuration["strength"])
        #expect(files(in: resumed + "/\(Self.modelDir)/copa") == ["sadi-head.first64.pairs40.json"])
    }

    /// The largest `] done/total` a progress line after `label` shows (0 before any), short of
    /// the total: progress lines are throttled, so a given count may never be printed.
    static func progress(in text: String, after label: String, of total: Int) -> Int {
        guard let start = text.range(of: label) else { return 0 }
        var best = 0
        var rest = text[start.upperBound...]
        while let mark = rest.range(of: "/\(total)") {
            let digits = rest[..<mark.lowerBound].reversed().prefix { $0.isNumber }
            if let done = Int(String(digits.reversed())), done < total { best = max(best, done) }
            rest = rest[mark.upperBound...]
        }
        return best
    }

    @Test("empty K or strength lists are refused before any work")
    func emptyLists() throws {
        for extra in [["--ks", "", "--strength", "5"], ["--strengths", ",", "--k", "1"], ["--ks", "1,,2"]] {
            let result = try CommandLineTool.run(["--task", "copa", "--method", "sadi-head"] + extra, environment: env)
            #expect(result.status != 0 && result.stderr.contains("lists no value or an empty one"), "\(extra): \(result.stderr)")
            #expect(!result.stderr.contains("fitting"))
        }
        let sweep = try CommandLineTool.run(["sweep", "--task", "copa", "--k", ""], environment: env)
        #expect(sweep.status != 0 && sweep.stderr.contains("--k: '' lists no value"), "\(sweep.stderr)")
    }

    @Test("an empty --output-dir is refused, nothing is written to /")
    func emptyOutputDirectory() throws {
        let result = try CommandLineTool.run(["--task", "copa", "--limit", "2", "--output-dir", ""], environment: env)
        #expect(result.status != 0 && result.stderr.contains("--output-dir is empty"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/\(Self.modelDir)"))
    }

    @Test("negative numbers are values: CAA's --strength -2")
    func negativeNumbers() throws {
        let out = scratch + "/negative"
        let result = try CommandLineTool.run(
            ["--task", "copa", "--method", "caa", "--k", "5", "--strength", "-2", "--pairs", "4", "--limit", "4", "--output-dir", out],
            environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try RunResult.read(path: out + "/\(Self.modelDir)/copa/caa.first4.pairs4.json").configuration["strength"] == "-2.0")
        let list = try CommandLineTool.run(
            [
                "sweep", "--task", "copa", "--method", "caa", "--k", "5", "--strength", "-4,-2", "--pairs", "4", "--limit", "4",
                "--output-dir", out,
            ],
            environment: env)
        #expect(list.status == 0, "\(list.stderr)")
    }

    @Test("output paths are checked before fitting: a folder, a path under a file")
    func outputPathsFirst() throws {
        let blocker = scratch + "/plain-file"
        FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        for (flag, path) in [("--save-intervention", scratch), ("--export-control-vector", blocker + "/v.gguf")] {
            let result = try CommandLineTool.run(
                ["--task", "copa", "--method", "caa", "--k", "5", "--strength", "2", flag, path, "--limit", "2"], environment: env)
            #expect(result.status != 0 && result.stderr.contains(flag), "\(result.stderr)")
            #expect(!result.stderr.contains("fitting"), "\(result.stderr)")
        }
    }

    @Test("--intervention with flags it would ignore is refused, naming them")
    func interventionConflicts() throws {
        let result = try CommandLineTool.run(
            ["--task", "copa", "--method", "sadi-head", "--intervention", scratch + "/x.json", "--k", "2", "--pairs", "10"],
            environment: env)
        #expect(result.status != 0)
        #expect(result.stderr.contains("drop --k, --pairs"), "\(result.stderr)")
    }

    @Test("a --log-samples run does not block the same run without it, and its samples stay")
    func logSamplesThenNot() throws {
        let out = scratch + "/logs"
        let args = ["--task", "copa", "--limit", "8", "--output-dir", out]
        #expect(try CommandLineTool.run(args + ["--log-samples"], environment: env).status == 0)
        let again = try CommandLineTool.run(args, environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/\(Self.modelDir)/copa/baseline.first8.samples.jsonl"))
    }

    @Test("results are written before the journal is retired: a folder in the way loses no scoring; stale temporaries go")
    func resultsBeforeJournal() throws {
        let out = scratch + "/blocked"
        let folder = out + "/\(Self.modelDir)/copa"
        try FileManager.default.createDirectory(atPath: folder + "/baseline.first16.json", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/baseline.first16.json.tmp-999999", contents: Data("x".utf8))
        let args = ["--task", "copa", "--limit", "16", "--batch-size", "8", "--output-dir", out]
        let blocked = try CommandLineTool.run(args, environment: env)
        #expect(blocked.status != 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/baseline.first16.journal.jsonl"), "the journal survives")
        try FileManager.default.removeItem(atPath: folder + "/baseline.first16.json")
        let again = try CommandLineTool.run(args, environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        // Every document came from the journal: progress starts complete.
        #expect(again.stderr.contains("16/16") && !again.stderr.contains("] 8/16"), "\(again.stderr)")
        #expect(files(in: folder) == ["baseline.first16.json"])
    }
}

extension ReliabilityCommandTests {
    @Test("one document: the standard error is undefined, written as null and shown as —, never NaN")
    func oneDocument() throws {
        let out = scratch + "/one"
        let result = try CommandLineTool.run(["--task", "copa", "--limit", "1", "--output-dir", out], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.lowercased().contains("nan"), "\(result.stdout)")
        let text = try String(contentsOfFile: out + "/\(Self.modelDir)/copa/baseline.first1.json", encoding: .utf8)
        #expect(text.contains("\"stderr\" : null"))
        #expect(try RunResult.read(path: out + "/\(Self.modelDir)/copa/baseline.first1.json").metrics["acc"]?.stderr.isNaN == true)
    }
}

extension ReliabilityCommandTests {
    @Test("an overflowing strength is an error naming the configuration, and a failed cell in a sweep, never a score")
    func nonFiniteScores() throws {
        let out = scratch + "/overflow"
        let run = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "sadi-head", "--k", "4", "--strength", "1e38", "--pairs", "8", "--limit", "8", "--output-dir",
                out,
            ],
            environment: env)
        #expect(run.status != 0)
        #expect(run.stderr.contains("not finite under sadi-head (K 4, strength 1e+38)"), "\(run.stderr)")
        let sweep = try CommandLineTool.run(
            [
                "sweep", "--task", "copa", "--method", "sadi-head", "--k", "4", "--strength", "5,1e38", "--pairs", "8", "--limit", "8",
                "--output-dir", out,
            ],
            environment: env)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(sweep.stdout.contains("failed"), "\(sweep.stdout)")
        #expect(!sweep.stdout.lowercased().contains("nan"), "\(sweep.stdout)")
        let json = try String(contentsOfFile: out + "/\(Self.modelDir)/copa/sweep-sadi-head-validation.json", encoding: .utf8)
        #expect(json.contains("\"score\" : null"), "\(json)")
    }
}

extension ReliabilityCommandTests {
    @Test("bench refuses shapes past the model's context and names an unwritable --json")
    func benchLimits() throws {
        let long = try CommandLineTool.run(["bench", "--shapes", "1x100000", "--decode-steps", "0"], environment: env)
        #expect(long.status != 0 && long.stderr.contains("more than the model's context of 8192"), "\(long.stderr)")
        let json = try CommandLineTool.run(
            ["bench", "--shapes", "1x8", "--decode-steps", "0", "--repeats", "1", "--json", scratch + "/no/such/folder/b.json"],
            environment: env)
        #expect(json.status != 0 && json.stderr.contains("--json: cannot write"), "\(json.stderr)")
    }
}

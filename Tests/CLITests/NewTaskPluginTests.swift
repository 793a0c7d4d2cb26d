import Foundation
import Harness
import TestSupport
import Testing

/// `swift package new-task` as a user runs it, in a copy of the package (the checkout is never
/// touched): scaffold a task of each output type, add a data file and its sha256, build the
/// copy, see the tasks listed and linted, and run one with the real model. The copy is built
/// from scratch in release (a few minutes: debug builds a minute faster but its engine takes
/// minutes for the 4 generations).
@Suite("new-task plugin, in a copy of the package", .serialized)
struct NewTaskPluginTests {
    /// Four to six questions SmolLM2-135M may or may not answer exactly.
    static let questions = """
        {"id": "1", "question": "What is the capital of France?", "answers": ["Paris"]}
        {"id": "2", "question": "What is the capital of Japan?", "answers": ["Tokyo"]}
        {"id": "3", "question": "How many days are in a week?", "answers": ["7", "seven"]}
        {"id": "4", "question": "What colour is the sky on a clear day?", "answers": ["blue", "Blue"]}
        {"id": "5", "question": "What is 2 + 2?", "answers": ["4", "four"]}
        {"id": "6", "question": "Which animal says moo?", "answers": ["cow", "a cow"]}

        """

    static let choices = """
        {"id": "1", "question": "Which of these is a fruit?", "choice1": "an apple", "choice2": "a carrot", "gold": 0}
        {"id": "2", "question": "Which of these can fly?", "choice1": "a stone", "choice2": "a sparrow", "gold": 1}
        {"id": "3", "question": "Which is hotter?", "choice1": "the sun", "choice2": "ice", "gold": 0}
        {"id": "4", "question": "Which is a colour?", "choice1": "seven", "choice2": "green", "gold": 1}
        {"id": "5", "question": "Which do you drink?", "choice1": "water", "choice2": "sand", "gold": 0}
        {"id": "6", "question": "Which has wheels?", "choice1": "a fish", "choice2": "a bicycle", "gold": 1}

        """

    @Test(
        "scaffolded tasks build without touching TaskRegistry, are listed and linted, and run with the real model",
        .timeLimit(.minutes(30)))
    func scaffoldBuildAndRun() throws {
        let scratch = try TestPaths.scratchDirectory("sadi-new-task")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let package = scratch + "/package", mirror = scratch + "/mirror"
        try Self.copyPackage(to: package)

        // Scaffold one task of each output type; a second demo_qa is refused.
        let newTask = ["package", "--allow-writing-to-package-directory", "new-task"]
        let qa = try Self.run("swift", newTask + ["demo_qa", "--output-type", "generate_until"], in: package)
        try #require(qa.status == 0, "\(qa.stderr)")
        #expect(qa.stdout.contains("Created task demo_qa (generate_until), target TaskDemoQa"))
        #expect(qa.stdout.contains("Next steps:") && qa.stdout.contains("sadi-eval lint-cards"))
        let mc = try Self.run("swift", newTask + ["demo_mc", "--output-type", "multiple_choice"], in: package)
        try #require(mc.status == 0, "\(mc.stderr)")
        let again = try Self.run("swift", newTask + ["demo_qa", "--output-type", "generate_until"], in: package)
        #expect(again.status != 0)
        #expect(again.stderr.contains("new-task: the package already has a target `TaskDemoQa`"), "\(again.stderr)")
        let manifest = try String(contentsOfFile: package + "/Package.swift", encoding: .utf8)
        #expect(manifest.contains("    .init(\"DemoQa\"),\n    .init(\"DemoMc\"),\n]"))
        for file in [
            "Sources/Tasks/DemoQa/DemoQaTask.swift", "Sources/Tasks/DemoQa/Registration.swift",
            "tasks/demo_qa.yaml", "Tests/TaskTests/DemoQaTaskTests.swift", "Sources/Tasks/DemoMc/DemoMcTask.swift",
        ] {
            #expect(FileManager.default.fileExists(atPath: package + "/" + file), "\(file)")
        }

        // The data: a mirror holding the file at the card's path; the card gets its sha256 and
        // splits sized for six lines (1 pair, 1 validation, 4 test).
        try Self.useData(Self.questions, task: "demo_qa", package: package, mirror: mirror)
        let mcCard = package + "/tasks/demo_mc.yaml"

        let build = try Self.run("swift", ["build", "-c", "release", "--product", "sadi-eval"], in: package)
        try #require(build.status == 0, "\(build.stdout.suffix(4000))\n\(build.stderr.suffix(4000))")
        let executable = package + "/.build/release/sadi-eval"
        var env = CommandLineTool.environment(cache: scratch + "/cache")
        env["SADI_TASKS"] = package + "/tasks"
        env["SADI_DATA_MIRROR"] = "file://" + mirror

        let tasks = try Self.run(executable, ["tasks"], in: package, environment: env)
        #expect(tasks.status == 0, "\(tasks.stderr)")
        #expect(
            tasks.stdout.contains(
                "| demo_qa | generate_until | pairs (pairs), validation (validation), test (test) | default | exact_match |"),
            "\(tasks.stdout)")
        #expect(tasks.stdout.contains("| demo_mc | multiple_choice |"), "\(tasks.stdout)")
        #expect(tasks.stdout.contains("| copa | multiple_choice |"))

        // demo_mc still has the placeholder sha256.
        let lint = try Self.run(executable, ["lint-cards"], in: package, environment: env)
        #expect(lint.status != 0)
        let lines = lint.stdout.split(separator: "\n").map(String.init)
        // The package's own cards, then the two new ones.
        let shipped = try FileManager.default.contentsOfDirectory(atPath: TestPaths.repositoryRoot + "/tasks").filter {
            $0.hasSuffix(".yaml")
        }
        #expect(lines.count == shipped.count + 2, "\(lint.stdout)")
        #expect(lines.contains("OK   copa.yaml"))
        #expect(lines.contains("OK   demo_qa.yaml"))
        #expect(
            lines.contains {
                $0.hasPrefix("FAIL demo_mc.yaml: task card \(mcCard):")
                    && $0.contains("field `files.data.sha256` is a placeholder (64 zeros); fill in the real sha256")
            }, "\(lint.stdout)")
        try Self.useData(Self.choices, task: "demo_mc", package: package, mirror: mirror)
        let clean = try Self.run(executable, ["lint-cards"], in: package, environment: env)
        let expected = (shipped + ["demo_mc.yaml", "demo_qa.yaml"]).sorted().map { "OK   \($0)\n" }.joined()
        #expect(clean.status == 0 && clean.stdout == expected, "\(clean.stdout)\(clean.stderr)")

        // The generate_until task with the real model: exact match over the 4 test items.
        let results = scratch + "/results"
        let run = try Self.run(
            executable,
            [
                "--task", "demo_qa", "--method", "baseline", "--limit", "4",
                "--model", TestPaths.smolLM2, "--output-dir", results,
            ], in: package, environment: env)
        try #require(run.status == 0, "\(run.stderr)")
        let result = try RunResult.read(path: results + "/SmolLM2-135M-Instruct.Q4_1/demo_qa/baseline.first4.json")
        #expect(result.items == 4 && result.split == "test" && result.prompt == "default")
        #expect(result.metricOrder == ["exact_match"])
        let exact = try #require(result.metrics["exact_match"])
        #expect(exact.count == 4 && exact.value >= 0 && exact.value <= 1)
        #expect(run.stdout.contains("| demo_qa | test | baseline | exact_match |"), "\(run.stdout)")

        // And the multiple-choice one, scored by log-likelihood.
        let choice = try Self.run(
            executable,
            [
                "--task", "demo_mc", "--method", "baseline", "--limit", "4",
                "--model", TestPaths.smolLM2, "--output-dir", results,
            ], in: package, environment: env)
        try #require(choice.status == 0, "\(choice.stderr)")
        let mcResult = try RunResult.read(path: results + "/SmolLM2-135M-Instruct.Q4_1/demo_mc/baseline.first4.json")
        #expect(mcResult.metricOrder == ["acc", "acc_norm"] && mcResult.metrics["acc"]?.count == 4)
    }

    /// Writes `lines` to the mirror at the card's data path, puts its sha256 in the card and
    /// sizes the splits for six lines.
    static func useData(_ lines: String, task: String, package: String, mirror: String) throws {
        let data = mirror + "/\(task)/\(task).jsonl"
        try FileManager.default.createDirectory(atPath: mirror + "/" + task, withIntermediateDirectories: true)
        try lines.write(toFile: data, atomically: true, encoding: .utf8)
        let card = package + "/tasks/\(task).yaml"
        var text = try String(contentsOfFile: card, encoding: .utf8)
        let edits = [
            (TaskCard.placeholderSHA256, try SHA256.hex(ofFile: data)),
            ("{seed: 1234, start: 0, count: 100}", "{seed: 1234, start: 0, count: 1}"),
            ("{seed: 1234, start: 100, count: 100}", "{seed: 1234, start: 1, count: 1}"),
            ("{seed: 1234, start: 200, count: 300}", "{seed: 1234, start: 2, count: 4}"),
        ]
        for (old, new) in edits {
            guard text.contains(old) else { throw TestDataError("\(card) has no `\(old)` to replace") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(toFile: card, atomically: true, encoding: .utf8)
    }

    /// The checkout's tracked files, plus Package.resolved and the fetched dependencies
    /// (.build/checkouts, .build/repositories) when present, so the copy resolves offline.
    static func copyPackage(to destination: String) throws {
        let root = TestPaths.repositoryRoot
        // The working tree as it is (tracked and new files, not ignored ones), each path once:
        // an index in the middle of a merge lists a conflicted file once per stage.
        let listed = try run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], in: root)
        try #require(listed.status == 0, "\(listed.stderr)")
        let manager = FileManager.default
        for path in Set(listed.stdout.split(separator: "\0").map(String.init)).sorted() where manager.fileExists(atPath: root + "/" + path)
        {
            let target = destination + "/" + path
            try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try manager.copyItem(atPath: root + "/" + path, toPath: target)
        }
        for extra in ["Package.resolved", ".build/checkouts", ".build/repositories"] where manager.fileExists(atPath: root + "/" + extra) {
            let target = destination + "/" + extra
            try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try manager.copyItem(atPath: root + "/" + extra, toPath: target)
        }
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `command` (a path, or a name looked up on PATH) in `directory`; output goes through
    /// files, so a long build log cannot fill a pipe.
    static func run(
        _ command: String, _ arguments: [String], in directory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Output {
        let logs = try TestPaths.scratchDirectory("sadi-new-task-log")
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let out = logs + "/stdout", err = logs + "/stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        if command.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [command] + arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: try String(contentsOfFile: out, encoding: .utf8),
            stderr: try String(contentsOfFile: err, encoding: .utf8))
    }
}

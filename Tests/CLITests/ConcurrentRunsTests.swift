import Dispatch
import Foundation
import Harness
import TestSupport
import Testing

/// Several runs at once on one cache and one results folder, as a user with a shell loop
/// and `&` starts them.
@Suite("Concurrent runs", .serialized)
struct ConcurrentRunsTests {
    let scratch: String
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1"

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-concurrent") }

    @Test("four processes on a cold cache against a loopback HTTP mirror all succeed, with verified files")
    func coldCache() throws {
        let server = try LoopbackHTTPServer(root: URL(fileURLWithPath: TestPaths.datasets, isDirectory: true))
        defer { server.stop() }
        let env = CommandLineTool.environment(cache: scratch + "/cache", extra: ["SADI_DATA_MIRROR": server.baseURL])
        let tasks = ["boolq", "rte", "sst2", "winogrande"]
        let out = scratch + "/results"
        let outputs = LockedResults(count: tasks.count)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            // Every process also needs BoolQ's and RTE's files, so all four race for them.
            let result = try? CommandLineTool.run(
                ["--task", "boolq,rte,\(tasks[i])", "--limit", "2", "--output-dir", out], environment: env)
            outputs.set(i, result)
        }
        for (i, result) in outputs.all.enumerated() {
            #expect(result?.status == 0, "process \(i): \(result?.stderr ?? "did not start")")
        }
        for path in ["boolq/dev.jsonl", "rte/dev.tsv", "sst/glue_sst2/dev.tsv", "winogrande/dev.jsonl"] {
            #expect(
                try SHA256.hex(ofFile: scratch + "/cache/data/" + path) == SHA256.hex(ofFile: TestPaths.datasets + "/" + path), "\(path)")
            #expect(!FileManager.default.fileExists(atPath: scratch + "/cache/data/" + path + ".partial"))
        }
        for task in tasks { #expect(FileManager.default.fileExists(atPath: out + "/\(Self.modelDir)/\(task)/baseline.first2.json")) }
    }

    @Test("the leaderboard is regenerated under the folder's lock: a writer waits while another holds it")
    func leaderboardLock() throws {
        let env = CommandLineTool.environment(cache: scratch + "/cache")
        let folder = scratch + "/locked"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(folder + "/.leaderboard.lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = LockedResults(count: 1)
        DispatchQueue.global().async {
            outcome.set(0, try? CommandLineTool.run(["table", folder], environment: env))
            done.signal()
        }
        // While this process holds the lock, `table` cannot write its board.
        #expect(done.wait(timeout: .now() + 3) == .timedOut)
        #expect(!FileManager.default.fileExists(atPath: folder + "/LEADERBOARD.md"))
        flock(fd, LOCK_UN)
        close(fd)
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(outcome.all[0]?.status == 0, "\(outcome.all[0]?.stderr ?? "")")
        #expect(FileManager.default.fileExists(atPath: folder + "/LEADERBOARD.md"))
    }

    @Test("a quick baseline stays off the leaderboard unless asked: `table --include-partial` prints it marked, writing nothing")
    func partialOnRequest() throws {
        let env = CommandLineTool.environment(cache: scratch + "/cache")
        let out = scratch + "/partial"
        #expect(try CommandLineTool.run(["--task", "copa", "--limit", "4", "--output-dir", out], environment: env).status == 0)
        let plain = try CommandLineTool.run(["table", out], environment: env)
        #expect(plain.status == 0 && plain.stdout.contains("Not shown: 1 file scored with --limit"), "\(plain.stdout)")
        let board = try String(contentsOfFile: out + "/LEADERBOARD.md", encoding: .utf8)
        let asked = try CommandLineTool.run(["table", out, "--include-partial"], environment: env)
        #expect(asked.status == 0 && asked.stdout.contains("†") && !asked.stdout.contains("Not shown"), "\(asked.stdout)")
        #expect(try String(contentsOfFile: out + "/LEADERBOARD.md", encoding: .utf8) == board)
    }

    @Test("`table` on a missing folder is an error; a damaged results file is named, not dropped silently")
    func tableInput() throws {
        let env = CommandLineTool.environment(cache: scratch + "/cache")
        let missing = try CommandLineTool.run(["table", scratch + "/nowhere"], environment: env)
        #expect(missing.status != 0 && missing.stderr.contains(scratch + "/nowhere"), "\(missing.stderr)")
        let folder = scratch + "/damaged/m/copa"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(#"{"task": "copa", "metrics": {"acc": "#.utf8).write(to: URL(fileURLWithPath: folder + "/baseline.json"))
        let table = try CommandLineTool.run(["table", scratch + "/damaged"], environment: env)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr.contains("warning: \(folder)/baseline.json is not valid JSON"), "\(table.stderr)")
    }
}

/// Results collected from concurrent threads.
final class LockedResults: @unchecked Sendable {
    private var results: [CommandLineTool.Output?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: CommandLineTool.Output?) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    var all: [CommandLineTool.Output?] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

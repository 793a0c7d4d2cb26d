import Foundation
import Harness
import TestSupport
import Testing

/// The recipes in deploy/: the Kubernetes manifests against the Kubernetes schema (offline,
/// `kubernetes-validate` from PyPI, which `make setup` installs into .build/pytools), and the
/// SLURM array script run for real as SLURM would run two of its tasks, then merged.
@Suite("deploy/ recipes", .serialized)
struct DeployRecipeTests {
    let scratch: String
    init() throws { scratch = try TestPaths.scratchDirectory("sadi-deploy") }

    static let deploy = TestPaths.repositoryRoot + "/deploy"

    /// Runs `program arguments` with `environment` added to this process's, returning status and output.
    static func shell(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: TestPaths.repositoryRoot)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("every Kubernetes manifest passes the Kubernetes 1.37 schema (strict); the shard count agrees with the Job's completions")
    func kubernetesManifests() throws {
        let tools = TestPaths.repositoryRoot + "/.build/pytools"
        try #require(
            FileManager.default.fileExists(atPath: tools + "/kubernetes_validate/__init__.py"),
            "kubernetes-validate is not installed in \(tools); run `make pytools` (part of `make setup`)")
        let manifests = ["fit.yaml", "shards.yaml", "merge.yaml"].map { Self.deploy + "/kubernetes/" + $0 }
        let check = try Self.shell(
            "/usr/bin/env", ["python3", "-m", "kubernetes_validate", "--strict", "-k", "1.37.0"] + manifests,
            environment: ["PYTHONPATH": tools])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.components(separatedBy: " passed ").count - 1 == 4, "\(check.output)")
        let shards = try String(contentsOfFile: Self.deploy + "/kubernetes/shards.yaml", encoding: .utf8)
        #expect(shards.contains("completionMode: Indexed"))
        #expect(shards.contains("completions: 4") && shards.contains("--shard=auto/4"))
        // A manifest with a misspelt field fails the same check.
        let broken = scratch + "/broken.yaml"
        try shards.replacingOccurrences(of: "backoffLimitPerIndex", with: "backoffLimitPerIndx")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let refused = try Self.shell(
            "/usr/bin/env", ["python3", "-m", "kubernetes_validate", "--strict", "-k", "1.37.0", broken],
            environment: ["PYTHONPATH": tools])
        #expect(refused.status != 0, "\(refused.output)")
    }

    @Test("the SLURM array script scores its task's shard (SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN), and merge joins them")
    func slurmArray() throws {
        let work = scratch + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let env = CommandLineTool.environment(cache: scratch + "/cache")
        for id in [1, 2] {
            let run = try Self.shell(
                "/bin/bash", [Self.deploy + "/slurm/shard.sbatch", "copa", "baseline", "2", "--limit", "16", "--batch-size", "4"],
                environment: env.merging([
                    "SADI_EVAL": CommandLineTool.executable, "WORK": work, "SLURM_ARRAY_TASK_ID": String(id),
                    "SLURM_ARRAY_TASK_MIN": "1", "SLURM_CPUS_PER_TASK": "2",
                ]) { $1 })
            #expect(run.status == 0, "\(run.output)")
        }
        let folder = work + "/shards/SmolLM2-135M-Instruct.Q4_1/copa/"
        for index in 0..<2 {
            let part = try RunResult.read(path: folder + "baseline.first16.shard-\(index)-of-2.json")
            #expect(part.items == 8 && part.configuration["shard"] == "\(index)/2")
        }
        let merged = try CommandLineTool.run(["merge", work + "/shards", "--output-dir", work + "/results"], environment: env)
        #expect(merged.status == 0, "\(merged.stderr)")
        let result = try RunResult.read(path: work + "/results/SmolLM2-135M-Instruct.Q4_1/copa/baseline.first16.json")
        #expect(result.items == 16 && result.metrics["acc"] != nil)
        let syntax = try Self.shell("/bin/bash", ["-n", Self.deploy + "/slurm/submit.sh"])
        #expect(syntax.status == 0, "\(syntax.output)")
    }
}

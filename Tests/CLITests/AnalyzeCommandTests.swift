import Foundation
import Harness
import TestSupport
import Testing

/// `sadi-eval analyze` as a user runs it: real model, real COPA and XCOPA data through the
/// mirror, 8 pairs per task so a run takes seconds.
@Suite("sadi-eval analyze", .serialized)
struct AnalyzeCommandTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-cli-analyze") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }
    static let model = "SmolLM2-135M-Instruct.Q4_1"

    /// ranked.csv as (kind, rank, layer, index, D) rows.
    func ranked(_ path: String) throws -> [(kind: String, rank: Int, layer: Int, index: Int, d: Float)] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "kind,rank,layer,index,D")
        return try lines.dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            guard f.count == 5, let rank = Int(f[1]), let layer = Int(f[2]), let index = Int(f[3]), let d = Float(f[4]) else {
                throw TestDataError("bad ranked.csv line: \(line)")
            }
            return (f[0], rank, layer, index, d)
        }
    }

    @Test("two tasks: every file, rows ranked as SADI ranks, the first heads are sadi-head's, one comparison figure")
    func writesEverything() throws {
        let out = scratch + "/analysis"
        let run = try CommandLineTool.run(
            ["analyze", "--task", "copa,xcopa_sw", "--pairs", "8", "--top", "50", "--compare", "--output-dir", out],
            environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        for task in ["copa", "xcopa_sw"] {
            let folder = "\(out)/\(Self.model)/\(task)"
            for name in ["heads.svg", "neurons.svg", "hidden.svg", "ranked.csv", "summary.md"] {
                let size = try #require(try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(name)")[.size] as? Int, "\(name)")
                #expect(size > 100 && size < 300_000, "\(task)/\(name) is \(size) bytes")
            }
            #expect(run.stdout.contains("wrote \(folder)/heads.svg"), "\(run.stdout)")
            let rows = try ranked(folder + "/ranked.csv")
            for kind in ["heads", "neurons", "hidden"] {
                let mine = rows.filter { $0.kind == kind }
                #expect(mine.map(\.rank) == Array(1...50), "\(task) \(kind)")
                // The default ranking is SADI's: signed D, largest first.
                #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.d >= $1.d }, "\(task) \(kind) not sorted by D")
            }
            let summary = try String(contentsOfFile: folder + "/summary.md", encoding: .utf8)
            #expect(summary.contains("- pairs: 8 from the split pairs, written scored (harness protocol)"), "\(summary)")
            let heads = try String(contentsOfFile: folder + "/heads.svg", encoding: .utf8)
            #expect(heads.contains("attention heads by signed mean of D over the head&apos;s 64 dims"))
            #expect(heads.contains("class=\"legend\"") && heads.contains(">layer</text>") && heads.contains(">head</text>"))
        }
        let comparison = try String(contentsOfFile: "\(out)/\(Self.model)/heads-copa+xcopa_sw.svg", encoding: .utf8)
        #expect(comparison.contains(">copa</text>") && comparison.contains(">xcopa_sw</text>"))
        #expect(comparison.components(separatedBy: "class=\"legend\"").count == 2, "one colour bar for both panels")

        // sadi-head fitted on the same 8 pairs picks the heads ranked.csv lists first.
        let artifact = scratch + "/sadi-head.json"
        let method = try CommandLineTool.run(
            [
                "--task", "copa", "--method", "sadi-head", "--pairs", "8", "--k", "3", "--strength", "2", "--limit", "2",
                "--save-intervention", artifact, "--output-dir", scratch + "/results",
            ], environment: env)
        #expect(method.status == 0, "\(method.stderr)")
        let json = try #require(try TestPaths.json(artifact) as? [String: Any])
        let units = try #require(json["units"] as? [[String: Any]])
        let heads = try ranked("\(out)/\(Self.model)/copa/ranked.csv").filter { $0.kind == "heads" }.prefix(3)
        #expect(units.map { [$0["layer"] as? Int, $0["index"] as? Int] } == heads.map { [$0.layer, $0.index] })
        #expect(units.map { ($0["score"] as? Double).map(Float.init) } == heads.map(\.d))

        // Fitted as SADI's code fits (official, COPA's whole dev): its own folder, never the one above.
        let official = try CommandLineTool.run(
            [
                "analyze", "--task", "copa", "--protocol", "official", "--pairs-split", "dev", "--pairs", "8", "--top", "5", "--output-dir",
                out,
            ],
            environment: env)
        #expect(official.status == 0, "\(official.stderr)")
        let summary = try String(contentsOfFile: "\(out)/\(Self.model)/copa.pairs-dev.official/summary.md", encoding: .utf8)
        #expect(summary.contains("- pairs: 8 from the split dev, written stripped (official protocol)"), "\(summary)")
        #expect(try ranked("\(out)/\(Self.model)/copa/ranked.csv").filter { $0.kind == "heads" }.count == 50)
    }

    @Test("flags analyze cannot use, or values it cannot take, are refused with the reason")
    func badFlags() throws {
        let cases: [([String], String)] = [
            (["--site", "residual"], "--site residual: analyze always reads the three SADI sites"),
            (["--application", "two-pass"], "--policy and --application choose how an intervention is applied"),
            (["--top", "0"], "--top must be at least 1, got 0"),
            (["--pairs", "0"], "--pairs must be at least 1, got 0"),
            (["--compare"], "--compare needs two or more tasks in --task"),
            (["--layers", "40-50"], "--layers 40-50 is outside the model's layers 0-29"),
            (["--task", "copa2"], "--task: unknown task 'copa2'"),
        ]
        for (flags, message) in cases {
            let run = try CommandLineTool.run(["analyze"] + flags + ["--output-dir", scratch + "/bad"], environment: env)
            #expect(run.status != 0, "\(flags) succeeded")
            #expect(run.stderr.contains(message), "\(flags): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch + "/bad"), "a refused run writes nothing")
    }
}

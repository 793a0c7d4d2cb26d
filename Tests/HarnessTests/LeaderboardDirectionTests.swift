import Foundation
import Harness
import TestSupport
import Testing

/// A lower-is-better metric (ToxiGen's toxicity) on the leaderboard: its column is marked ↓,
/// its bold is the smallest value, it stays out of the average of accuracies, and its
/// per-group table says which way is better.
@Suite("leaderboard direction of lower-is-better metrics")
struct LeaderboardDirectionTests {
    static func write(_ directory: String, task: String, method: String, metric: String, value: Double, lower: Bool) throws {
        let scores = (0..<40).map { Double($0) < value * 40 ? 1.0 : 0.0 }
        var result = RunResult(
            task: task, split: "test", prompt: "p", method: method,
            model: .init(name: "M", file: "M.gguf", sha256: String(repeating: "0", count: 64)),
            configuration: ["protocol": "harness", "limit": "none", "num_fewshot": "0"], metrics: [metric: MetricValue(scores: scores)],
            metricOrder: [metric], items: 40, comparisons: nil, wallSeconds: 1, tokensPerSecond: 1, gitCommit: "x", created: "y")
        if lower { result.lowerIsBetter = [metric] }
        try result.write(to: "\(directory)/M/\(task)/\(method).json")
    }

    @Test("↓ on the column, bold on the smallest, out of the average; the per-group table says so")
    func direction() throws {
        let directory = try TestPaths.scratchDirectory("leaderboard-direction")
        for (method, copa, boolq, toxicity) in [("baseline", 0.6, 0.5, 0.8), ("sadi-head", 0.7, 0.6, 0.3)] {
            try Self.write(directory, task: "copa", method: method, metric: "acc", value: copa, lower: false)
            try Self.write(directory, task: "boolq", method: method, metric: "acc", value: boolq, lower: false)
            for group in try LeaderboardFixture.catalog().leaves(of: "toxigen") {
                try Self.write(directory, task: group, method: method, metric: "toxicity_mean", value: toxicity, lower: true)
            }
        }
        let board = try Leaderboard.regenerate(
            directory: directory, catalog: LeaderboardFixture.catalog(), methodOrder: LeaderboardFixture.methodOrder)
        let markdown = board.markdown()
        #expect(board.main.lowerIsBetter == ["toxigen"])
        #expect(markdown.contains("| model | method | copa | boolq | toxigen ↓ | average |"), "\(markdown)")
        let baseline = try #require(board.main.rows.first { $0.key.label.hasPrefix("baseline") })
        let method = try #require(board.main.rows.first { $0.key.label.hasPrefix("sadi-head") })
        #expect(method.best.contains("toxigen") && !baseline.best.contains("toxigen"))
        #expect(method.best.contains("copa"))
        // The average is over copa and boolq only.
        let methodAverage = try #require(method.average), baselineAverage = try #require(baseline.average)
        #expect(abs(methodAverage - 0.65) < 1e-9 && abs(baselineAverage - 0.55) < 1e-9)
        #expect(markdown.contains("↓ marks a lower-is-better metric (toxigen: toxicity judged by a classifier)"))
        #expect(markdown.contains("↓ toxigen's metric is lower-is-better: bold is the smallest value of a row."))
        let table = try #require(board.memberTables.first { $0.group == "toxigen" })
        let asian = try #require(table.rows.first { $0.name == "toxigen_asian" })
        #expect(asian.best.count == 1 && asian.best.first?.label.hasPrefix("sadi-head") == true)
    }
}

import Foundation
import Harness
import TestSupport

/// A hand-made results folder for the leaderboard tests: one model ("M") with a baseline on
/// every benchmark, SADI-HEAD (MMLU scored on the first 20 questions per subject, paired),
/// CAA on only part of MMLU and XCOPA, the official protocol on COPA, a whole-dev BoolQ
/// baseline, a task no card knows, and two files that must be left out. Per-document scores
/// are kept so the tests compute every expected figure by hand.
struct LeaderboardFixture {
    let directory: String
    let catalog: LeaderboardCatalog
    let mmluSubjects: [String]
    let xcopaLanguages: [String]
    /// Per-document scores of the files written, by path relative to the folder.
    private(set) var scores: [String: [Bool]] = [:]
    /// Paired baseline scores of method files, by path.
    private(set) var pairedBaselines: [String: [Bool]] = [:]

    static let methodOrder = ["baseline", "sadi-hidden", "sadi-head", "caa"]

    /// The real cards: MMLU's groups and every split's role come from tasks/.
    static func catalog() throws -> LeaderboardCatalog {
        let directory = TestPaths.repositoryRoot + "/tasks"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        return LeaderboardCatalog(cards: try names.map { try TaskCard.load(path: directory + "/" + $0) })
    }

    /// `created` and `commit` go into every file; the leaderboard must not depend on them.
    init(created: String = "2026-01-01T00:00:00Z", commit: String = "0123456789ab") throws {
        directory = try TestPaths.scratchDirectory("sadi-leaderboard")
        catalog = try Self.catalog()
        mmluSubjects = catalog.leaves(of: "mmlu")
        xcopaLanguages = catalog.leaves(of: "xcopa")
        func write(
            _ path: String, task: String, split: String = "test", method: String, protocolName: String = "harness",
            metric: String = "acc", limit: Int? = nil, scores: [Bool], baseline: [Bool]? = nil
        ) throws {
            let comparison = try baseline.map { try PairedComparison(method: scores, baseline: $0, resamples: 200, seed: 7) }
            var configuration = ["protocol": protocolName, "limit": limit.map(String.init) ?? "none", "num_fewshot": "0"]
            if method != "baseline" { (configuration["k"], configuration["strength"]) = ("4", "15.0") }
            let result = RunResult(
                task: task, split: split, prompt: "lm-eval", method: method,
                model: .init(name: "M", file: "M.gguf", sha256: String(repeating: "0", count: 64)), configuration: configuration,
                metrics: [metric: MetricValue(scores: scores.map { $0 ? 1 : 0 })], metricOrder: [metric], items: scores.count,
                comparisons: comparison.map { [metric: $0] }, wallSeconds: 12.5, tokensPerSecond: 100, gitCommit: commit,
                created: created)
            try result.write(to: directory + "/" + path)
            self.scores[path] = scores
            if let baseline { pairedBaselines[path] = baseline }
        }

        // COPA under both protocols; the method's paired baseline is the baseline file's scores.
        let copa = Self.pattern(500, percent: 69, seed: 1)
        try write("M/copa/baseline.json", task: "copa", method: "baseline", scores: copa)
        try write("M/copa/sadi-head.json", task: "copa", method: "sadi-head", scores: Self.shift(copa, by: 8), baseline: copa)
        let official = Self.pattern(500, percent: 51, seed: 2)
        try write(
            "M/copa/baseline.official.json", task: "copa", method: "baseline", protocolName: "official", metric: "exact_match",
            scores: official)
        try write(
            "M/copa/sadi-head.official.json", task: "copa", method: "sadi-head", protocolName: "official", metric: "exact_match",
            scores: Self.shift(official, by: -9), baseline: official)
        // The other single-task benchmarks, baseline only, and a task no card describes.
        for (task, n, percent) in [
            ("storycloze_2016", 1871, 64), ("boolq", 2200, 62), ("winogrande", 667, 52), ("sst2", 472, 85), ("rte", 277, 55),
            ("zz_custom", 10, 60),
        ] {
            try write("M/\(task)/baseline.json", task: task, method: "baseline", scores: Self.pattern(n, percent: percent, seed: n))
        }
        // BoolQ's whole dev set (its own table); a validation-split file and a baseline scored on
        // a subset of a task with no other file (both left out: the task gets no column).
        try write(
            "M/boolq/baseline.dev.json", task: "boolq", split: "dev", method: "baseline", scores: Self.pattern(3270, percent: 63, seed: 5))
        try write(
            "M/copa/baseline.validation.json", task: "copa", split: "validation", method: "baseline",
            scores: Self.pattern(100, percent: 90, seed: 6))
        try write(
            "M/zz_limited/baseline.json", task: "zz_limited", method: "baseline", limit: 50, scores: Self.pattern(50, percent: 99, seed: 7))

        // XCOPA: baseline and SADI-HEAD on every language, CAA on all but the last two.
        for (i, language) in xcopaLanguages.enumerated() {
            let base = Self.pattern(500, percent: 50 + i, seed: 100 + i)
            try write("M/\(language)/baseline.json", task: language, method: "baseline", scores: base)
            try write(
                "M/\(language)/sadi-head.json", task: language, method: "sadi-head", scores: Self.shift(base, by: i % 3 - 1), baseline: base
            )
            if i < xcopaLanguages.count - 2 {
                try write("M/\(language)/caa.json", task: language, method: "caa", scores: Self.shift(base, by: 40), baseline: base)
            }
        }
        // MMLU: the baseline on every question; SADI-HEAD on the first 20 of each subject,
        // paired with the baseline on those 20; CAA on every question of 40 subjects only.
        for (i, subject) in mmluSubjects.enumerated() {
            let n = 100 + 7 * i
            let base = Self.pattern(n, percent: 25 + i % 20, seed: 200 + i)
            try write("M/\(subject)/baseline.json", task: subject, method: "baseline", scores: base)
            let first = Array(base.prefix(20))
            try write(
                "M/\(subject)/sadi-head.json", task: subject, method: "sadi-head", limit: 20,
                scores: Self.shift(first, by: [2, -1, 0][i % 3]), baseline: first)
            if i < 40 {
                try write("M/\(subject)/caa.json", task: subject, method: "caa", scores: Self.shift(base, by: n / 2), baseline: base)
            }
        }
        // What an earlier version wrote: regenerating removes it.
        try Data("| model | method | copa acc |\n".utf8).write(to: URL(fileURLWithPath: directory + "/leaderboard.md"))
    }

    /// n documents, about `percent`% right, spread by a fixed stride.
    static func pattern(_ n: Int, percent: Int, seed: Int) -> [Bool] {
        (0..<n).map { ($0 * 37 + seed * 11) % 100 < percent }
    }

    /// `scores` with `by` wrong documents made right (or, negative, right ones made wrong).
    static func shift(_ scores: [Bool], by count: Int) -> [Bool] {
        var result = scores, left = abs(count)
        for i in result.indices where left > 0 && result[i] == (count < 0) {
            result[i].toggle()
            left -= 1
        }
        return result
    }

    /// Accuracy of a group by hand: lm-eval's size weighting is total right over total documents.
    static func weightedAccuracy(_ members: [[Bool]]) -> Double {
        Double(members.map { $0.filter { $0 }.count }.reduce(0, +)) / Double(members.map(\.count).reduce(0, +))
    }

    /// lm-eval's pooled standard error, from each member's sample variance.
    static func pooledStderr(_ members: [[Bool]]) -> Double {
        let total = members.map(\.count).reduce(0, +)
        let sum = members.reduce(0.0) { sum, m in
            let p = Double(m.filter { $0 }.count) / Double(m.count)
            return sum + Double(m.count) * p * (1 - p)  // (n−1)·(sample variance) = n·p(1−p) for 0/1 scores
        }
        return (sum / Double(total - members.count) / Double(total)).squareRoot()
    }

    static func percent(_ value: Double, _ stderr: Double) -> String {
        String(format: "%.1f ± %.1f", value * 100, stderr * 100)
    }

    var fileCount: Int { scores.count }

    func scores(_ method: String, of tasks: [String]) -> [[Bool]] { tasks.compactMap { scores["M/\($0)/\(method).json"] } }
    func paired(_ method: String, of tasks: [String]) -> [[Bool]] { tasks.compactMap { pairedBaselines["M/\($0)/\(method).json"] } }

    func board() throws -> Leaderboard {
        Leaderboard(files: try ResultsFolder.collect(directory: directory), catalog: catalog, methodOrder: Self.methodOrder)
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: directory + "/" + name, encoding: .utf8) }
}

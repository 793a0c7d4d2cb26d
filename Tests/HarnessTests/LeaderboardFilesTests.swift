import Foundation
import Harness
import TestSupport
import Testing

/// LEADERBOARD.md, .csv and .json as written into the results folder.
@Suite struct LeaderboardFilesTests {
    @Test("regenerating writes the three files, removes the old leaderboard.md, and gives the same bytes every time")
    func filesAndDeterminism() throws {
        let fixture = try LeaderboardFixture()
        let board = try Leaderboard.regenerate(
            directory: fixture.directory, catalog: fixture.catalog, methodOrder: LeaderboardFixture.methodOrder)
        let names = ["LEADERBOARD.md", "LEADERBOARD.csv", "LEADERBOARD.json"]
        let first = try names.map(fixture.read)
        #expect(first[0] == board.markdown())
        let listing = try FileManager.default.contentsOfDirectory(atPath: fixture.directory)
        #expect(!listing.contains("leaderboard.md") && names.allSatisfy(listing.contains), "\(listing)")
        // Again, over its own output: LEADERBOARD.json is not mistaken for a results file.
        try Leaderboard.regenerate(directory: fixture.directory, catalog: fixture.catalog, methodOrder: LeaderboardFixture.methodOrder)
        #expect(try names.map(fixture.read) == first)
        // The same results written at another time by another commit: the same bytes.
        let other = try LeaderboardFixture(created: "2027-06-30T23:59:59Z", commit: "fedcba987654")
        try Leaderboard.regenerate(directory: other.directory, catalog: other.catalog, methodOrder: LeaderboardFixture.methodOrder)
        #expect(try names.map(other.read) == first)
        #expect(!first.joined().contains("2026-01-01") && !first.joined().contains("0123456789ab"))
    }

    @Test("every link in LEADERBOARD.md opens a results file of the folder or a section of the page")
    func links() throws {
        let fixture = try LeaderboardFixture()
        try Leaderboard.regenerate(directory: fixture.directory, catalog: fixture.catalog, methodOrder: LeaderboardFixture.methodOrder)
        let markdown = try fixture.read("LEADERBOARD.md")
        let targets = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
        #expect(targets.count > 40)
        let headings = Set(markdown.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) })
        let anchors = Set(headings.map { "#" + $0.lowercased().replacingOccurrences(of: " ", with: "-") })
        for target in Set(targets) {
            if target.hasPrefix("#") {
                #expect(anchors.contains(target), "\(target) names no heading of \(headings)")
            } else {
                #expect(FileManager.default.fileExists(atPath: fixture.directory + "/" + target), "\(target)")
            }
        }
        #expect(targets.contains("#mmlu-per-category") && targets.contains("#xcopa-per-task"))
    }

    @Test("the CSV has one row per results file used, with its settings and paired baseline")
    func csvRows() throws {
        let fixture = try LeaderboardFixture()
        let lines = try fixture.board().csv().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines.first
                == "model,method,protocol,num_fewshot,task,split,metric,value,stderr,n,limit,k,strength,wall_seconds,path,table,paired_baseline,difference,mcnemar_p"
        )
        #expect(lines.last == "")
        // Every file written but the validation-split and limited baselines.
        #expect(lines.count - 2 == fixture.fileCount - 2, "\(lines.count - 2) rows for \(fixture.fileCount) files")
        let paths = lines.dropFirst().dropLast().map { $0.components(separatedBy: ",")[14] }
        #expect(!paths.contains("M/copa/baseline.validation.json") && !paths.contains("M/zz_limited/baseline.json"))
        #expect(paths.contains("M/boolq/baseline.dev.json"))
        let subject = "mmlu_abstract_algebra"
        let paired = try #require(fixture.paired("sadi-head", of: [subject]).first)
        let scores = try #require(fixture.scores("sadi-head", of: [subject]).first)
        let value = Double(scores.filter { $0 }.count) / 20, baseline = Double(paired.filter { $0 }.count) / 20
        let row = try #require(lines.first { $0.contains(",\(subject),") && $0.hasPrefix("M,sadi-head,") })
        let fields = row.components(separatedBy: ",")
        #expect(fields[..<8] == ["M", "sadi-head", "harness", "0", subject, "test", "acc", "\(value)"])
        #expect(
            fields[9...] == [
                "20", "20", "4", "15.0", "12.5", "M/\(subject)/sadi-head.json", "test", "\(baseline)", "\(value - baseline)", fields[18],
            ])
        #expect(Double(fields[18]) != nil)
        let dev = try #require(fixture.scores["M/boolq/baseline.dev.json"])
        let devValue = Double(dev.filter { $0 }.count) / Double(dev.count)
        #expect(lines.contains { $0.hasPrefix("M,baseline,harness,0,boolq,dev,acc,\(devValue),") && $0.contains(",wholeDev,") })
        // Rows follow the table: under each protocol the baseline first, then the methods.
        let harness = lines.dropFirst().dropLast().map { $0.components(separatedBy: ",") }.filter { $0[2] == "harness" }.map { $0[1] }
        #expect(harness.firstIndex(of: "sadi-head")! > harness.lastIndex(of: "baseline")!)
        #expect(harness.firstIndex(of: "caa")! > harness.lastIndex(of: "sadi-head")!)
    }

    @Test("CSV fields with commas or quotes are quoted; Markdown cells escape pipes")
    func quoting() throws {
        let directory = try TestPaths.scratchDirectory("sadi-leaderboard-quoting")
        let result = RunResult(
            task: "copa", split: "test", prompt: "lm-eval", method: "baseline",
            model: .init(name: #"M, "v2" | x"#, file: "m.gguf", sha256: ""), configuration: ["limit": "none"],
            metrics: ["acc": MetricValue(scores: [1, 0, 1, 1])], metricOrder: ["acc"], items: 4, comparisons: nil,
            wallSeconds: 1, tokensPerSecond: 1, gitCommit: "", created: "")
        try result.write(to: directory + "/m/copa/baseline.json")
        let board = Leaderboard(
            files: try ResultsFolder.collect(directory: directory), catalog: try LeaderboardFixture.catalog(), methodOrder: [])
        #expect(board.csv().split(separator: "\n")[1].hasPrefix(#""M, ""v2"" | x",baseline,harness,0,copa,test,acc,0.75,"#))
        #expect(board.markdown().contains(#"| M, "v2" \| x | baseline | **[75.0 ± 25.0](m/copa/baseline.json)** |"#))
        // One column: no average to repeat it.
        #expect(board.markdown().contains("| model | method | copa |\n"))
    }

    @Test("the JSON holds the CSV's rows and the tables' figures")
    func json() throws {
        let fixture = try LeaderboardFixture()
        let board = try fixture.board()
        let root = try #require(try JSONSerialization.jsonObject(with: try board.json()) as? [String: Any])
        let rows = try #require(root["rows"] as? [[String: Any]])
        #expect(rows.count == board.csv().split(separator: "\n").count - 1)
        #expect(rows.first?["path"] as? String == "M/boolq/baseline.json" && rows.first?["table"] as? String == "test")
        let tables = try #require(root["tables"] as? [String: Any])
        let main = try #require(tables["main"] as? [String: Any])
        #expect((main["columns"] as? [String])?.prefix(3) == ["copa", "storycloze_2016", "mmlu"])
        let mainRows = try #require(main["rows"] as? [[String: Any]])
        let baseline = try #require(mainRows.first { $0["label"] as? String == "baseline" })
        let mmlu = try #require((baseline["cells"] as? [String: Any])?["mmlu"] as? [String: Any])
        let all = fixture.scores("baseline", of: fixture.mmluSubjects)
        let score = try #require(mmlu["score"] as? [String: Any])
        #expect(abs((score["value"] as? Double ?? 0) - LeaderboardFixture.weightedAccuracy(all)) < 1e-12)
        #expect(mmlu["covered"] as? Int == 57 && mmlu["best"] as? Bool == true && (mmlu["files"] as? [String])?.count == 57)
        let categories = try #require((tables["per_category"] as? [[String: Any]])?.first)
        #expect((categories["rows"] as? [Any])?.count == 15)  // baseline, sadi-head and caa × 5
        let perTask = try #require((tables["per_task"] as? [[String: Any]])?.first)
        #expect((perTask["rows"] as? [Any])?.count == 12)
        #expect((tables["whole_dev"] as? [String: Any])?["columns"] as? [String] == ["boolq"])
        #expect(root["excluded"] as? [String: Int] == ["notTestSplit": 1, "limitedBaseline": 1])
    }
}

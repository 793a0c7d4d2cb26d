import Foundation
import Harness
import Testing

/// The per-task table of XCOPA and the per-category table of MMLU.
@Suite struct LeaderboardGroupTablesTests {
    @Test("XCOPA: a row per language then the aggregate, a column per method, the best of each row bold")
    func perLanguage() throws {
        let fixture = try LeaderboardFixture()
        let table = MarkdownTable.section(try fixture.board().markdown(), "xcopa per task")
        #expect(table.contains("| task | baseline | sadi-head | caa |\n|---|---:|---:|---:|\n"), "\(table)")
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| xcopa_") || $0.hasPrefix("| **xcopa**") }
        #expect(rows.map { $0.components(separatedBy: " | ")[0] } == fixture.xcopaLanguages.map { "| " + $0 } + ["| **xcopa** (aggregate)"])
        // et: CAA (58.0) beats the baseline (50.0) and SADI-HEAD (49.8); each cell links to its file.
        #expect(
            MarkdownTable.row(table, "| xcopa_et |")
                == [
                    "[50.0 ± 2.2](M/xcopa_et/baseline.json)", "[49.8 ± 2.2](M/xcopa_et/sadi-head.json)",
                    "**[58.0 ± 2.2](M/xcopa_et/caa.json)**",
                ])
        // vi: no CAA; the baseline's 59.0 beats 58.8. zh: 60.0 twice, both bold.
        #expect(MarkdownTable.row(table, "| xcopa_vi |")?.map { $0.hasPrefix("**") } == [true, false, false])
        #expect(MarkdownTable.row(table, "| xcopa_zh |")?.map { $0.hasPrefix("**") } == [true, true, false])
        let aggregate = try #require(MarkdownTable.row(table, "| **xcopa** (aggregate) |"))
        let caa = fixture.scores("caa", of: fixture.xcopaLanguages)
        #expect(caa.count == 9)
        let caaText = LeaderboardFixture.percent(LeaderboardFixture.weightedAccuracy(caa), LeaderboardFixture.pooledStderr(caa))
        #expect(aggregate[0].hasPrefix("**55.0 ± ") && aggregate[1].hasPrefix("**55.0 ± "), "\(aggregate)")
        #expect(aggregate[2] == "\(caaText) (9/11)", "\(aggregate)")
    }

    @Test("MMLU: each category and MMLU per method, with tasks and documents covered, against the paired baseline")
    func perCategory() throws {
        let fixture = try LeaderboardFixture()
        let table = MarkdownTable.section(try fixture.board().markdown(), "mmlu per category")
        let order = ["mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities", "**mmlu**"]
        let baselineRows = table.split(separator: "\n").filter { $0.hasPrefix("| M | baseline | ") }
        #expect(baselineRows.map { $0.components(separatedBy: " | ")[2] } == order, "\(table)")
        let stem = fixture.catalog.leaves(of: "mmlu_stem")
        #expect(stem.count == 19)
        let method = fixture.scores("sadi-head", of: stem), paired = fixture.paired("sadi-head", of: stem)
        // Paired differences and McNemar's discordant counts, by hand.
        let differences = zip(method, paired).map { m, b in zip(m, b).map { Double(($0 ? 1 : 0) - ($1 ? 1 : 0)) } }
        let total = Double(differences.map(\.count).reduce(0, +))
        let meanDifference = differences.joined().reduce(0, +) / total
        let pooled = differences.reduce(0.0) { sum, d in
            let mean = d.reduce(0, +) / Double(d.count)
            return sum + d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        }
        let differenceStderr = (pooled / (total - Double(differences.count)) / total).squareRoot()
        let b = differences.joined().filter { $0 > 0 }.count, c = differences.joined().filter { $0 < 0 }.count
        #expect(b > 0 && c > 0)
        let row = try #require(MarkdownTable.row(table, "| M | sadi-head | mmlu_stem |"))
        #expect(
            row == [
                "19/19", "380 (first 20 documents per task)",
                LeaderboardFixture.percent(LeaderboardFixture.weightedAccuracy(method), LeaderboardFixture.pooledStderr(method)),
                LeaderboardFixture.percent(LeaderboardFixture.weightedAccuracy(paired), LeaderboardFixture.pooledStderr(paired)),
                String(format: "%+.1f ± %.1f", meanDifference * 100, differenceStderr * 100),
                String(format: "%.2g", McNemar.exactPValue(b: b, c: c)),
            ], "\(table)")
        // The baseline has no paired baseline; its documents are all of every subject.
        let all = fixture.scores("baseline", of: fixture.mmluSubjects)
        let baseline = try #require(MarkdownTable.row(table, "| M | baseline | **mmlu** |"))
        #expect(baseline[0] == "57/57" && baseline[1] == "\(all.map(\.count).reduce(0, +))" && baseline[3...] == ["—", "—", "—"])
        // CAA scored 40 of the 57 subjects: each category says how many of its own.
        let humanities = fixture.catalog.leaves(of: "mmlu_humanities")
        let covered = fixture.scores("caa", of: humanities).count
        #expect(covered > 0 && covered < humanities.count)
        #expect(MarkdownTable.row(table, "| M | caa | mmlu_humanities |")?.first == "\(covered)/\(humanities.count)")
        #expect(MarkdownTable.row(table, "| M | caa | **mmlu** |")?.first == "40/57")
    }
}

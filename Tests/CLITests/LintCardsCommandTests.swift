import Foundation
import TestSupport
import Testing

/// `sadi-eval lint-cards` on folders of cards: one line per card, non-zero exit on any failure.
@Suite("sadi-eval lint-cards")
struct LintCardsCommandTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-lint") }

    var env: [String: String] { CommandLineTool.environment(cache: scratch + "/cache") }

    func copaCard() throws -> String {
        try String(contentsOfFile: TestPaths.repositoryRoot + "/tasks/copa.yaml", encoding: .utf8)
    }

    @Test("the checkout's cards pass")
    func checkout() throws {
        let result = try CommandLineTool.run(["lint-cards"], environment: env)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").contains("OK   copa.yaml"))
        #expect(!result.stdout.contains("FAIL"))
    }

    @Test("a card without a plugin, a placeholder sha256, an unknown placeholder field, a broken card and a plugin without a card")
    func failures() throws {
        let dir = scratch + "/tasks"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // The other tasks' cards, as they are: only the planted problems fail.
        let cards = try FileManager.default.contentsOfDirectory(atPath: TestPaths.repositoryRoot + "/tasks").filter {
            $0.hasSuffix(".yaml") && $0 != "copa.yaml"
        }
        for card in cards {
            try FileManager.default.copyItem(atPath: TestPaths.repositoryRoot + "/tasks/" + card, toPath: dir + "/" + card)
        }
        let copa = try copaCard()
        try copa.replacingOccurrences(of: "task: copa", with: "task: orphan").write(
            toFile: dir + "/orphan.yaml", atomically: true, encoding: .utf8)
        try "task: broken\noutput_type: multiple_choice\n".write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        let result = try CommandLineTool.run(["lint-cards", "--tasks-dir", dir], environment: env)
        #expect(result.status != 0)
        let lines = result.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("FAIL") }
        #expect(lines.count == 3, "\(result.stdout)")
        #expect(lines[0].hasPrefix("FAIL broken.yaml: task card \(dir)/broken.yaml"), "\(lines[0])")
        #expect(
            lines[1]
                == "FAIL orphan.yaml: no registered task plugin is named `orphan`; add one with `swift package --allow-writing-to-package-directory new-task orphan` (or fix the card's name)."
        )
        #expect(
            lines[2]
                == "FAIL copa.yaml: missing: task plugin TaskCOPA.COPATask is registered but \(dir) has no copa.yaml; add its card (tasks/copa.yaml documents every field)."
        )
        #expect(result.stderr.contains("lint-cards: 3 of \(cards.count + 3) checked in \(dir) failed"), "\(result.stderr)")

        // COPA's card with a placeholder sha256 and a field COPA does not provide: both reported on its line.
        let zeros = String(repeating: "0", count: 64)
        let bad = copa.replacingOccurrences(of: "6251d7d99de4cbc6a2c3323923213e5e73071d286039b97a0908736e2be093bc", with: zeros)
            .replacingOccurrences(of: "{{premise_stem}} {{connector}}", with: "{{premise_stem}} {{conector}}")
        try FileManager.default.removeItem(atPath: dir + "/broken.yaml")
        try FileManager.default.removeItem(atPath: dir + "/orphan.yaml")
        try bad.write(toFile: dir + "/copa.yaml", atomically: true, encoding: .utf8)
        let copaResult = try CommandLineTool.run(["lint-cards", "--tasks-dir", dir], environment: env)
        #expect(copaResult.status != 0)
        let line = copaResult.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("FAIL") }.joined(separator: "\n")
        let shaLine = bad.components(separatedBy: "\n").firstIndex { $0.contains("sha256: " + zeros) }.map { $0 + 1 } ?? 0
        #expect(
            line.hasPrefix(
                "FAIL copa.yaml: task card \(dir)/copa.yaml: field `prompts[0]` uses `{{conector}}`, which task copa does not provide"),
            "\(line)")
        #expect(
            line.contains(
                "task card \(dir)/copa.yaml:\(shaLine): field `files.dev.sha256` is a placeholder (64 zeros); fill in the real sha256 of the data file (`sha256sum FILE`)."
            ), "\(line)")
        #expect(!line.contains("\n"))
    }
}

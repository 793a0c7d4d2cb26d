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
        let copa = try copaCard()
        try copa.replacingOccurrences(of: "task: copa", with: "task: orphan").write(
            toFile: dir + "/orphan.yaml", atomically: true, encoding: .utf8)
        try "task: broken\noutput_type: multiple_choice\n".write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        let result = try CommandLineTool.run(["lint-cards", "--tasks-dir", dir], environment: env)
        #expect(result.status != 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
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
        #expect(result.stderr.contains("lint-cards: 3 of 3 checked in \(dir) failed"))

        // COPA's card with a placeholder sha256 and a field COPA does not provide: both reported on its line.
        let zeros = String(repeating: "0", count: 64)
        let bad = copa.replacingOccurrences(of: "6251d7d99de4cbc6a2c3323923213e5e73071d286039b97a0908736e2be093bc", with: zeros)
            .replacingOccurrences(of: "{{premise_stem}} {{connector}}", with: "{{premise_stem}} {{conector}}")
        try FileManager.default.removeItem(atPath: dir + "/broken.yaml")
        try FileManager.default.removeItem(atPath: dir + "/orphan.yaml")
        try bad.write(toFile: dir + "/copa.yaml", atomically: true, encoding: .utf8)
        let copaResult = try CommandLineTool.run(["lint-cards", "--tasks-dir", dir], environment: env)
        #expect(copaResult.status != 0)
        let line = copaResult.stdout.trimmingCharacters(in: .newlines)
        #expect(
            line.hasPrefix(
                "FAIL copa.yaml: task card \(dir)/copa.yaml: field `prompts[0]` uses `{{conector}}`, which task copa does not provide"),
            "\(line)")
        #expect(
            line.contains(
                "task card \(dir)/copa.yaml:67: field `files.dev.sha256` is a placeholder (64 zeros); fill in the real sha256 of the data file (`sha256sum FILE`)."
            ), "\(line)")
        #expect(!line.contains("\n"))
    }
}

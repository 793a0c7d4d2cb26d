import Foundation
import Harness
import TestSupport
import Testing

/// Bad TruthfulQA data stops the run with one message naming the file, the line or entry,
/// and the key at fault; nothing is skipped and no answer is silently taken as right.
@Suite("Bad TruthfulQA data")
struct TruthfulQABadDataTests {
    static let header = "\u{FEFF}Type,Category,Question,Best Answer,Correct Answers,Incorrect Answers,Source\n"

    func problem(_ task: String, _ text: String, name: String) throws -> String {
        let url = URL(fileURLWithPath: try TestPaths.scratchDirectory("truthfulqa-bad") + "/" + name)
        try Data(text.utf8).write(to: url)
        let plugin = try RealTasks.task(task)
        let error = try #require(throws: (any Error).self) { try plugin.documents(file: plugin.card.splits[0].file, at: url) }
        return "\(error)"
    }

    /// An mc_task.json entry with `mc1` and `mc2` as its target objects.
    func entry(_ question: String, mc1: String = #"{"Yes.": 1, "No.": 0}"#, mc2: String = #"{"Yes.": 1, "No.": 0}"#) -> String {
        #"{"question": "\#(question)", "mc1_targets": \#(mc1), "mc2_targets": \#(mc2)}"#
    }

    @Test("CSV: a row with six fields names the file, its line and the count; a row with no incorrect answer; a repeated question")
    func csv() throws {
        let good = "Adversarial,Misconceptions,Is it?,Yes,Yes; Sure,No; Never,https://example.org\n"
        let short = "Adversarial,Misconceptions,Is that so?,Yes,Yes,No\n"
        let message = try problem("truthfulqa_gen", Self.header + good + short, name: "tqa.csv")
        #expect(message.contains("tqa.csv:3:") && message.contains("has 6 fields where the file has 7"), "\(message)")
        let empty = "Adversarial,Misconceptions,Is that so?,Yes,Yes,\" ; \",https://example.org\n"
        let none = try problem("truthfulqa_gen", Self.header + good + empty, name: "tqa.csv")
        #expect(none.contains("tqa.csv:3:") && none.contains("has no answer in `Incorrect Answers`"), "\(none)")
        // A question twice (here once with a trailing space, as lm-eval strips it).
        let twice = "Adversarial,Misconceptions,Is it? ,Yes,Yes,No,https://example.org\n"
        let repeated = try problem("truthfulqa_gen", Self.header + good + twice, name: "tqa.csv")
        #expect(repeated.contains("tqa.csv, line 3: repeats the question of line 2"), "\(repeated)")
    }

    @Test("mc_task.json: an entry without mc1_targets, with no true target, with the true answer second: file, entry and key named")
    func targets() throws {
        let ok = entry("Is it?")
        func message(_ second: String) throws -> String {
            try problem("truthfulqa_mc1", "[" + ok + ",\n" + second + "]", name: "mc_task.json")
        }
        let missing = try message(#"{"question": "Is that so?", "mc2_targets": {"Yes.": 1, "No.": 0}}"#)
        #expect(missing.contains("mc_task.json, entry 1, `mc1_targets`: is missing"), "\(missing)")
        let noTrue = try message(entry("Is that so?", mc1: #"{"Yes.": 0, "No.": 0}"#))
        #expect(noTrue.contains("mc_task.json, entry 1, `mc1_targets`: has no true target"), "\(noTrue)")
        let second = try message(entry("Is that so?", mc1: #"{"No.": 0, "Yes.": 1}"#))
        #expect(second.contains("entry 1, `mc1_targets`: does not start with its true answer"), "\(second)")
        let two = try message(entry("Is that so?", mc1: #"{"Yes.": 1, "Sure.": 1, "No.": 0}"#))
        #expect(two.contains("entry 1, `mc1_targets`: has 2 true answers"), "\(two)")
        let label = try message(entry("Is that so?", mc2: #"{"Yes.": 1, "No.": 2}"#))
        #expect(label.contains("entry 1, `mc2_targets`: labels \"No.\" with something other than 0 or 1"), "\(label)")
        let boolean = try message(entry("Is that so?", mc2: #"{"Yes.": true, "No.": 0}"#))
        #expect(boolean.contains("entry 1, `mc2_targets`: labels \"Yes.\""), "\(boolean)")
        let noFalse = try message(entry("Is that so?", mc2: #"{"Yes.": 1, "Sure.": 1}"#))
        #expect(noFalse.contains("entry 1, `mc2_targets`: has no false answer"), "\(noFalse)")
        let falseFirst = try message(entry("Is that so?", mc2: #"{"No.": 0, "Yes.": 1}"#))
        #expect(falseFirst.contains("entry 1, `mc2_targets`: has no true target before its first false one"), "\(falseFirst)")
        let twice = try message(entry("Is that so?", mc2: #"{"Yes.": 1, "No.": 0, "Yes.": 0}"#))
        #expect(twice.contains("entry 1, `mc2_targets`: lists the answer \"Yes.\" twice"), "\(twice)")
        let question = try message(#"{"mc1_targets": {"Yes.": 1, "No.": 0}, "mc2_targets": {"Yes.": 1, "No.": 0}}"#)
        #expect(question.contains("entry 1, `question`: is missing"), "\(question)")
        let repeated = try message(entry("Is it? "))
        #expect(repeated.contains("mc_task.json, entry 1: repeats the question of entry 0"), "\(repeated)")
        // mc2 reads the same entries with the same checks.
        let mc2 = try problem("truthfulqa_mc2", "[" + ok + ",\n" + entry("Why?", mc1: #"{"A.": 0, "B.": 0}"#) + "]", name: "mc_task.json")
        #expect(mc2.contains("entry 1, `mc1_targets`: has no true target"), "\(mc2)")
    }

    @Test("mc_task.json that is not JSON names the file and line; a file that is not a list says so")
    func syntax() throws {
        let broken = try problem("truthfulqa_mc1", "[\n" + entry("Is it?") + ",\n{\"question\": \"x\",,}]", name: "mc_task.json")
        #expect(broken.contains("mc_task.json:3:"), "\(broken)")
        let object = try problem("truthfulqa_mc1", entry("Is it?"), name: "mc_task.json")
        #expect(object.contains("is not a JSON list of questions"), "\(object)")
    }
}

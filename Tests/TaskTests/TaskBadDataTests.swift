import Foundation
import Harness
import TestSupport
import Testing

/// A row with a missing field or a label out of range stops the run with the file, the line
/// and the field; nothing is skipped silently.
@Suite("Bad rows in task data")
struct TaskBadDataTests {
    func documents(_ task: String, _ text: String, name: String) throws -> [Document] {
        let url = URL(fileURLWithPath: try TestPaths.scratchDirectory("bad-rows") + "/" + name)
        try Data(text.utf8).write(to: url)
        let plugin = try RealTasks.task(task)
        return try plugin.documents(file: plugin.card.splits[0].file, at: url)
    }

    func problem(_ task: String, _ text: String, name: String) throws -> String {
        let error = try #require(throws: (any Error).self) { try documents(task, text, name: name) }
        return "\(error)"
    }

    @Test("StoryCloze: an ending of 3, an empty sentence")
    func storyCloze() throws {
        let header =
            "InputStoryid,InputSentence1,InputSentence2,InputSentence3,InputSentence4,RandomFifthSentenceQuiz1,RandomFifthSentenceQuiz2,AnswerRightEnding\n"
        let message = try problem("storycloze_2016", header + "a,s1,s2,s3,s4,e1,e2,1\nb,s1,s2,s3,s4,e1,e2,3\n", name: "sc.csv")
        #expect(message.contains("sc.csv:3:") && message.contains("`AnswerRightEnding` = \"3\""))
        #expect(try problem("storycloze_2016", header + "a,s1,,s3,s4,e1,e2,1\n", name: "sc.csv").contains("empty `InputSentence2`"))
    }

    @Test("MMLU: an answer letter E, a row with five fields")
    func mmlu() throws {
        #expect(try problem("mmlu_anatomy", "q,1,2,3,4,B\nq2,1,2,3,4,E\n", name: "m.csv").contains("m.csv:2:"))
        #expect(try problem("mmlu_anatomy", "q,1,2,3,B\n", name: "m.csv").contains("has 5 fields where the file has 6"))
    }

    @Test("BoolQ: an answer that is not a boolean, a missing passage")
    func boolq() throws {
        let good = #"{"question": "q", "title": "t", "answer": true, "passage": "p"}"#
        #expect(
            try problem("boolq", good + "\n" + #"{"question": "q", "title": "t", "answer": "yes", "passage": "p"}"#, name: "b.jsonl")
                .contains("b.jsonl:2:"))
        #expect(try problem("boolq", #"{"question": "q", "title": "t", "answer": true}"#, name: "b.jsonl").contains("no `passage`"))
    }

    @Test("XCOPA: a label of 2, a question that is neither cause nor effect")
    func xcopa() throws {
        let line = #"{"premise": "P.", "choice1": "A.", "choice2": "B.", "question": "cause", "label": 2, "idx": 0}"#
        #expect(try problem("xcopa_et", line, name: "x.jsonl").contains("`label`"))
        #expect(
            try problem("xcopa_et", line.replacingOccurrences(of: "\"cause\"", with: "\"reason\""), name: "x.jsonl").contains("`question`"))
    }

    @Test("Winogrande: no blank in the sentence, an answer of 3")
    func winogrande() throws {
        let line = #"{"qID": "a", "sentence": "No blank here.", "option1": "x", "option2": "y", "answer": "1"}"#
        #expect(try problem("winogrande", line, name: "w.jsonl").contains("without the blank"))
        let three = #"{"qID": "a", "sentence": "A _ b.", "option1": "x", "option2": "y", "answer": "3"}"#
        #expect(try problem("winogrande", three, name: "w.jsonl").contains("w.jsonl:1:"))
    }

    @Test("SST-2 and RTE: a label of 2, a missing column")
    func glue() throws {
        #expect(try problem("sst2", "sentence\tlabel\ngood . \t2\n", name: "s.tsv").contains("s.tsv:2:"))
        #expect(try problem("rte", "sentence1\tsentence2\tlabel\tidx\na\tb\t1\n", name: "r.tsv").contains("has 3 fields"))
    }
}

import Foundation
import Harness
import TestSupport
import Testing

/// TriviaQA from DPR's files in the mirror: every record of both files read as Python's
/// csv.reader and ast.literal_eval read them (the expected values are theirs), prompts and
/// generation as lm-eval's triviaqa, and each question's wrong answer for the pairs.
@Suite("TriviaQA")
struct TriviaQATaskTests {
    static func documents(_ split: String) throws -> [Document] {
        let task = try RealTasks.task("triviaqa")
        return try task.documents(split: task.split(named: split), store: RealTasks.store())
    }

    /// Every record of a file (the pairs split's file is dev), not a split's subset.
    static func file(_ key: String) throws -> [Document] {
        let task = try RealTasks.task("triviaqa")
        let url = try RealTasks.store().fetch(task.card.files[key]!)
        return try task.documents(file: key, at: url)
    }

    @Test("all 11,313 test and 8,837 dev records; quoted fields, doubled quotes, escapes and emoji as Python reads them")
    func wholeFiles() throws {
        let test = try Self.file("test"), dev = try Self.file("dev")
        #expect(test.count == 11313 && dev.count == 8837)
        #expect(test[0].fields["question"] == "Who was the man behind The Chipmunks?")
        #expect(test[0].reference.acceptedAnswers == ["David Seville"])
        // '\xc4\x83' in the list: two escaped code points (mojibake of "ă" in the release).
        #expect(test[654].reference.acceptedAnswers == ["S\u{C4}\u{83}o Paulo"])
        // A quoted question whose doubled quotes stand for one; \' inside the list.
        #expect(
            test[4318].fields["question"]
                == #""What was the first pop video directed by John Landis, whose directing credits include ""National Lampoon's Animal House"" and ""The Blues Brothers""?""#
        )
        #expect(
            Array(test[4318].reference.acceptedAnswers.prefix(2)) == [#""Michael Jackson's ""Thriller""""#, "Michael Jackson's Thriller"])
        #expect(test[4318].reference.acceptedAnswers.count == 5)
        #expect(test[2570].reference.acceptedAnswers == ["RUBY", "Ruby "])
        #expect(test[11312].reference.acceptedAnswers.count == 7 && test[11312].fields["answer"] == "Horseshoe pit")
        #expect(dev[0].fields["answer"] == "\u{1F681}" && dev[0].reference.acceptedAnswers.count == 14)
        #expect(dev[3573].reference.acceptedAnswers == [#""""Auld Lang Syne"" by Guy Lombardo's The Royal Canadians""#])
        #expect(
            dev[8459].fields["question"]
                == #"What legendary blues guitarist, best known for his hit "The Thrill Is Gone" , played a guitar he dubbed Lucille?"#)
        #expect(dev[8459].reference.acceptedAnswers.count == 19 && dev[8459].fields["answer"] == "B.B. King's")
        #expect(dev[8836].reference.acceptedAnswers == ["Rock Lobster by the B-52s"])
        #expect(test.map(\.id) == (0..<11313).map(String.init))
    }

    @Test("each question's wrong answer: another dev question's first alias, matching none of its own, seeded and spread")
    func wrongAnswers() throws {
        let dev = try Self.file("dev")
        let firstAliases = Set(dev.map { $0.reference.acceptedAnswers[0] })
        let lmEval = ExactMatchScorer(normalisation: .lmEval), triviaQA = ExactMatchScorer(normalisation: .triviaqa)
        var wrong: [String] = []
        for document in dev {
            guard case let .answerSets(correct, incorrect) = document.reference, incorrect.count == 1 else {
                Issue.record("document \(document.id): \(document.reference)")
                continue
            }
            #expect(firstAliases.contains(incorrect[0]))
            #expect(!lmEval.matches(incorrect[0], answers: correct) && !triviaQA.matches(incorrect[0], answers: correct), "\(document.id)")
            wrong.append(incorrect[0])
        }
        // Drawn, not a neighbour or a constant: thousands of different answers.
        #expect(Set(wrong).count > 4000)
        #expect(zip(wrong.dropLast(), dev.dropFirst()).filter { $0 == $1.reference.acceptedAnswers[0] }.count < 10)
        // The same draw every time, and a split's documents carry their file's draw.
        #expect(try Self.file("dev").map(\.reference) == dev.map(\.reference))
        let pairs = try Self.documents("pairs")
        #expect(pairs.count == 500 && pairs.allSatisfy { dev[Int($0.id)!].reference == $0.reference })
    }

    @Test("a wrong answer is never one of the question's own answers under either normalisation, however often others share them")
    func sharedAnswers() throws {
        // Ten questions answered Paris, spelled as either exact match still matches; one Rome.
        let paris = ["Paris", "PARIS", "paris.", "Paris!", " paris", "Paris?", "The Paris", "paris,", "'Paris'", "Paris"]
        let lines = paris.enumerated().map { "Q\($0)?\t[\"\($1)\"]\r\n" } + ["Q10?\t['Rome']\r\n"]
        let url = URL(fileURLWithPath: try TestPaths.scratchDirectory("triviaqa-shared") + "/shared.qa.csv")
        try Data(lines.joined().utf8).write(to: url)
        let documents = try RealTasks.task("triviaqa").documents(file: "test", at: url)
        for document in documents.prefix(10) {
            guard case let .answerSets(_, incorrect) = document.reference else {
                Issue.record("\(document.reference)")
                continue
            }
            #expect(incorrect == ["Rome"], "question \(document.id)")
        }
    }

    @Test(
        "lm-eval's prompt and generation: Question: …?\\nAnswer:, until newline, period, comma, 256 tokens, greedy; few-shot shows the first alias"
    )
    func prompt() throws {
        let instances = try RealTasks.instances("triviaqa", count: 2)
        guard case let .generateUntil(context, generation) = instances[0].request else {
            Issue.record("not a generation: \(instances[0].request)")
            return
        }
        #expect(context == "Question: Who was the man behind The Chipmunks??\nAnswer:")
        #expect(generation == GenerationSettings(until: ["\n", ".", ","], maxTokens: 256))
        #expect(instances[0].reference.acceptedAnswers == ["David Seville"])
        let shot = try RealTasks.instances("triviaqa", count: 1, fewshot: 1)[0].request.context
        let parts = shot.components(separatedBy: "\n\n")
        #expect(parts.count == 2 && parts[1] == context)
        let pairs = try Self.documents("pairs")
        #expect(
            pairs.contains { parts[0] == "Question: \($0.fields["question"]!)?\nAnswer: \($0.reference.acceptedAnswers[0])" }, "\(parts[0])"
        )
    }

    @Test("splits: test is all of trivia-test, pairs and validation disjoint seeded parts of trivia-dev")
    func splits() throws {
        #expect(try Self.documents("test").count == 11313)
        let pairs = try Self.documents("pairs"), validation = try Self.documents("validation")
        #expect(pairs.count == 500 && validation.count == 200)
        #expect(Set(pairs.map(\.id)).isDisjoint(with: validation.map(\.id)))
    }

    @Test("bad records: a row with three fields, an answers column that is no list, an empty list, an unclosed quote")
    func badRecords() throws {
        func problem(_ text: String) throws -> String {
            let url = URL(fileURLWithPath: try TestPaths.scratchDirectory("triviaqa-bad") + "/t.qa.csv")
            try Data(text.utf8).write(to: url)
            let task = try RealTasks.task("triviaqa")
            let error = try #require(throws: (any Error).self) { try task.documents(file: "test", at: url) }
            return "\(error)"
        }
        let good = "Who?\t['Me']\r\n"
        let fields = try problem(good + "Who?\t['Me']\tx\r\n")
        #expect(fields.contains("t.qa.csv:2:") && fields.contains("has 3 fields where the file has 2"), "\(fields)")
        let list = try problem(good + good + "Who?\t['Me' 'You']\r\n")
        #expect(
            list.contains(
                "t.qa.csv:3: this line has an answers column that is not a Python list of strings: at character 7, expected `,` or `]` after an item"
            ),
            "\(list)")
        #expect(try problem(good + "Who?\tMe\r\n").contains("t.qa.csv:2:"))
        #expect(try problem("Who?\t[]\r\n" + good).contains("t.qa.csv:1: this line lists no answers"))
        #expect(try problem(good + "Who?\t['Me', ' ']\r\n").contains("t.qa.csv:2: this line has an empty answer (item 2 of its list)"))
        #expect(try problem(good + "\"Who?\t['Me']\r\n").contains("t.qa.csv:2:"))
        #expect(try problem("\t['Me']\r\n").contains("t.qa.csv:1: this line has an empty `question`"))
        // One question: no other to draw a wrong answer from.
        #expect(try problem(good).contains("has no question whose first answer is wrong for question 1 (Me)"))
    }
}

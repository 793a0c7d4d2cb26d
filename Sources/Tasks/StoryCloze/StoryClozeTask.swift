import Foundation
import Harness

/// The Story Cloze Test (Spring 2016): four sentences of a story and two endings, gold =
/// the right ending. Fields carry lm-eval's (Hugging Face `story_cloze`) names.
public struct StoryClozeTask: BenchmarkTask {
    public static let name = "storycloze_2016"
    public static let fieldNames: Set<String> = [
        "id", "input_sentence_1", "input_sentence_2", "input_sentence_3", "input_sentence_4", "sentence_quiz1",
        "sentence_quiz2",
    ]
    static let columns = [
        "InputStoryid", "InputSentence1", "InputSentence2", "InputSentence3", "InputSentence4",
        "RandomFifthSentenceQuiz1", "RandomFifthSentenceQuiz2", "AnswerRightEnding",
    ]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        var seen: [String: Int] = [:]
        return try DelimitedText.csv(hasHeader: true).records(at: url, columns: Self.columns).map { record in
            let id = try record.text("InputStoryid")
            if let line = seen[id] {
                throw record.error("repeats the InputStoryid `\(id)` of line \(line)", fix: "give every story its own id")
            }
            seen[id] = record.line
            var fields = ["id": id]
            for i in 1...4 { fields["input_sentence_\(i)"] = try record.text("InputSentence\(i)") }
            fields["sentence_quiz1"] = try record.text("RandomFifthSentenceQuiz1")
            fields["sentence_quiz2"] = try record.text("RandomFifthSentenceQuiz2")
            return Document(id: id, fields: fields, gold: try record.label("AnswerRightEnding", allowed: ["1", "2"]))
        }
    }
}

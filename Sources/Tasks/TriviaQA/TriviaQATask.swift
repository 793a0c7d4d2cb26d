import Engine
import Foundation
import Harness

/// TriviaQA open-domain questions as DPR released them (`trivia-dev.qa.csv`,
/// `trivia-test.qa.csv`): one question per record, a tab, and its answer aliases as a Python
/// list, in a TSV read as Python's `csv.reader` reads it. The reference is the aliases (a
/// generation matching any of them is right) and one wrong answer, for the contrastive pairs:
/// the first alias of another question of the same file, drawn for each question with its
/// own seeded generator and redrawn while it matches one of the question's aliases (under
/// lm-eval's or TriviaQA's normalisation). Fields: id (0-based record), question, answer
/// (the first alias).
public struct TriviaQATask: BenchmarkTask {
    public static let name = "triviaqa"
    public static let fieldNames: Set<String> = ["id", "question", "answer"]
    /// Seeds the draw of each question's wrong answer (mixed with the question's id).
    public static let wrongAnswerSeed: UInt64 = 1234
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        let records = try DelimitedText(delimiter: "\t", hasHeader: false).records(at: url, columns: ["question", "answers"])
        let questions = try records.map { record -> (question: String, aliases: [String]) in
            let aliases: [String]
            do {
                aliases = try PythonStringList.parse(record.string("answers"))
            } catch {
                throw record.error(
                    "has an answers column that is not a Python list of strings: \(error)",
                    fix: "write the answers as Python's repr writes a list of strings, e.g. ['Paris', \"Paris's\"]")
            }
            guard !aliases.isEmpty else { throw record.error("lists no answers", fix: "give every question at least one answer") }
            if let blank = aliases.firstIndex(where: { PythonText.stripped($0).isEmpty }) {
                throw record.error("has an empty answer (item \(blank + 1) of its list)", fix: "remove it or write the answer")
            }
            return (try record.text("question"), aliases)
        }
        let wrong = try Self.wrongAnswers(questions.map(\.aliases), file: url.path)
        return questions.enumerated().map { index, item in
            Document(
                id: String(index), fields: ["id": String(index), "question": item.question, "answer": item.aliases[0]],
                reference: .answerSets(correct: item.aliases, incorrect: [wrong[index]]))
        }
    }

    /// For each question, the first alias of another question that none of its own aliases
    /// matches under either exact match: a generator seeded with `wrongAnswerSeed` and the
    /// question's index picks among the others, again while the pick matches.
    static func wrongAnswers(_ aliases: [[String]], file: String) throws -> [String] {
        let scorers = [ExactMatchScorer(normalisation: .lmEval), ExactMatchScorer(normalisation: .triviaqa)]
        return try aliases.indices.map { i in
            let others = aliases.count - 1
            var generator = SplitMix64(seed: DocumentSeed.mix(wrongAnswerSeed, String(i)))
            // What each exact match compares a prediction with (ExactMatchScorer.matches).
            let own = scorers.map { scorer in Set(aliases[i].map(scorer.normalise)) }
            // A file whose questions nearly all share answers would loop; 1,000 picks is far
            // beyond what distinct questions need (one, nearly always).
            for _ in 0..<(others > 0 ? 1000 : 0) {
                var j = Int(generator.next() % UInt64(others))
                if j >= i { j += 1 }
                let candidate = aliases[j][0]
                if !zip(scorers, own).contains(where: { $1.contains($0.normalise($0.filtered(candidate))) }) { return candidate }
            }
            throw JSONLinesError(
                file: file, line: nil,
                problem: "has no question whose first answer is wrong for question \(i + 1) (\(aliases[i][0]))",
                fix: "use a file of several questions with different answers")
        }
    }
}

import Foundation
import Harness

/// XCOPA (Ponti et al. 2020): COPA translated into 11 languages, one JSONL file per language
/// and split. The card has one variant per language, whose parameters give the connectors
/// lm-eval puts after the premise (`cause`, `effect`); documents carry COPA's fields.
public struct XCOPATask: BenchmarkTask {
    public static let name = "xcopa"
    public static let fieldNames: Set<String> = [
        "id", "premise", "choice1", "choice2", "question", "connector", "premise_stem", "choice1_lcfirst",
        "choice2_lcfirst",
    ]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        guard let cause = card.parameters["cause"], let effect = card.parameters["effect"] else {
            throw HarnessError.invalidInput(
                "task \(card.task) has no `cause`/`effect` connectors in its parameters; run a language (xcopa_et, …)")
        }
        var seen: [String: Int] = [:]
        return try JSONLines.records(at: url).map { record in
            let id = try record.id("idx")
            if let line = seen[id] { throw record.error("repeats the idx `\(id)` of line \(line)", fix: "give every line its own idx") }
            seen[id] = record.line
            let question = try record.string("question")
            guard question == "cause" || question == "effect" else {
                throw record.error("has `question` = \"\(question)\"", fix: "write \"cause\" or \"effect\"")
            }
            var fields = ["id": id, "question": question, "connector": question == "cause" ? cause : effect]
            for key in ["premise", "choice1", "choice2"] {
                let value = try record.string(key)
                guard !value.allSatisfy(\.isWhitespace) else {
                    throw record.error("has an empty `\(key)`", fix: "give every line its `\(key)`")
                }
                fields[key] = value
            }
            // lm-eval: premise.strip()[:-1] (the final full stop, whatever it is), and each
            // choice with its first character lower-cased.
            fields["premise_stem"] = PythonText.strippedDroppingLast(fields["premise"]!)
            fields["choice1_lcfirst"] = PythonText.lowercasingFirst(fields["choice1"]!)
            fields["choice2_lcfirst"] = PythonText.lowercasingFirst(fields["choice2"]!)
            return Document(id: id, fields: fields, gold: try record.label("label", allowed: [0, 1]))
        }
    }
}

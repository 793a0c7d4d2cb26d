import Foundation
import Harness

/// WinoGrande 1.1: a sentence with one blank `_` and two options. For lm-eval's partial
/// evaluation documents carry the sentence before the blank and the rest after it
/// (stripped, as lm-eval's `doc_to_target`); the card's prompt fills the blank with each
/// option (`doc_to_target`) and scores the rest.
public struct WinograndeTask: BenchmarkTask {
    public static let name = "winogrande"
    public static let fieldNames: Set<String> = ["id", "sentence", "option1", "option2", "before_blank", "after_blank"]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        var seen: [String: Int] = [:]
        return try JSONLines.records(at: url).map { record in
            let id = try record.id("qID")
            if let line = seen[id] { throw record.error("repeats the qID `\(id)` of line \(line)", fix: "give every line its own qID") }
            seen[id] = record.line
            let sentence = try record.string("sentence")
            guard let blank = sentence.firstIndex(of: "_") else {
                throw record.error("has a `sentence` without the blank `_`", fix: "mark the blank the options fill with `_`")
            }
            let fields = [
                "id": id, "sentence": sentence, "option1": try record.string("option1"), "option2": try record.string("option2"),
                "before_blank": String(sentence[..<blank]),
                "after_blank": sentence[sentence.index(after: blank)...].trimmingCharacters(in: .whitespacesAndNewlines),
            ]
            let answer = try record.string("answer")
            guard let gold = ["1", "2"].firstIndex(of: answer) else {
                throw record.error("has `answer` = \"\(answer)\"", fix: "write \"1\" or \"2\"")
            }
            return Document(id: id, fields: fields, gold: gold)
        }
    }
}

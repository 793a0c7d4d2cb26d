import Foundation
import Harness

/// BoolQ in Google's original release format (question, title, answer, passage per line),
/// gold = 1 for a true answer (" yes"), 0 for false. `passage` is SuperGLUE's passage, the
/// one lm-eval reads: the title, " -- " and the passage text; `passage_text` is the
/// release's own passage, which SADI's code reads.
public struct BoolQTask: BenchmarkTask {
    public static let name = "boolq"
    public static let fieldNames: Set<String> = ["id", "question", "title", "passage", "passage_text"]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        try JSONLines.records(at: url).enumerated().map { index, record in
            let passage = try nonEmpty(record, "passage")
            let title = try nonEmpty(record, "title")
            let fields = [
                "id": String(index), "question": try nonEmpty(record, "question"), "title": title,
                "passage": title + " -- " + passage, "passage_text": passage,
            ]
            return Document(id: String(index), fields: fields, gold: try record.bool("answer") ? 1 : 0)
        }
    }

    private func nonEmpty(_ record: JSONLinesRecord, _ key: String) throws -> String {
        let value = try record.string(key)
        guard !value.allSatisfy(\.isWhitespace) else {
            throw record.error("has an empty `\(key)`", fix: "give every line its `\(key)`")
        }
        return value
    }
}

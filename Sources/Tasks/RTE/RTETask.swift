import Foundation
import Harness

/// GLUE RTE in the Hugging Face export layout (sentence1, sentence2, label, idx; quoted TSV),
/// gold = 0 for entailment, 1 for not_entailment.
public struct RTETask: BenchmarkTask {
    public static let name = "rte"
    public static let fieldNames: Set<String> = ["id", "sentence1", "sentence2"]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        var seen: [String: Int] = [:]
        return try DelimitedText(delimiter: "\t", hasHeader: true)
            .records(at: url, columns: ["sentence1", "sentence2", "label", "idx"]).map { record in
                let id = try record.text("idx")
                if let line = seen[id] {
                    throw record.error("repeats the idx `\(id)` of line \(line)", fix: "give every record its own idx")
                }
                seen[id] = record.line
                return Document(
                    id: id, fields: ["id": id, "sentence1": try record.text("sentence1"), "sentence2": try record.text("sentence2")],
                    gold: try record.label("label", allowed: ["0", "1"]))
            }
    }
}

import Foundation
import Harness

/// GLUE SST-2 (dev): a sentence as GLUE tokenised it (with its trailing space) and its
/// sentiment, 0 = negative, 1 = positive. GLUE's TSV has no quoting: a quote is text.
public struct SST2Task: BenchmarkTask {
    public static let name = "sst2"
    public static let fieldNames: Set<String> = ["id", "sentence"]
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        try DelimitedText(delimiter: "\t", quoting: .none, hasHeader: true)
            .records(at: url, columns: ["sentence", "label"]).enumerated().map { index, record in
                Document(
                    id: String(index), fields: ["id": String(index), "sentence": try record.text("sentence")],
                    gold: try record.label("label", allowed: ["0", "1"]))
            }
    }
}

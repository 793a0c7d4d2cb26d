import Foundation
import Harness

/// COPA as a task plugin: the original XML release, documents carrying the fields the card's
/// templates use (`COPAPrompt.fields`), gold = the more plausible alternative.
public struct COPATask: BenchmarkTask {
    public static let name = "copa"
    public static let fieldNames = COPAPrompt.fieldNames
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        try COPAXMLParser.parse(contentsOf: url.path).map {
            Document(id: String($0.id), fields: COPAPrompt.fields(of: $0), gold: $0.label)
        }
    }
}

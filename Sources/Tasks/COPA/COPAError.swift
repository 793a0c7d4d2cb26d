import Foundation

/// Why COPA data could not be used. Each description is one sentence naming the file (and
/// line), the item and what is wrong with it, and what would fix it.
public enum COPAError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    case unreadable(file: String, reason: String)
    /// libxml2 rejected the file; `message` is libxml2's own (of the first error).
    case malformed(file: String, line: Int, message: String)
    /// The XML is well formed but is not a COPA corpus (wrong root, stray content, no items).
    case invalidDocument(file: String, line: Int, problem: String)
    /// One item lacks or misstates something; `item` is `item 17` or, with no usable id,
    /// `the 3rd item`.
    case invalidItem(file: String, line: Int, item: String, problem: String, fix: String)
    /// A seeded subset asks for more items than the file has.

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "cannot read COPA file \(file): \(reason); fetch it again (its sha256 is in tasks/copa.yaml)."
        case let .malformed(file, line, message):
            return
                "\(file):\(line): not well-formed XML: \(message); the file is damaged, fetch it again (its sha256 is in tasks/copa.yaml)."
        case let .invalidDocument(file, line, problem):
            return "\(file):\(line): not a COPA corpus: \(problem); use copa-dev.xml or copa-test.xml from COPA-resources.tgz."
        case let .invalidItem(file, line, item, problem, fix):
            return "\(file):\(line): \(item) \(problem); \(fix)."
        }
    }

    public var errorDescription: String? { description }
}

import Foundation

/// Why a TruthfulQA data file could not be read: the file, the entry (mc_task.json's
/// 0-based index, the CSV's line) and the key at fault, what is wrong and what would fix it.
public struct TruthfulQADataError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    public let file: String
    /// "entry 12" or "line 40".
    public let place: String
    public let key: String?
    public let problem: String
    public let fix: String

    public init(file: String, place: String, key: String? = nil, problem: String, fix: String) {
        self.file = file
        self.place = place
        self.key = key
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        "\(file), \(place)\(key.map { ", `\($0)`" } ?? ""): \(problem); \(fix)."
    }

    public var errorDescription: String? { description }
}

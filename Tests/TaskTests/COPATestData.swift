import Foundation
import TaskCOPA
import TestSupport

/// Paths to the COPA release in the shared mirror, its answer files, and scratch files.
enum COPATestData {
    static var directory: String { TestPaths.datasets + "/copa" }
    static var dev: String { directory + "/copa-dev.xml" }
    static var test: String { directory + "/copa-test.xml" }
    static var tasksDirectory: String { TestPaths.repositoryRoot + "/tasks" }
    static var card: String { tasksDirectory + "/copa.yaml" }

    /// The release's answer file: lines `id 1 0` (choice1 correct) or `id 0 1`, as id -> label.
    static func gold(_ name: String) throws -> [Int: Int] {
        let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        var answers: [Int: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ").compactMap { Int($0) }
            guard fields.count == 3, fields[1] + fields[2] == 1 else { throw TestDataError("bad gold line: \(line)") }
            answers[fields[0]] = fields[1] == 1 ? 0 : 1
        }
        return answers
    }

    /// Dev item 1 and test item 501 as the release states them (the parser tests check that
    /// parsing gives exactly these), so prompt tests need no parsing.
    static let devItem1 = COPAItem(
        id: 1, asksFor: .cause, premise: "My body cast a shadow over the grass.",
        choice1: "The sun was rising.", choice2: "The grass was cut.", label: 0)
    static let devItem9 = COPAItem(
        id: 9, asksFor: .effect, premise: "The physician misdiagnosed the patient.",
        choice1: "The patient filed a malpractice lawsuit against the physician.",
        choice2: "The patient disclosed confidential information to the physician.", label: 0)
    static let testItem501 = COPAItem(
        id: 501, asksFor: .cause, premise: "The item was packaged in bubble wrap.",
        choice1: "It was fragile.", choice2: "It was small.", label: 0)

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// A fresh directory under the system temp folder, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("copa-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `contents` to `name` in a fresh temp directory and returns its path.
    static func write(_ contents: String, named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

extension String {
    /// `self` with the one occurrence of `target` replaced; fails the test set-up if
    /// `target` is not there exactly once, so a mutation can never silently miss.
    func replacingOnce(_ target: String, with replacement: String) throws -> String {
        let parts = components(separatedBy: target)
        guard parts.count == 2 else { throw TestDataError("expected `\(target)` exactly once, found \(parts.count - 1)") }
        return parts[0] + replacement + parts[1]
    }

    /// 1-based line number of the first line containing `needle`.
    func lineNumber(of needle: String) -> Int? {
        components(separatedBy: "\n").firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }
}

import Foundation
import Harness
import TestSupport
import Testing

/// The JSON Lines reader scaffolded tasks use: documents from objects, and errors that name
/// the file and line.
@Suite("JSON Lines data files")
struct JSONLinesTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("sadi-jsonl") }

    func write(_ text: String) throws -> URL {
        let url = URL(fileURLWithPath: scratch + "/data-\(UUID().uuidString).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func documents(_ text: String) throws -> [Document] {
        try JSONLines.documents(at: try write(text), fields: ["question"]) { .answers(try $0.strings("answers")) }
    }

    func error(_ text: String) throws -> JSONLinesError {
        try #require(throws: JSONLinesError.self) { try documents(text) }
    }

    @Test("ids may be strings or whole numbers; blank lines and CRLF endings are fine; other keys are ignored")
    func reads() throws {
        let docs = try documents(
            "{\"id\": \"a\", \"question\": \"Q1\", \"answers\": [\"x\"], \"extra\": 3}\r\n\n{\"id\": 7, \"question\": \"Q2\", \"answers\": [\"y\", \"z\"]}\n"
        )
        #expect(
            docs == [
                Document(id: "a", fields: ["question": "Q1"], reference: .answers(["x"])),
                Document(id: "7", fields: ["question": "Q2"], reference: .answers(["y", "z"])),
            ])
    }

    @Test(
        "each bad line is named with its number and the fix",
        arguments: [
            ("{\"id\": \"1\", \"question\": \"Q\", \"answers\": [\"x\"]}\n{\"id\": \"2\", \"question\": \"Q\"", 2, "is not valid JSON"),
            ("[1, 2]", 1, "is JSON but not an object"),
            ("{\"question\": \"Q\", \"answers\": [\"x\"]}", 1, "has no `id`"),
            (
                "{\"id\": true, \"question\": \"Q\", \"answers\": [\"x\"]}", 1,
                "has an `id` that is neither a non-empty string nor a whole number"
            ),
            ("{\"id\": 1.5, \"question\": \"Q\", \"answers\": [\"x\"]}", 1, "has an `id` that is neither"),
            ("{\"id\": 1, \"question\": 3, \"answers\": [\"x\"]}", 1, "has a `question` that is not a string"),
            ("{\"id\": 1, \"question\": \"Q\", \"answers\": []}", 1, "has an `answers` that is not a non-empty list"),
            ("{\"id\": 1, \"question\": \"Q\", \"answers\": [\"x\", 2]}", 1, "has an `answers` with an element that is not a string"),
            (
                "{\"id\": 1, \"question\": \"Q\", \"answers\": [\"x\"]}\n\n{\"id\": \"1\", \"question\": \"Q\", \"answers\": [\"x\"]}", 3,
                "repeats the id `1` of line 1"
            ),
        ])
    func badLines(text: String, line: Int, problem: String) throws {
        let error = try error(text)
        #expect(error.line == line)
        #expect(error.description.hasPrefix("\(error.file):\(line): this line \(problem)"), "\(error)")
        #expect(error.description.hasSuffix("."))
    }

    @Test("an empty file and a missing file are named")
    func wholeFile() throws {
        let empty = try error("\n\n")
        #expect(empty.line == nil && empty.description.contains("the file holds no JSON objects"))
        let missing = try #require(throws: JSONLinesError.self) {
            try JSONLines.records(at: URL(fileURLWithPath: scratch + "/absent.jsonl"))
        }
        #expect(missing.description.hasPrefix(scratch + "/absent.jsonl: the file cannot be read"))
    }

    @Test("a choice index must be a whole number ≥ 0")
    func index() throws {
        let url = try write(
            "{\"id\": 1, \"gold\": 1}\n{\"id\": 2, \"gold\": -1}\n{\"id\": 3, \"gold\": \"0\"}\n{\"id\": 4, \"gold\": false}\n")
        let records = try JSONLines.records(at: url)
        #expect(try records[0].index("gold") == 1)
        for record in records.dropFirst() {
            let error = try #require(throws: JSONLinesError.self) { try record.index("gold") }
            #expect(error.line == record.line && error.problem == "has a `gold` that is not a whole number ≥ 0")
        }
    }
}

import Foundation
import Harness
import TestSupport
import Testing

/// The order-keeping JSON reader TruthfulQA's mc_task.json needs (its answer order is data).
@Suite("OrderedJSON")
struct OrderedJSONTests {
    func parse(_ text: String) throws -> OrderedJSON { try OrderedJSON.parse(Array(text.utf8), file: "t.json") }

    @Test("members keep file order; strings, escapes, numbers, literals and nesting as JSON defines them")
    func values() throws {
        let value = try parse(
            #" {"z": 1, "a": [true, false, null], "m": {"k": -2.5e2, "j": 0}, "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} "#)
        guard case let .object(members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "m", "s"])
        #expect(value["z"] == .number(1) && value["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(value["m"] == .object([.init(key: "k", value: .number(-250)), .init(key: "j", value: .number(0))]))
        #expect(value["s"] == .string("q\"\\/\u{8}\u{C}\n\r\té😀"))
        #expect(value["missing"] == nil && value["a"]?["z"] == nil)
        #expect(try parse("[]") == .array([]) && parse("{}") == .object([]) && parse("\u{FEFF}\"x\"") == .string("x"))
    }

    @Test(
        "syntax errors name the file and line",
        arguments: [
            ("[1,\n2,,3]", 2), ("{\"a\" 1}", 1), ("[\"x\n\"]", 1), ("[01]", 1), ("[1.]", 1), ("[\"\\ud800\"]", 1),
            ("[\"\\q\"]", 1), ("[tru]", 1), ("[1] 2", 1), ("\n\n[", 3), ("{\"a\": 1,}", 1), ("[\"\\u12\"]", 1),
        ])
    func errors(_ text: String, _ line: Int) throws {
        let error = try #require(throws: JSONLinesError.self) { try parse(text) }
        #expect(error.file == "t.json" && error.line == line, "\(error)")
    }

    @Test("nesting deeper than 512 is refused, not a stack overflow")
    func depth() throws {
        let error = try #require(throws: JSONLinesError.self) { try parse(String(repeating: "[", count: 100_000)) }
        #expect(error.description.contains("more than 512 deep"))
    }

    @Test("TruthfulQA's mc_task.json: 817 entries, the same values JSONSerialization reads, the answers in the file's order")
    func realFile() throws {
        let url = URL(fileURLWithPath: TestPaths.datasets + "/truthfulqa/data/v0/mc_task.json")
        guard case let .array(entries) = try OrderedJSON.parse(contentsOf: url) else {
            Issue.record("not a list")
            return
        }
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        #expect(entries.count == 817 && foundation.count == 817)
        for (entry, object) in zip(entries, foundation) {
            #expect(entry["question"] == .string(object["question"] as! String))
            for key in ["mc1_targets", "mc2_targets"] {
                guard case let .object(members)? = entry[key] else {
                    Issue.record("\(key) is not an object")
                    continue
                }
                let labels = object[key] as! [String: Int]
                #expect(Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) }) == labels.mapValues { .number(Double($0)) })
            }
        }
        // The first entry's mc1 answers, as the file lists them (the true one first).
        guard case let .object(first)? = entries[0]["mc1_targets"] else { return }
        #expect(first.map(\.key).first == "Nauru is the smallest country in the world that is at least one square mile in area.")
        #expect(first.map(\.key).last == "The smallest country in the world that is at least one square mile in area is the United States.")
    }
}

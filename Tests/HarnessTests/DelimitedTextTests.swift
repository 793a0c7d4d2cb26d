import Foundation
import Harness
import TestSupport
import Testing

/// CSV/TSV as Python's csv.reader reads it, and malformed files refused with file and line.
@Suite("CSV and TSV data files")
struct DelimitedTextTests {
    let scratch: String
    init() throws { scratch = try TestPaths.scratchDirectory("delimited") }

    func write(_ text: String, _ name: String = "f.csv") throws -> URL {
        let url = URL(fileURLWithPath: scratch + "/" + name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test("quoted fields keep commas, doubled quotes and line breaks; CRLF ends records; no final newline needed")
    func quoting() throws {
        let url = try write("q,a,b\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nplain,\"\",z")
        let records = try DelimitedText.csv(hasHeader: true).records(at: url, columns: ["q", "a", "b"])
        #expect(records.map(\.fields) == [["x, y", "say \"hi\"", "two\nlines"], ["plain", "", "z"]])
        #expect(records.map(\.line) == [2, 4])
    }

    @Test("QUOTE_NONE: a quote is text (GLUE's SST-2)")
    func noQuoting() throws {
        let url = try write("sentence\tlabel\n\"it 's \" good . \t1\n", "f.tsv")
        let records = try DelimitedText(delimiter: "\t", quoting: .none, hasHeader: true).records(at: url, columns: ["sentence", "label"])
        #expect(records.map(\.fields) == [["\"it 's \" good . ", "1"]])
    }

    @Test("malformed input names the file and line: a wrong field count, an unclosed quote, text after a quote, a header")
    func malformed() throws {
        let reader = DelimitedText.csv(hasHeader: false)
        let short = try write("a,b,c\nd,e\n")
        let error = try #require(throws: JSONLinesError.self) { try reader.records(at: short, columns: ["x", "y", "z"]) }
        #expect(error.line == 2 && error.description.contains("has 2 fields where the file has 3"))
        #expect(error.description.hasPrefix(short.path + ":2:"))
        let open = try write("a,\"b\nc,d\n")
        #expect((try #require(throws: JSONLinesError.self) { try reader.records(at: open, columns: ["x", "y"]) }).line == 1)
        let after = try write("a,\"b\"c\n")
        #expect(
            (try #require(throws: JSONLinesError.self) { try reader.records(at: after, columns: ["x", "y"]) }).problem.contains(
                "after the closing quote"))
        let header = try write("x,why\n1,2\n")
        #expect(throws: JSONLinesError.self) { try DelimitedText.csv(hasHeader: true).records(at: header, columns: ["x", "y"]) }
    }

    @Test("a label outside its set names the column and the allowed values")
    func label() throws {
        let url = try write("q,answer\nwhat,E\n")
        let record = try #require(try DelimitedText.csv(hasHeader: true).records(at: url, columns: ["q", "answer"]).first)
        let error = try #require(throws: JSONLinesError.self) { try record.label("answer", allowed: ["A", "B", "C", "D"]) }
        #expect(error.description.contains("`answer` = \"E\"") && error.line == 2)
    }
}

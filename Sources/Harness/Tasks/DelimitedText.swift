import Foundation

/// CSV and TSV data files (MMLU, StoryCloze, GLUE), read as Python's `csv.reader` reads them
/// with the default dialect: a field that starts with a quote runs to the closing quote
/// (doubled quotes inside stand for one, delimiters and line breaks are kept), other
/// fields run to the next delimiter, records end at "\n" or "\r\n". `quoting: .none` is
/// `csv.QUOTE_NONE` (GLUE's SST-2 TSV, where a quote is just a character). Malformed input
/// (text after a closing quote, a quote never closed, a record with the wrong number of
/// fields) is an error naming the file and line, never a silently shifted column.
public struct DelimitedText: Sendable {
    public enum Quoting: Sendable { case minimal, none }

    public let delimiter: Character
    public let quoting: Quoting
    /// The first record names the columns.
    public let hasHeader: Bool

    public init(delimiter: Character, quoting: Quoting = .minimal, hasHeader: Bool) {
        self.delimiter = delimiter
        self.quoting = quoting
        self.hasHeader = hasHeader
    }

    public static func csv(hasHeader: Bool) -> DelimitedText { DelimitedText(delimiter: ",", hasHeader: hasHeader) }

    /// Every record of the file after the header, with the line it starts on. `columns`
    /// names the fields of a file without a header (and checks a header's names when given).
    public func records(at url: URL, columns expected: [String]? = nil) throws -> [DelimitedRecord] {
        let file = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw JSONLinesError(
                file: file, line: nil, problem: "cannot be read (\(error.localizedDescription))",
                fix: "check the path, or fetch the file again")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JSONLinesError(file: file, line: nil, problem: "is not UTF-8 text", fix: "fetch the file again; its sha256 is checked")
        }
        var rows = try parse(text, file: file)
        let columns: [String]
        if hasHeader {
            guard !rows.isEmpty else {
                throw JSONLinesError(file: file, line: nil, problem: "is empty", fix: "fetch the file again")
            }
            let header = rows.removeFirst()
            columns = header.fields.map { $0.hasPrefix("\u{FEFF}") ? String($0.dropFirst()) : $0 }
            if let expected, columns != expected {
                throw JSONLinesError(
                    file: file, line: 1,
                    problem: "has the columns \(columns.joined(separator: ", ")), expected \(expected.joined(separator: ", "))",
                    fix: "use the file the task's card names (its sha256 is checked)")
            }
        } else {
            guard let expected else { preconditionFailure("a file without a header needs its column names") }
            columns = expected
        }
        guard !rows.isEmpty else {
            throw JSONLinesError(file: file, line: nil, problem: "holds no records", fix: "fetch the file again")
        }
        let index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        return try rows.map { row in
            guard row.fields.count == columns.count else {
                throw JSONLinesError(
                    file: file, line: row.line,
                    problem: "has \(row.fields.count) fields where the file has \(columns.count) (\(columns.joined(separator: ", ")))",
                    fix: "repair the record or fetch the file again")
            }
            return DelimitedRecord(file: file, line: row.line, columns: index, fields: row.fields)
        }
    }

    struct Row {
        let line: Int
        let fields: [String]
    }

    /// Splits the text into records of fields. Works on Unicode scalars so "\r\n" is two
    /// characters here, as in Python.
    func parse(_ text: String, file: String) throws -> [Row] {
        let delimiter = self.delimiter.unicodeScalars.first!
        var rows: [Row] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoted = false  // the current field began with a quote
        var afterClosingQuote = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            quoted = false
            afterClosingQuote = false
        }
        func endRecord() {
            endField()
            // A blank line is no record (csv.reader yields [] for it, which readers skip).
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: recordLine, fields: fields)) }
            fields = []
        }

        while let scalar = pending {
            pending = scalars.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = scalars.next()
                    } else {
                        inQuotes = false
                        afterClosingQuote = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case delimiter:
                endField()
            case "\r" where pending == "\n":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"" where quoting == .minimal && field.isEmpty && !quoted:
                inQuotes = true
                quoted = true
            default:
                if afterClosingQuote {
                    throw JSONLinesError(
                        file: file, line: line, problem: "has text after the closing quote of a field",
                        fix: "double the quotes inside a quoted field (\"\" for \")")
                }
                field.append(scalar)
            }
        }
        if inQuotes {
            throw JSONLinesError(
                file: file, line: recordLine, problem: "opens a quoted field that is never closed",
                fix: "close the quote, or fetch the file again")
        }
        if !field.isEmpty || !fields.isEmpty || quoted { endRecord() }
        return rows
    }
}

/// One record of a CSV/TSV file, whose accessors fail with the file, line and column.
public struct DelimitedRecord: Sendable {
    public let file: String
    public let line: Int
    let columns: [String: Int]
    public let fields: [String]

    public func error(_ problem: String, fix: String) -> JSONLinesError {
        JSONLinesError(file: file, line: line, problem: problem, fix: fix)
    }

    /// The column's text (the column exists: `records` checked the header).
    public func string(_ column: String) -> String { fields[columns[column]!] }

    /// The column's text, which must not be empty or only whitespace.
    public func text(_ column: String) throws -> String {
        let value = string(column)
        guard !value.allSatisfy(\.isWhitespace) else {
            throw error("has an empty `\(column)`", fix: "give every record its `\(column)`")
        }
        return value
    }

    /// The column as one of `allowed` (a label), as its index there.
    public func label(_ column: String, allowed: [String]) throws -> Int {
        let value = string(column)
        guard let index = allowed.firstIndex(of: value) else {
            throw error(
                "has `\(column)` = \"\(value)\", not one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))",
                fix: "write one of those labels")
        }
        return index
    }
}

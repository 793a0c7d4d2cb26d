import Foundation

/// JSON Lines data files (one JSON object per line), as task plugins scaffolded by
/// `swift package new-task` read them. Read with JSONSerialization; every error names the
/// file and the line at fault and what would fix it. Blank lines are skipped.
public enum JSONLines {
    /// Every object of the file, with its 1-based line number.
    public static func records(at url: URL) throws -> [JSONLinesRecord] {
        let file = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw JSONLinesError(
                file: file, line: nil, problem: "cannot be read (\(error.localizedDescription))",
                fix: "check the path, or fetch the file again")
        }
        var records: [JSONLinesRecord] = []
        var lineNumber = 0
        for var line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            let value: Any
            do { value = try JSONSerialization.jsonObject(with: Data(line)) } catch {
                throw JSONLinesError(
                    file: file, line: lineNumber, problem: "is not valid JSON",
                    fix: "write one JSON object per line, e.g. {\"id\": \"1\", ...}")
            }
            guard let object = value as? [String: Any] else {
                throw JSONLinesError(
                    file: file, line: lineNumber, problem: "is JSON but not an object",
                    fix: "write one JSON object per line, e.g. {\"id\": \"1\", ...}")
            }
            records.append(JSONLinesRecord(file: file, line: lineNumber, object: object))
        }
        guard !records.isEmpty else {
            throw JSONLinesError(file: file, line: nil, problem: "holds no JSON objects", fix: "write one JSON object per line")
        }
        return records
    }

    /// One document per object: its id from `"id"` (a string or a whole number, unique in the
    /// file), a field for each name in `fields` (each a string in every object), and the
    /// reference `reference` reads from the object.
    public static func documents(
        at url: URL, fields: Set<String>,
        reference: (JSONLinesRecord) throws -> Reference
    ) throws -> [Document] {
        var lines: [String: Int] = [:]
        return try records(at: url).map { record in
            let id = try record.id()
            if let first = lines[id] {
                throw record.error("repeats the id `\(id)` of line \(first)", fix: "give every line its own id")
            }
            lines[id] = record.line
            var values: [String: String] = [:]
            for name in fields.sorted() { values[name] = try record.string(name) }
            return Document(id: id, fields: values, reference: try reference(record))
        }
    }
}

/// One object of a JSON Lines file, whose accessors fail with the file and line.
public struct JSONLinesRecord {
    public let file: String
    public let line: Int
    public let object: [String: Any]

    public init(file: String, line: Int, object: [String: Any]) {
        self.file = file
        self.line = line
        self.object = object
    }

    public func error(_ problem: String, fix: String) -> JSONLinesError {
        JSONLinesError(file: file, line: line, problem: problem, fix: fix)
    }

    /// "a `gold`", "an `id`".
    private func a(_ key: String) -> String {
        ("aeiou".contains(key.prefix(1).lowercased()) ? "an `" : "a `") + key + "`"
    }

    private func value(_ key: String) throws -> Any {
        guard let value = object[key], !(value is NSNull) else {
            throw error("has no `\(key)`", fix: "give every line its `\(key)`")
        }
        return value
    }

    /// `key`'s value, which must be a string.
    public func string(_ key: String) throws -> String {
        guard let string = try value(key) as? String else {
            throw error("has \(a(key)) that is not a string", fix: "write it as a JSON string")
        }
        return string
    }

    /// The document id: a non-empty string, or a whole number written as one.
    public func id(_ key: String = "id") throws -> String {
        let value = try value(key)
        if let string = value as? String, !string.isEmpty { return string }
        if let number = wholeNumber(value) { return String(number) }
        throw error("has \(a(key)) that is neither a non-empty string nor a whole number", fix: "write it as \"17\" or 17")
    }

    /// `key`'s value, which must be a whole number ≥ 0 (a choice index).
    public func index(_ key: String) throws -> Int {
        let value = try value(key)
        guard let number = wholeNumber(value), number >= 0 else {
            throw error("has \(a(key)) that is not a whole number ≥ 0", fix: "write the right choice's index, counting from 0")
        }
        return number
    }

    /// A JSON number without a fraction; not `true`/`false`, which Foundation also bridges to
    /// Int (JSONSerialization gives them as NSNumbers of ObjC type `c`).
    private func wholeNumber(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !(value is String),
            String(cString: number.objCType) != "c"
        else { return nil }
        return value as? Int
    }

    /// `key`'s value, which must be `true` or `false`.
    public func bool(_ key: String) throws -> Bool {
        let value = try value(key)
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
            throw error("has \(a(key)) that is not true or false", fix: "write it as a JSON boolean")
        }
        return number.boolValue
    }

    /// `key`'s value, which must be a whole number equal to one of `allowed`, as its index there.
    public func label(_ key: String, allowed: [Int]) throws -> Int {
        let value = try value(key)
        guard let number = wholeNumber(value), let index = allowed.firstIndex(of: number) else {
            throw error(
                "has \(a(key)) that is not one of \(allowed.map(String.init).joined(separator: ", "))",
                fix: "write one of those labels")
        }
        return index
    }

    /// `key`'s value, which must be a non-empty list of strings.
    public func strings(_ key: String) throws -> [String] {
        guard let list = try value(key) as? [Any], !list.isEmpty else {
            throw error("has \(a(key)) that is not a non-empty list", fix: "write it as [\"answer\", \"another answer\"]")
        }
        return try list.map { element in
            guard let string = element as? String else {
                throw error("has \(a(key)) with an element that is not a string", fix: "write every element as a JSON string")
            }
            return string
        }
    }
}

/// Why a JSON Lines data file could not be read: one sentence naming the file, the line,
/// what is wrong and what would fix it.
public struct JSONLinesError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    public let file: String
    public let line: Int?
    public let problem: String
    public let fix: String

    public init(file: String, line: Int?, problem: String, fix: String) {
        self.file = file
        self.line = line
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): \(line == nil ? "the file" : "this line") \(problem); \(fix)."
    }

    public var errorDescription: String? { description }
}

import Foundation

/// A JSON document whose objects keep their members in file order, as Python's `json.load`
/// does. Foundation's JSONSerialization returns dictionaries, whose order is lost; a data
/// file that keys answers by their text and lists them in order (TruthfulQA's mc_task.json,
/// where the order says which answer is the right one) needs it kept.
public indirect enum OrderedJSON: Sendable, Hashable {
    case object([Member])
    case array([OrderedJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public struct Member: Sendable, Hashable {
        public let key: String
        public let value: OrderedJSON

        public init(key: String, value: OrderedJSON) {
            self.key = key
            self.value = value
        }
    }

    /// The value of the first member named `key`, for an object.
    public subscript(key: String) -> OrderedJSON? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Parses a whole file; a syntax error names the file and the line.
    public static func parse(contentsOf url: URL) throws -> OrderedJSON {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw JSONLinesError(
                file: url.path, line: nil, problem: "cannot be read (\(error.localizedDescription))",
                fix: "check the path, or fetch the file again")
        }
        return try parse(Array(data), file: url.path)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws -> OrderedJSON {
        var parser = Parser(bytes: bytes, file: file)
        return try parser.document()
    }

    /// A recursive-descent reader of RFC 8259 JSON over UTF-8 bytes.
    private struct Parser {
        let bytes: [UInt8]
        let file: String
        var position = 0
        var line = 1
        /// Deeper nesting than any data file needs is refused rather than risking the stack.
        static let maximumDepth = 512

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
            // A UTF-8 byte order mark is not JSON, but Python's utf-8-sig reading tolerates it.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        func error(_ problem: String) -> JSONLinesError {
            JSONLinesError(file: file, line: line, problem: problem, fix: "fetch the file again; it is not valid JSON")
        }

        mutating func document() throws -> OrderedJSON {
            let value = try self.value(depth: 0)
            skipSpace()
            guard position == bytes.count else { throw error("has text after the JSON value") }
            return value
        }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\n"): line += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
                default: return
                }
                position += 1
            }
        }

        mutating func expect(_ literal: String) throws {
            let expected = Array(literal.utf8)
            guard bytes.count - position >= expected.count, Array(bytes[position..<position + expected.count]) == expected else {
                throw error("has something other than `\(literal)` where a JSON value goes")
            }
            position += expected.count
        }

        mutating func value(depth: Int) throws -> OrderedJSON {
            guard depth < Self.maximumDepth else { throw error("nests arrays and objects more than \(Self.maximumDepth) deep") }
            skipSpace()
            guard position < bytes.count else { throw error("ends where a JSON value goes") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            default: return .number(try number())
            }
        }

        mutating func object(depth: Int) throws -> OrderedJSON {
            position += 1
            var members: [Member] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw error("has an object key that is not a string")
                }
                let key = try string()
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("has no `:` after an object key") }
                position += 1
                members.append(Member(key: key, value: try value(depth: depth + 1)))
                skipSpace()
                guard position < bytes.count else { throw error("ends inside an object") }
                if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                guard bytes[position] == UInt8(ascii: ",") else { throw error("has no `,` or `}` after an object member") }
                position += 1
            }
        }

        mutating func array(depth: Int) throws -> OrderedJSON {
            position += 1
            var elements: [OrderedJSON] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                elements.append(try value(depth: depth + 1))
                skipSpace()
                guard position < bytes.count else { throw error("ends inside an array") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                guard bytes[position] == UInt8(ascii: ",") else { throw error("has no `,` or `]` after an array element") }
                position += 1
            }
        }

        mutating func string() throws -> String {
            position += 1
            var utf8: [UInt8] = []
            while true {
                guard position < bytes.count else { throw error("ends inside a string") }
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: utf8, as: UTF8.self) else { throw error("has a string that is not UTF-8") }
                    return text
                case UInt8(ascii: "\\"):
                    try escape(into: &utf8)
                case 0..<0x20:
                    throw error("has a control character inside a string (write it as an escape)")
                default:
                    utf8.append(byte)
                }
            }
        }

        mutating func escape(into utf8: inout [UInt8]) throws {
            guard position < bytes.count else { throw error("ends inside a string") }
            let byte = bytes[position]
            position += 1
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
                UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
            ]
            if let replacement = simple[byte] {
                utf8.append(replacement)
                return
            }
            guard byte == UInt8(ascii: "u") else { throw error("has an unknown escape `\\\(Character(Unicode.Scalar(byte)))`") }
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
                // A high surrogate must be followed by an escaped low one.
                guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("has an unpaired surrogate escape")
                }
                position += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("has an unpaired surrogate escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("has an unpaired surrogate escape") }
            utf8 += Array(String(Character(scalar)).utf8)
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - position >= 4 else { throw error("ends inside a \\u escape") }
            guard let text = String(bytes: bytes[position..<position + 4], encoding: .ascii),
                text.allSatisfy(\.isHexDigit), let value = UInt32(text, radix: 16)
            else { throw error("has a \\u escape without four hex digits") }
            position += 4
            return value
        }

        /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws -> Double {
            let start = position
            func digits() -> Int {
                let first = position
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
                return position - first
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
            let integer = position
            guard digits() > 0 else { throw error("has something other than a JSON value") }
            if bytes[integer] == UInt8(ascii: "0"), position - integer > 1 { throw error("has a number with a leading zero") }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("has a number with no digits after its `.`") }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("has a number with no digits in its exponent") }
            }
            guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else {
                throw error("has a number that is out of range")
            }
            return value
        }
    }
}

/// A Python list of strings written as Python's `repr` writes it, read as `ast.literal_eval`
/// reads it: `['David Seville', "Michael Jackson's Thriller", 'S\xc3o Paulo']`. Strings are
/// single- or double-quoted with the escapes of a Python string literal (`\\ \' \" \n \r \t
/// \a \b \f \v`, octal `\0`–`\777`, `\xhh`, `\uhhhh`, `\Uhhhhhhhh`, a backslash before a line
/// break continues the line, and any other backslash stays as it is, as Python keeps it);
/// whitespace may surround items and one trailing comma may end the list. What `repr` never
/// writes (prefixed, triple-quoted or adjacent strings, `\N{name}`, lone surrogates, other
/// values) is refused with the position and what was expected there.
public enum PythonStringList {
    /// Why a text is not such a list: at `offset` (0-based, in Unicode code points, as
    /// Python counts string positions) `expected` was expected.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let expected: String

        public init(offset: Int, expected: String) {
            self.offset = offset
            self.expected = expected
        }

        public var description: String { "at character \(offset + 1), expected \(expected)" }
    }

    public static func parse(_ text: String) throws(Failure) -> [String] {
        var reader = Reader(Array(text.unicodeScalars))
        return try reader.list()
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        func failure(_ expected: String, at offset: Int? = nil) -> Failure {
            Failure(offset: offset ?? position, expected: expected)
        }

        /// Whitespace between tokens inside brackets (line breaks included, as Python allows there).
        mutating func skipSpace() {
            while let scalar = current, [" ", "\t", "\n", "\r", "\u{0C}"].contains(scalar) { position += 1 }
        }

        mutating func list() throws(Failure) -> [String] {
            skipSpace()
            guard current == "[" else { throw failure("`[` opening the list") }
            position += 1
            var items: [String] = []
            skipSpace()
            while current != "]" {
                items.append(try string())
                skipSpace()
                if current == "," {
                    position += 1
                    skipSpace()
                } else if current != "]" {
                    throw failure(current == nil ? "`,` or `]` (the list is not closed)" : "`,` or `]` after an item")
                }
            }
            position += 1
            skipSpace()
            guard current == nil else { throw failure("the end of the text after the closing `]`") }
            return items
        }

        mutating func string() throws(Failure) -> String {
            guard let quote = current, quote == "'" || quote == "\"" else {
                throw failure(current == nil ? "a quoted string or `]` (the list is not closed)" : "a quoted string")
            }
            let start = position
            position += 1
            var value = String.UnicodeScalarView()
            while true {
                guard let scalar = current else { throw failure("the closing \(quote) of the string opened at character \(start + 1)") }
                position += 1
                switch scalar {
                case quote:
                    return String(value)
                case "\n", "\r":
                    throw failure(
                        "the closing \(quote) of the string opened at character \(start + 1) before the line ends", at: position - 1)
                case "\\":
                    try escape(into: &value)
                default:
                    value.append(scalar)
                }
            }
        }

        /// After a backslash: the escape's value appended to `value`.
        mutating func escape(into value: inout String.UnicodeScalarView) throws(Failure) {
            let backslash = position - 1
            guard let scalar = current else { throw failure("an escaped character after the backslash") }
            position += 1
            switch scalar {
            case "\\", "'", "\"": value.append(scalar)
            case "n": value.append("\n")
            case "r": value.append("\r")
            case "t": value.append("\t")
            case "a": value.append("\u{07}")
            case "b": value.append("\u{08}")
            case "f": value.append("\u{0C}")
            case "v": value.append("\u{0B}")
            case "\n": break  // a line continuation
            case "\r": if current == "\n" { position += 1 }
            case "0"..."7":
                var code = scalar.value - 0x30
                for _ in 0..<2 {
                    guard let next = current, ("0"..."7").contains(next) else { break }
                    code = code * 8 + next.value - 0x30
                    position += 1
                }
                try append(code, to: &value, escapeAt: backslash)
            case "x", "u", "U":
                let digits = scalar == "x" ? 2 : scalar == "u" ? 4 : 8
                var code: UInt32 = 0
                for _ in 0..<digits {
                    guard let next = current, let digit = hexValue(next) else {
                        throw failure("\(digits) hexadecimal digits after `\\\(scalar)`")
                    }
                    code = code * 16 + digit
                    position += 1
                }
                try append(code, to: &value, escapeAt: backslash)
            case "N":
                throw failure("an escape other than `\\N{…}` (character names are not supported)", at: backslash)
            default:
                // Python keeps an unknown escape as written.
                value.append("\\")
                value.append(scalar)
            }
        }

        func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
            switch scalar {
            case "0"..."9": return scalar.value - 0x30
            case "a"..."f": return scalar.value - 0x61 + 10
            case "A"..."F": return scalar.value - 0x41 + 10
            default: return nil
            }
        }

        func append(_ code: UInt32, to value: inout String.UnicodeScalarView, escapeAt offset: Int) throws(Failure) {
            guard let scalar = Unicode.Scalar(code) else {
                throw failure(
                    code > 0x10FFFF
                        ? "a code point up to \\U0010ffff"
                        : "an escape that is not a lone surrogate (U+\(String(code, radix: 16, uppercase: true)))",
                    at: offset)
            }
            value.append(scalar)
        }
    }
}

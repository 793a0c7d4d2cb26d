import Harness
import Testing

/// DPR's answer lists are Python's repr of a list of strings; the reader gives what
/// `ast.literal_eval` gives (the expected values below are CPython 3.11's).
@Suite("Python string lists")
struct PythonStringListTests {
    @Test("repr's output: both quote styles, escaped quotes and backslashes, \\x \\u \\U escapes, characters as they are")
    func reprOutput() throws {
        // repr(["O'Neill", 'It\'s "quoted"', 'back\\slash', 'tab\there', 'nl\nx', '\x83ctl',
        //       'soft\xadhyphen', 'nb\xa0sp', '\uf092pua', '🚁', 'é', '’curly', '\x00nul', '\x7f'])
        let text =
            #"["O'Neill", 'It\'s "quoted"', 'back\\slash', 'tab\there', 'nl\nx', '\x83ctl', 'soft\xadhyphen', 'nb\xa0sp', '\uf092pua', '🚁', 'é', '’curly', '\x00nul', '\x7f']"#
        #expect(
            try PythonStringList.parse(text) == [
                "O'Neill", "It's \"quoted\"", "back\\slash", "tab\there", "nl\nx", "\u{83}ctl", "soft\u{AD}hyphen", "nb\u{A0}sp",
                "\u{F092}pua", "\u{1F681}", "é", "\u{2019}curly", "\u{0}nul", "\u{7F}",
            ])
    }

    @Test("what literal_eval also reads: a trailing comma, spaces and line breaks, octal, unknown escapes kept, line continuations")
    func literalForms() throws {
        #expect(try PythonStringList.parse("['a',]") == ["a"])
        #expect(try PythonStringList.parse("[ 'a' ,\n 'b' ]") == ["a", "b"])
        #expect(try PythonStringList.parse("[]") == [])
        #expect(try PythonStringList.parse(#"['\101\x42\u0043\U00000044']"#) == ["ABCD"])
        #expect(try PythonStringList.parse(#"['\q']"#) == ["\\q"])
        #expect(try PythonStringList.parse("['a\\\nb']") == ["ab"])
        #expect(try PythonStringList.parse(#"['\0', '\777', '\a\b\f\v\r']"#) == ["\u{0}", "\u{1FF}", "\u{7}\u{8}\u{C}\u{B}\r"])
    }

    @Test("anything else names the character and what was expected there")
    func failures() {
        func failure(_ text: String) -> PythonStringList.Failure? {
            do {
                _ = try PythonStringList.parse(text)
                return nil
            } catch { return error }
        }
        #expect(failure("'a'") == .init(offset: 0, expected: "`[` opening the list"))
        #expect(failure("['a' 'b']") == .init(offset: 5, expected: "`,` or `]` after an item"))
        #expect(failure("['a', 1]") == .init(offset: 6, expected: "a quoted string"))
        #expect(failure("['a'") == .init(offset: 4, expected: "`,` or `]` (the list is not closed)"))
        #expect(failure("['a', ") == .init(offset: 6, expected: "a quoted string or `]` (the list is not closed)"))
        #expect(failure("['ab]") == .init(offset: 5, expected: "the closing ' of the string opened at character 2"))
        #expect(failure("['a\nb']") == .init(offset: 3, expected: "the closing ' of the string opened at character 2 before the line ends"))
        #expect(failure("['a'] x") == .init(offset: 6, expected: "the end of the text after the closing `]`"))
        #expect(failure(#"['\x4']"#) == .init(offset: 5, expected: #"2 hexadecimal digits after `\x`"#))
        #expect(failure(#"['\ud83d']"#)?.expected.contains("lone surrogate (U+D83D)") == true)
        #expect(failure(#"['\U00110000']"#) == .init(offset: 2, expected: "a code point up to \\U0010ffff"))
        #expect(failure(#"['\N{BULLET}']"#)?.offset == 2)
        #expect(failure("['a\\") == .init(offset: 4, expected: "an escaped character after the backslash"))
        #expect(failure(#"["a"]"#) == nil)
        #expect(failure("['ab]")?.description == "at character 6, expected the closing ' of the string opened at character 2")
    }
}

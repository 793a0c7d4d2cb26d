import Foundation

/// String operations lm-eval's `utils.py` functions do in Python, on code points as Python
/// does (a Swift `Character` is a grapheme cluster: a Tamil or Thai vowel sign would go
/// with the letter before it).
public enum PythonText {
    /// `text.strip()[:-1]`: surrounding whitespace removed, then the last code point.
    public static func strippedDroppingLast(_ text: String) -> String {
        var scalars = text.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars
        if !scalars.isEmpty { scalars.removeLast() }
        return String(scalars)
    }

    /// Python's `str.isspace` for one code point: Unicode's whitespace and the separators
    /// U+001C–U+001F.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    /// `text.strip()`: the whitespace Python's `str.isspace` knows removed from both ends.
    public static func stripped(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `text[0].lower() + text[1:]` (full Unicode lower-casing: "İ" becomes two code points).
    public static func lowercasingFirst(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        return String(first).lowercased() + String(text.unicodeScalars.dropFirst())
    }

    /// `text.split()`: the runs of text between whitespace, none of them empty.
    public static func words(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: isSpace).map { String(String.UnicodeScalarView($0)) }
    }

    /// `text.lower()`: each code point's full lower-case mapping ("İ" becomes "i̇"), and a
    /// capital sigma at the end of a word becoming the final "ς" (Unicode's Final_Sigma
    /// condition, which Python applies and a per-code-point mapping does not).
    public static func lowercased(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            if scalar.isASCII {
                // The common case, without building a mapping string per character.
                result.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else if scalar == "\u{03A3}" {
                result.append(isFinalSigma(at: i, in: scalars) ? "\u{03C2}" : "\u{03C3}")
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(result)
    }

    /// A cased letter before it (skipping case-ignorable ones), and none after it.
    private static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        let before = scalars[..<index].last { !$0.properties.isCaseIgnorable }
        guard let before, before.properties.isCased else { return false }
        let after = scalars[(index + 1)...].first { !$0.properties.isCaseIgnorable }
        return after.map { !$0.properties.isCased } ?? true
    }

    /// A character Python's regular expressions count as a word character (`\w` and what
    /// `\b` stands between): a letter (`str.isalpha`), a character with a numeric value
    /// (`str.isnumeric`, digits included), or the underscore.
    public static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return scalar == "_" || scalar.properties.numericType != nil
        }
    }

    /// Python's `string.punctuation`: the 32 ASCII punctuation and symbol characters.
    public static let asciiPunctuation: Set<Unicode.Scalar> = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)
}

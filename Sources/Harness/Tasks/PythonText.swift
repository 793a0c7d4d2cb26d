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

    /// `text.strip()`: the whitespace Python's `str.isspace` knows (Unicode's, and the
    /// separators U+001C–U+001F) removed from both ends.
    public static func stripped(_ text: String) -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value) }
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
}

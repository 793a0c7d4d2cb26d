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

    /// `text[0].lower() + text[1:]` (full Unicode lower-casing: "İ" becomes two code points).
    public static func lowercasingFirst(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        return String(first).lowercased() + String(text.unicodeScalars.dropFirst())
    }
}

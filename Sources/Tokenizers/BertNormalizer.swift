import Foundation

/// BERT's text normalisation, tokenizer.json's `BertNormalizer` (the first half of
/// transformers' BasicTokenizer), in the order the tokenizers library applies it:
///
/// 1. `clean_text`: drop NUL, U+FFFD and control characters (general category C*, except tab,
///    newline and carriage return); turn every whitespace character into a space;
/// 2. `handle_chinese_chars`: put a space on each side of every CJK ideograph, so each becomes
///    a word of its own;
/// 3. `strip_accents` (unset: follows `lowercase`): decompose (NFD) and drop the non-spacing
///    marks, so "café" becomes "cafe";
/// 4. `lowercase`: each character's full lower-case mapping ("İ" → "i̇"), with no context rules.
public struct BertNormalizer: Sendable, Equatable {
    public var cleansText: Bool
    public var separatesChineseCharacters: Bool
    /// nil: strip accents exactly when lower-casing (BertTokenizer's default).
    public var stripsAccents: Bool?
    public var lowercases: Bool

    /// transformers' BertTokenizer defaults: everything on, accents stripped because text is lower-cased.
    public init(cleansText: Bool = true, separatesChineseCharacters: Bool = true, stripsAccents: Bool? = nil, lowercases: Bool = true) {
        self.cleansText = cleansText
        self.separatesChineseCharacters = separatesChineseCharacters
        self.stripsAccents = stripsAccents
        self.lowercases = lowercases
    }

    /// Whether accents are stripped, once the unset default is resolved.
    public var stripsAccentsResolved: Bool { stripsAccents ?? lowercases }

    public func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            var scalar = scalar
            if cleansText {
                if Self.isRemovedByCleaning(scalar) { continue }
                if Self.isWhitespace(scalar) { scalar = " " }
            }
            if separatesChineseCharacters, Self.isChineseCharacter(scalar) {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        var result = String(scalars)
        if stripsAccentsResolved {
            var kept = String.UnicodeScalarView()
            for scalar in result.decomposedStringWithCanonicalMapping.unicodeScalars
            where scalar.properties.generalCategory != .nonspacingMark {
                kept.append(scalar)
            }
            result = String(kept)
        }
        if lowercases {
            var lowered = ""
            lowered.reserveCapacity(result.utf8.count)
            for scalar in result.unicodeScalars {
                // ASCII needs no table lookup; everything else takes its full mapping.
                if scalar.value < 0x80 {
                    lowered.unicodeScalars.append(
                        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 32)! : scalar)
                } else {
                    lowered += scalar.properties.lowercaseMapping
                }
            }
            result = lowered
        }
        return result
    }

    /// Tab, newline and carriage return count as whitespace, never as control characters.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// NUL, the replacement character and every "other" character (control, format,
    /// surrogate, private use, unassigned) except the three whitespace controls.
    static func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value == 0 || scalar.value == 0xFFFD { return true }
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility blocks, as
    /// the tokenizers library (which transformers runs) lists them: its fifth range starts at
    /// U+2B920, so the first 256 ideographs of Extension E (U+2B820–U+2B91F), which
    /// transformers' Python BasicTokenizer includes, stay inside words.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}

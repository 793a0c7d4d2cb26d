/// BERT's word split (tokenizer.json's `BertPreTokenizer`, the second half of transformers'
/// BasicTokenizer), run on normalised text: whitespace separates words and is dropped, and
/// every punctuation character is a word of its own ("e-mail" → "e", "-", "mail").
enum BertPreTokenizer {
    /// The words of `text` (valid UTF-8), as byte ranges into it, in order.
    static func split(_ text: UnsafeBufferPointer<UInt8>, into words: inout [Range<Int>]) {
        var start = 0
        var i = 0
        while i < text.count {
            let (scalar, length) = decode(text, at: i)
            if scalar.properties.isWhitespace {
                if i > start { words.append(start..<i) }
                start = i + length
            } else if isPunctuation(scalar) {
                if i > start { words.append(start..<i) }
                words.append(i..<(i + length))
                start = i + length
            }
            i += length
        }
        if text.count > start { words.append(start..<text.count) }
    }

    /// ASCII punctuation (every printable non-alphanumeric ASCII character, `$`, `+`, `^` and
    /// `` ` `` included) or a character of a Unicode punctuation category (P*).
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        case 0..<128: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The code point starting at byte `i` of valid UTF-8 and its length in bytes.
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(text[i])
        if lead < 0x80 { return (Unicode.Scalar(UInt8(lead)), 1) }
        var (value, length) = lead < 0xE0 ? (lead & 0x1F, 2) : lead < 0xF0 ? (lead & 0x0F, 3) : (lead & 0x07, 4)
        length = min(length, text.count - i)
        for k in 1..<length { value = value << 6 | (UInt32(text[i + k]) & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}

/// The Unicode classes the pre-tokenizer rules test: `\p{L}`, `\p{N}`, `\s` (the White_Space
/// property) and `\p{P}`.
struct CharacterClass: OptionSet, Sendable {
    let rawValue: UInt8

    static let letter = CharacterClass(rawValue: 1 << 0)
    static let number = CharacterClass(rawValue: 1 << 1)
    static let whitespace = CharacterClass(rawValue: 1 << 2)
    static let punctuation = CharacterClass(rawValue: 1 << 3)
    /// Set for every assigned code point. llama.cpp gives unassigned ones no class at all, so
    /// they never join a `[^\s\p{L}\p{N}]+` run; we follow it.
    static let assigned = CharacterClass(rawValue: 1 << 4)

    var isLetter: Bool { contains(.letter) }
    var isNumber: Bool { contains(.number) }
    var isWhitespace: Bool { contains(.whitespace) }
    /// `[^\s\p{L}\p{N}]` restricted to assigned code points.
    var isOther: Bool { rawValue & 0b10111 == CharacterClass.assigned.rawValue }

    /// Classes of U+0000..U+00FF, the code points of nearly all English and code text.
    static let latin1: [CharacterClass] = (0..<256).map { compute(UInt32($0)) }

    @inline(__always)
    static func of(_ codePoint: UInt32) -> CharacterClass {
        codePoint < 256 ? latin1[Int(codePoint)] : compute(codePoint)
    }

    static func compute(_ codePoint: UInt32) -> CharacterClass {
        guard let scalar = Unicode.Scalar(codePoint) else { return [] }
        let properties = scalar.properties
        var result: CharacterClass = []
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            result.insert(.punctuation)
        case .unassigned:
            return properties.isWhitespace ? [.whitespace] : []
        default:
            break
        }
        if properties.isWhitespace { result.insert(.whitespace) }
        result.insert(.assigned)
        return result
    }
}

/// A text fragment as code points with their classes and UTF-8 offsets, which the
/// pre-tokenizers scan by index.
struct CodePointText {
    var codePoints: [UInt32] = []
    var classes: [CharacterClass] = []
    /// UTF-8 offset of each code point in the source buffer, plus the end offset.
    var byteOffsets: [Int] = []

    var count: Int { codePoints.count }

    /// Decodes `bytes[range]`, which must be valid UTF-8 (it comes from a Swift String).
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        // Filled through raw buffers: this loop runs for every byte of every encoded text, and
        // appending to three arrays one element at a time cost more than the scanning itself.
        let capacity = range.count
        let latin1 = CharacterClass.latin1
        var points = [UInt32](repeating: 0, count: capacity)
        var kinds = [CharacterClass](repeating: [], count: capacity)
        var offsets = [Int](repeating: 0, count: capacity + 1)
        var decoded = 0
        points.withUnsafeMutableBufferPointer { points in
            kinds.withUnsafeMutableBufferPointer { kinds in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    var i = range.lowerBound
                    let end = range.upperBound
                    while i < end {
                        var cp = UInt32(bytes[i])
                        var length = 1
                        if cp >= 0x80 {
                            (cp, length) = cp < 0xE0 ? (cp & 0x1F, 2) : cp < 0xF0 ? (cp & 0x0F, 3) : (cp & 0x07, 4)
                            length = min(length, end - i)
                            var k = 1
                            while k < length {
                                cp = cp << 6 | (UInt32(bytes[i + k]) & 0x3F)
                                k += 1
                            }
                        }
                        points[decoded] = cp
                        kinds[decoded] = cp < 256 ? latin1[Int(cp)] : CharacterClass.compute(cp)
                        offsets[decoded] = i
                        decoded += 1
                        i += length
                    }
                    offsets[decoded] = end
                }
            }
        }
        points.removeLast(capacity - decoded)
        kinds.removeLast(capacity - decoded)
        offsets.removeLast(capacity - decoded)
        codePoints = points
        classes = kinds
        byteOffsets = offsets
    }

    @inline(__always)
    func classAt(_ index: Int, end: Int) -> CharacterClass {
        index < end ? classes[index] : []
    }
}

/// Generated tokens as text, one token at a time: bytes are held back until they end on a
/// UTF-8 character boundary, and the text is cut before the first stop string it contains.
public struct TextStream {
    public let stopStrings: [String]
    public private(set) var text = ""
    public private(set) var stopped = false
    private var pending: [UInt8] = []

    public init(stopStrings: [String]) {
        self.stopStrings = stopStrings
    }

    /// Adds a token's bytes; returns the text that became complete (cut at a stop string,
    /// after which `stopped` is true and further tokens are ignored).
    public mutating func append(_ bytes: [UInt8]) -> String {
        guard !stopped else { return "" }
        pending += bytes
        let (complete, rest) = Self.splitCompleteUTF8(pending)
        pending = rest
        guard !complete.isEmpty else { return "" }
        let piece = String(decoding: complete, as: UTF8.self)
        let before = text.count
        text += piece
        // A stop string may straddle tokens: search the whole text, earliest match first.
        if let stop = stopStrings.compactMap({ text.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            text = String(text[..<stop.lowerBound])
            stopped = true
            return String(text.dropFirst(min(before, text.count)))
        }
        return piece
    }

    /// Flushes bytes still held back (an incomplete character at the end becomes U+FFFD).
    public mutating func finish() -> String {
        guard !stopped, !pending.isEmpty else { return "" }
        let tail = String(decoding: pending, as: UTF8.self)
        pending = []
        text += tail
        return tail
    }

    /// The longest prefix of `bytes` that ends on a UTF-8 character boundary, and the rest.
    static func splitCompleteUTF8(_ bytes: [UInt8]) -> ([UInt8], [UInt8]) {
        var cut = bytes.count
        var i = bytes.count - 1
        var seen = 0
        while i >= 0, seen < 4 {
            let b = bytes[i]
            if b & 0xC0 == 0x80 {
                seen += 1
                i -= 1
                continue
            }
            let need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            if need > seen + 1 { cut = i }
            break
        }
        return (Array(bytes[..<cut]), Array(bytes[cut...]))
    }
}

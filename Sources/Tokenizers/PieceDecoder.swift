/// The decoders a SentencePiece-style tokenizer.json declares, in the two shapes Llama-family
/// files use. Special (control) tokens are left out first, as Hugging Face tokenizers' decode
/// does by default (`skip_special_tokens=True`), and as the GGUF SentencePiece decoder does.
public enum PieceDecoding: Sendable, Equatable {
    /// `Sequence[Replace(pattern → content), ByteFallback, Fuse, Strip(stripped, leading, trailing)]`:
    /// each piece gets its replacement, runs of `<0xNN>` pieces become their bytes (one U+FFFD
    /// per byte when a run is not UTF-8), the pieces are joined, and up to `leading` / `trailing`
    /// `stripped` characters come off the ends of the joined text.
    case fused(pattern: String, content: String, stripped: Unicode.Scalar, leading: Int, trailing: Int)
    /// `Metaspace`: the replacement becomes a space, except in the first piece, where it is
    /// dropped unless `keepsFirst` (prepend scheme `never`). There is no byte fallback: `<0xNN>`
    /// pieces come out as written.
    case metaspace(replacement: String, keepsFirst: Bool)
}

/// Token ids back to text by a `PieceDecoding`.
struct PieceDecoder: TokenDecoder {
    private let decoding: PieceDecoding
    private let types: [TokenType]
    /// Each piece with its replacement applied.
    private let replaced: TokenByteTable
    /// For `fused`: the byte of pieces that read `<0xNN>` after replacement, else -1.
    private let byteValues: [Int16]
    /// For `metaspace`: the first piece, whose replacement characters are dropped.
    private let firstPieces: TokenByteTable?

    init(vocabulary: Vocabulary, decoding: PieceDecoding) {
        self.decoding = decoding
        types = vocabulary.types
        let (pattern, content): (String, String) =
            switch decoding {
            case let .fused(pattern, content, _, _, _): (pattern, content)
            case let .metaspace(replacement, _): (replacement, " ")
            }
        let texts = vocabulary.pieces.map {
            MetaspaceEscaping.replacing(Array(pattern.utf8), with: Array(content.utf8), in: Array($0.utf8))
        }
        replaced = TokenByteTable(count: texts.count) { texts[$0] }
        switch decoding {
        case .fused:
            byteValues = texts.map { text in
                SentencePieceDecoder.byteValue(String(decoding: text, as: UTF8.self)).map { Int16($0) } ?? -1
            }
            firstPieces = nil
        case let .metaspace(replacement, keepsFirst):
            byteValues = []
            let dropped = vocabulary.pieces.map { MetaspaceEscaping.replacing(Array(replacement.utf8), with: [], in: Array($0.utf8)) }
            firstPieces = keepsFirst ? nil : TokenByteTable(count: dropped.count) { dropped[$0] }
        }
    }

    private func isSkipped(_ id: Int32) -> Bool {
        guard id >= 0, Int(id) < types.count else { return true }
        return types[Int(id)] == .control
    }

    /// What a token stands for on its own (for streaming): its byte, or its replaced text.
    func bytes(of id: Int32) -> [UInt8] {
        if isSkipped(id) { return [] }
        if !byteValues.isEmpty, byteValues[Int(id)] >= 0 { return [UInt8(byteValues[Int(id)])] }
        return Array(replaced.bytes(of: id))
    }

    func decode(_ ids: [Int32]) -> String {
        let kept = ids.filter { !isSkipped($0) }
        switch decoding {
        case let .fused(_, _, stripped, leading, trailing):
            var out: [UInt8] = []
            var run: [UInt8] = []
            func flush() {
                if run.isEmpty { return }
                if String(validating: run, as: UTF8.self) != nil {
                    out.append(contentsOf: run)
                } else {
                    for _ in run { out.append(contentsOf: [0xEF, 0xBF, 0xBD]) }
                }
                run.removeAll()
            }
            for id in kept {
                if byteValues[Int(id)] >= 0 {
                    run.append(UInt8(byteValues[Int(id)]))
                } else {
                    flush()
                    out.append(contentsOf: replaced.bytes(of: id))
                }
            }
            flush()
            return Self.strip(String(decoding: out, as: UTF8.self), stripped, leading: leading, trailing: trailing)
        case .metaspace:
            var out: [UInt8] = []
            for (index, id) in kept.enumerated() {
                // The first piece loses its replacement characters instead of turning them into spaces.
                out.append(contentsOf: index == 0 ? (firstPieces ?? replaced).bytes(of: id) : replaced.bytes(of: id))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Strip works on characters in Hugging Face's sense (Unicode scalars), not grapheme clusters.
    private static func strip(_ text: String, _ scalar: Unicode.Scalar, leading: Int, trailing: Int) -> String {
        var scalars = Substring(text).unicodeScalars
        var removed = 0
        while removed < leading, scalars.first == scalar {
            scalars.removeFirst()
            removed += 1
        }
        removed = 0
        while removed < trailing, scalars.last == scalar {
            scalars.removeLast()
            removed += 1
        }
        return String(scalars)
    }
}

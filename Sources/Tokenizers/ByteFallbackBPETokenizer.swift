/// SentencePiece-style BPE as a Hugging Face tokenizer.json describes it (Llama 1/2, Mistral,
/// TinyLlama...: model `BPE` with `byte_fallback`): added tokens are cut out first, each
/// fragment between them is escaped (`MetaspaceEscaping`: spaces to `▁`, a `▁` prefix), and
/// its characters are merged by merge rank. A character the vocabulary lacks becomes its UTF-8
/// bytes as `<0xNN>` tokens, which no merge joins.
///
/// The GGUF `llama` tokenizer (`SentencePieceTokenizer`) merges by piece score instead and
/// re-adds the space prefix after every special token as llama.cpp does; tokenizer.json states
/// its merges and its prefix rule, and this follows them.
public final class ByteFallbackBPETokenizer: Tokenizer {
    let vocabulary: Vocabulary
    let specialTokens: SpecialTokenSplitter
    let escaping: MetaspaceEscaping
    let model: BytePairModel
    let decoder: PieceDecoder
    /// The `<0xNN>` token of each byte.
    private let byteTokens: [Int32]

    public let bosID: Int32?
    public let eosID: Int32?
    public let addsBOS: Bool
    public let addsEOS: Bool

    /// - Parameters:
    ///   - merges: pairs of pieces, best first; every part and result should be a piece.
    ///   - addsBOS, addsEOS: only take effect when the id exists.
    /// - Throws: `TokenizerError.missingByteToken` when a `<0xNN>` piece is absent, because byte
    ///   fallback needs all 256.
    public init(
        vocabulary: Vocabulary, merges: [(left: String, right: String)], escaping: MetaspaceEscaping, decoding: PieceDecoding,
        bosID: Int32?, eosID: Int32?, addsBOS: Bool, addsEOS: Bool
    ) throws {
        var byteTokens: [Int32] = []
        for byte in 0..<256 {
            let name = Self.byteTokenName(UInt8(byte))
            guard let id = vocabulary.id(of: name) else { throw TokenizerError.missingByteToken(name) }
            byteTokens.append(id)
        }
        self.byteTokens = byteTokens
        self.vocabulary = vocabulary
        self.escaping = escaping
        model = BytePairModel(vocabulary: vocabulary, mergePairs: merges)
        decoder = PieceDecoder(vocabulary: vocabulary, decoding: decoding)
        specialTokens = SpecialTokenSplitter(vocabulary: vocabulary)
        self.bosID = bosID
        self.eosID = eosID
        self.addsBOS = addsBOS && bosID != nil
        self.addsEOS = addsEOS && eosID != nil
    }

    /// `<0x0A>`: two upper-case hex digits, as tokenizers looks byte tokens up.
    public static func byteTokenName(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }

    /// Whether a piece reads `<0xNN>`, a byte token the decoder turns back into its byte.
    public static func isByteToken(_ piece: String) -> Bool { SentencePieceDecoder.byteValue(piece) != nil }

    public var vocabularySize: Int { vocabulary.count }

    public func encode(_ text: String, addSpecialTokens: Bool, parseSpecial: Bool) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 2 + 4)
        if addSpecialTokens, addsBOS, let bosID { output.append(bosID) }
        var text = text
        text.withUTF8 { bytes in
            var escaped: [UInt8] = []
            var symbols: [Int32] = []
            var scratch = MergeScratch()
            for fragment in specialTokens.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case let .token(id):
                    output.append(id)
                case let .text(range):
                    escaped.removeAll(keepingCapacity: true)
                    escaping.escape(UnsafeBufferPointer(rebasing: bytes[range]), startsText: range.lowerBound == 0, into: &escaped)
                    symbols.removeAll(keepingCapacity: true)
                    appendCharacterSymbols(of: escaped, to: &symbols)
                    scratch.reset(symbols: symbols)
                    model.merge(&scratch, into: &output)
                }
            }
        }
        if addSpecialTokens, addsEOS, let eosID { output.append(eosID) }
        return output
    }

    /// One symbol per character that is a piece; the byte tokens of each character that is not.
    private func appendCharacterSymbols(of text: [UInt8], to symbols: inout [Int32]) {
        text.withUnsafeBufferPointer { text in
            var offset = 0
            while offset < text.count {
                let length = min(SentencePieceModel.utf8Length(text[offset]), text.count - offset)
                let character = UnsafeBufferPointer(rebasing: text[offset..<(offset + length)])
                if let id = vocabulary.ids.value(for: character) {
                    symbols.append(id)
                } else {
                    for byte in character { symbols.append(byteTokens[Int(byte)]) }
                }
                offset += length
            }
        }
    }

    public func decode(_ ids: [Int32]) -> String { decoder.decode(ids) }

    public func bytes(of id: Int32) -> [UInt8] { decoder.bytes(of: id) }

    public func piece(_ id: Int32) -> String {
        id >= 0 && Int(id) < vocabulary.count ? vocabulary.pieces[Int(id)] : ""
    }

    /// The token type of an id (control for special added tokens, byte for `<0xNN>`...).
    public func tokenType(_ id: Int32) -> TokenType { vocabulary.type(of: id) }
}
